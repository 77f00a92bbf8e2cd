"""Page keys: a cheap check, before a page is fingerprinted, that nothing it shows has changed.

Fingerprinting a page (fingerprint.py) reads every value its template reads, down into each
story it shows, so fingerprinting all pages costs a walk over the whole archive on every build.
A page key avoids that walk for pages nothing touched. It is made of:

- the template's name and the source of every template involved, and the page's depth;
- what the template reads of its context with every story cut short to its identity (its class
  and path inside content/): the desks, pages and numbers read, and which stories sit where;
- a token for each story the page's last fingerprint read (recorded with it in the manifest):
  every attribute of the story, other stories again by identity only.

The first two are hashed into the page's context key; the tokens are compared once per build,
story by story, with the last build's (kept in the manifest), not hashed into every page's key
(`PageKeys` says why that is the same check).

If the key equals the one recorded with the page, its fingerprint is unchanged: the fingerprint
walk reaches stories only through values the key covers, each story it reached last time has
the same attributes (so the same stories behind it, by identity), and those stories were
reached — and so are tokened — last time too; by induction every value the walk reads is the
same. Settings and code are not in the key: a change to them changes the manifest's key and
no page is kept (cache_guard.py). A story whose text links to other stories ({filename}…)
shows their addresses, which its attributes do not hold: it has no token, and every page that
reads it is fingerprinted on every build.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import re
from collections.abc import Hashable, Iterable, Mapping
from itertools import compress, repeat
from operator import is_not
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from archive_speed.added_attributes import WRAPPER_COPIES, quick_digest, wrapper_fields
from archive_speed.fingerprint import (ABSENT, ATOMS, MAX_READ_DEPTH, LastPageValues, PageFingerprints, Unfingerprintable,
                                       _identity, hash_parts, source_identity)
from archive_speed.story_tokens import GONE, StoryNotes
from archive_speed.template_reads import TemplateReads, Use

# Attributes that are the build's plumbing, not what a story is (the settings are in the
# manifest's key; the absolute source path changes with the checkout's folder).
TOKEN_PLUMBING = frozenset({"settings", "_context", "source_path"})
# Lists read item by item in one pass (iterating them twice reads the same items).
_PLAIN_LISTS = (list, tuple)


class _References:
    """Each story's reference (`_reference`), worked out once per build: a listing page names
    its stories, a story its neighbours, so a story is referred to about 18 times a build."""

    def __init__(self) -> None:
        # id → (story, its relative source path, reference): holding the story keeps its id its
        # own; the path object is checked, so a story given another path is referred to anew.
        self._made: dict[int, tuple[Content, Any, bytes]] = {}

    def of(self, story: Content) -> bytes:
        """`_reference(story)`."""
        path = vars(story).get("relative_source_path")
        made = self._made.get(id(story))
        if made is not None and made[1] is path and made[0] is story:
            return made[2]
        reference = _reference(story)
        self._made[id(story)] = (story, path, reference)
        return reference


class _StoryReferences(PageFingerprints):
    """Fingerprints in which every story counts by its identity only, not by what it holds."""

    def __init__(self, references: _References | None = None) -> None:
        super().__init__()
        self._references = references or _References()
        # Per template, the context values of its last page and what they read: a page's own
        # values are let go with the next page.
        self._last_values = LastPageValues()
        # The same for what is read inside those values: a listing page and its slice of stories
        # are read on one page only, a listing or a desk list on the pages after it too.
        self._page_reads: dict[Hashable, tuple[Any, bytes, tuple[str, ...]]] = {}
        self._last_page_reads: dict[Hashable, tuple[Any, bytes, tuple[str, ...]]] = {}

    def of(self, template_name: str, reads: TemplateReads, localcontext: Mapping[str, Any],
           sources: set[str] | None = None) -> bytes:
        """PageFingerprints.of, with each context value's read remembered from the template's
        last page while the value is the same object: most pages of a template read the same
        settings and desk lists, and only their own story, listing or page differs."""
        if self._enter_page(reads, localcontext):
            self._last_values.forget(reads)
        parts = [template_name.encode(), reads.source_digest]
        self._page_whole = {}
        self._last_page_reads, self._page_reads = self._page_reads, {}
        uses, values, digests, changed = self._last_values.changed(reads, localcontext, b"")
        for index in changed:
            value = values[index]
            digests[index] = b"" if value is ABSENT else self._read(value, uses[index], reads, 0)
        # The names are the template's (its sources are in the key), in a fixed order; no read
        # of a value is empty, so b"" stands for a name the page's context does not hold.
        parts += digests
        self._last_values.keep(reads, values, digests)
        return hash_parts(*parts)

    def _read(self, value: Any, use: Use, reads: TemplateReads, depth: int) -> bytes:
        if isinstance(value, Content):
            return self._references.of(value)
        if use.whole or depth > MAX_READ_DEPTH or isinstance(value, ATOMS):
            return super()._read(value, use, reads, depth)
        # Without stories to walk into, what a page reads of a desk list or a listing is read
        # once per build: no page changes them. It is remembered for the build once a second
        # page reads it; a listing page's own values (about 1.5 KB per story at 2,000) are let
        # go with the page. Each remembered read holds its value, so its id stays its own.
        key = (_identity(value), self._shape(use, reads, depth))
        remembered = self._reads.get(key) or self._last_page_reads.get(key)
        if remembered is not None:
            self._reads[key] = remembered
            return remembered[1]
        # A key gathers no stories (it reads each as its reference only): the read is computed
        # and kept with its value, without `_remember`'s bookkeeping of the stories read.
        digest = self._compute_read(value, use, reads, depth)
        self._page_reads[key] = (value, digest, ())
        return digest

    def whole(self, value: Any) -> bytes:
        if isinstance(value, Content):
            return self._references.of(value)
        return super().whole(value)

    def _items(self, value: Any, use: Use, reads: TemplateReads, depth: int) -> list[bytes]:
        # A story is read as its reference whatever the use (`_read`): a listing page's list of
        # stories, read twice per page (its loop and `stories[-1]`), in one pass each, without a
        # call through `_read` per story (about 0.3 s of a "+1" at 10,000 stories).
        if type(value) in _PLAIN_LISTS and all(map(isinstance, value, repeat(Content))):
            return list(map(self._references.of, value))
        return super()._items(value, use, reads, depth)


class _TokenPickler(pickle.Pickler):
    """Writes stories' attributes for their tokens: pickle walks the values in C, and pickled
    state is all of a value's state. Other stories are written as their identity, desks, tags
    and bylines as their name (their addresses follow from it and the settings)."""

    def __init__(self, references: _References | None = None) -> None:
        self.references = references or _References()
        self.buffer = io.BytesIO()
        super().__init__(self.buffer, protocol=5)
        # Without pickle's memo a value shared by two attributes is written twice: a story read
        # from its file and the same story from Pelican's cache share values differently.
        self.fast = True
        # Looked up by exact class, in C: every kind of story and of desk, tag or byline.
        self.dispatch_table = {**dict.fromkeys(_kinds(Content), self._reduce_story),
                               **dict.fromkeys(_kinds(URLWrapper), self._reduce_wrapper),
                               # pickle's own way names a method it must look for in every module
                               ZoneInfo: _reduce_zone,
                               # and writes a str subclass through copyreg (the JSON-LD is Markup)
                               Markup: _reduce_markup}
        self._reduced: dict[int, tuple[Any, tuple[Any, ...]]] = {}
        # Stories as identities, for the build: each is named by its neighbours' and related
        # stories' tokens, five times or more.
        self._stories: dict[int, tuple[Any, tuple[Any, ...]]] = {}

    def _reduce_story(self, story: Content) -> tuple[Any, ...]:
        """Another story as its identity."""
        remembered = self._stories.get(id(story))
        if remembered is None:
            remembered = self._stories[id(story)] = (story, (_story, (self.references.of(story),)))
        return remembered[1]

    def _reduce_wrapper(self, wrapper: URLWrapper) -> tuple[Any, ...]:
        """A desk, tag or byline as its fields, worked out once per token (a story's tags
        appear among its attributes and again in its metadata)."""
        remembered = self._reduced.get(id(wrapper))
        if remembered is None:
            # Pelican's as_dict() copies the name and slug into the object once its address was
            # formatted, and a slug is made from the name when first read: neither is state.
            reduced = (_wrapper, (type(wrapper).__qualname__, wrapper_fields(wrapper)))
            remembered = self._reduced[id(wrapper)] = (wrapper, reduced)
        return remembered[1]

    def digest(self, value: Any) -> bytes:
        """The digest of `value` pickled."""
        self.buffer.seek(0)
        self.buffer.truncate()
        try:
            self.dump(value)
        finally:
            # The reader gives every story its own tags and bylines: remembered past the story's
            # token, they were about 2.7 KB per story held to the end of the build.
            self._reduced.clear()
        return hashlib.blake2b(self.buffer.getbuffer(), digest_size=16).digest()


def _kinds(base: type) -> set[type]:
    """`base` and every class derived from it."""
    kinds, pending = {base}, [base]
    while pending:
        for kind in pending.pop().__subclasses__():
            if kind not in kinds:
                kinds.add(kind)
                pending.append(kind)
    return kinds


def _reduce_zone(zone: ZoneInfo) -> tuple[Any, ...]:
    return _zone, (zone.key,)


def _story(reference: bytes) -> bytes:
    """Stands for another story in a token (pickled by name, never called)."""
    return reference


def _reduce_markup(text: Markup) -> tuple[Any, ...]:
    return _markup, (str(text),)


def _markup(text: str) -> str:
    """Stands for HTML marked safe in a token (pickled by name, never called)."""
    return text


def _zone(key: str) -> str:
    """Stands for a time zone in a token (pickled by name, never called)."""
    return key


def _wrapper(kind: str, fields: list[tuple[str, Any]]) -> tuple[str, list[tuple[str, Any]]]:
    """Stands for a desk, tag or byline in a token (pickled by name, never called)."""
    return kind, fields


def _reference(content: Content) -> bytes:
    identity = source_identity(content)
    if not identity:
        raise Unfingerprintable("a story without a source path")
    return b"story:" + identity.encode()


# A story's texts, searched for links to other stories (see the module's docstring).
TEXTS = frozenset({"_content", "_summary", "metadata"})
_LINK_PATTERNS: dict[str, re.Pattern[str]] = {}
_MADE_PICKLER: list[_TokenPickler] = []


def _shows_links(story: Content, fields: Mapping[str, Any]) -> bool:
    """Whether the story's text (as `fields` hold it) links to other stories ({filename}…)."""
    setting = story.settings["INTRASITE_LINK_REGEX"]
    links = _LINK_PATTERNS.get(setting)
    if links is None:
        links = _LINK_PATTERNS[setting] = story._get_intrasite_link_regex()
    metadata = fields.get("metadata")
    texts = (fields.get("_content"), fields.get("_summary"),
             metadata.get("summary") if isinstance(metadata, Mapping) else None)
    return any(isinstance(text, str) and links.search(text) for text in texts)


def _attributes_digest(pickler: _TokenPickler, fields: Mapping[str, Any]) -> bytes | None:
    """The digest of a story's attributes but its plumbing, other stories by identity; None when
    its text links to other stories or a value cannot be pickled."""
    attributes = sorted((name, value) for name, value in fields.items() if name not in TOKEN_PLUMBING)
    try:
        return pickler.digest(attributes)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return None  # a value pickle cannot write (a lambda, an open file): no token


def made_digest(story: Content, names: tuple[str, ...], values: tuple[Any, ...]) -> bytes | None:
    """The digest of what a story was made with (story_tokens.py): its attributes `names`
    holding `values`; None when it cannot be tokened."""
    fields = dict(zip(names, values))
    if _shows_links(story, fields):
        return None
    if not _MADE_PICKLER:
        _MADE_PICKLER.append(_TokenPickler())
    return _attributes_digest(_MADE_PICKLER[0], fields)


def _same_wrapper(now: Any, made: Any) -> bool:
    """Whether a desk, tag or byline replaced since the story was made holds what the one it was
    made with holds (shared_names.py points a story at the first such object of the build): the
    made digest covers it then, and the token does not depend on which story came first."""
    if not isinstance(now, URLWrapper) or type(now) is not type(made):
        return False
    # Most often the fields but the copies Pelican adds are equal (the settings compared by
    # identity first); wrapper_fields also sets aside a slug only worked out from the name.
    fields, made_fields = vars(now), vars(made)
    return ({name: value for name, value in fields.items() if name not in WRAPPER_COPIES}
            == {name: value for name, value in made_fields.items() if name not in WRAPPER_COPIES}
            or wrapper_fields(now) == wrapper_fields(made))


class PageKeys:
    """The page keys of one build; `stories` maps `source_identity` to the build's stories,
    `notes` (when given) holds what each was made with and its kept digest, and `previous` is
    the token of every story of the last build (the manifest keeps them).

    Every story is tokened once, when the keys are made, and compared with its last token: the
    stories whose token is the same are `stable`. A page is unchanged when its context key (what
    it reads with stories cut to their identity, and its depth) is the one recorded and every
    story its last fingerprint read is stable. That is the key of the module's docstring with
    the stories' tokens compared once per build instead of hashed again into every page's key:
    a page recorded with stories S has, for each story of S, the token of the build that
    recorded it — that build's tokens are what it compared or recorded, and a build that keeps
    the page found each token of S unchanged since — so "stable" holds exactly when the
    story's token equals the one the page was decided with.
    """

    def __init__(self, stories: Mapping[str, Content], notes: StoryNotes | None = None,
                 previous: Mapping[str, bytes] | None = None) -> None:
        self._stories = stories
        self._notes = notes
        references = _References()
        self._references = _StoryReferences(references)
        self._made_names: dict[tuple[str, ...], frozenset[str]] = {}
        self._pickler = _TokenPickler(references)
        self.tokens: dict[str, bytes] = {}
        for identity, story in stories.items():
            token = self._token(story, identity)
            if token is not None:
                self.tokens[identity] = token
        previous = previous or {}
        self._stable = frozenset(identity for identity, token in self.tokens.items() if previous.get(identity) == token)

    def context_key(self, template_name: str, reads: TemplateReads, localcontext: Mapping[str, Any]) -> str | None:
        """What the page reads of its context with every story cut to its identity, and its
        depth, hashed; None when some value has no key (the page is then fingerprinted)."""
        try:
            return hash_parts(self._references.of(template_name, reads, localcontext),
                              str(localcontext["localsiteurl"])).hex()
        except Unfingerprintable:
            return None

    def unchanged(self, sources: Iterable[str]) -> bool:
        """Whether every story named in `sources` has the token it had in the last build."""
        return self._stable.issuperset(sources)

    def tokened(self, sources: Iterable[str]) -> bool:
        """Whether every story named in `sources` is in this build and has a token."""
        return self.tokens.keys() >= set(sources)

    def _token(self, story: Content, identity: str) -> bytes | None:
        made = self._notes.made_of(story) if self._notes is not None else None
        if made is None:
            fields = vars(story)
            if _shows_links(story, fields):
                return None  # shows other stories' addresses (see the module's docstring)
            return _attributes_digest(self._pickler, {"(kind)": type(story).__qualname__, **fields})
        # What the story was made with has a digest kept across builds (story_tokens.py); the
        # attributes generators added or replaced since are pickled here.
        names, values = made
        made_names = self._made_names.get(names)
        if made_names is None:
            made_names = self._made_names[names] = frozenset(names)
        fields = vars(story)
        # Each attribute compared with what the story was made with in C, most being the same.
        now = list(map(fields.get, names, repeat(GONE)))
        fresh = {names[index]: now[index] for index in compress(range(len(names)), map(is_not, now, values))
                 if not _same_wrapper(now[index], values[index])}
        for name in fields.keys() - made_names:
            fresh[name] = fields[name]
        if not TEXTS.isdisjoint(fresh) and _shows_links(story, fields):
            return None
        digest = self._notes.made_digest(story, identity)
        if digest is None:
            return None
        kind = type(story).__qualname__
        return (quick_digest(kind, digest, fresh, self._pickler.references.of)
                or _attributes_digest(self._pickler, {"(kind)": kind, "(made)": digest, **fresh}))

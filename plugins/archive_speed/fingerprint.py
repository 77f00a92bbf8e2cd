"""Fingerprints of what a page shows: the values its template reads, hashed.

`PageFingerprints.of(template_name, reads, localcontext)` hashes, for every context name the
template reads (template_reads.py), only the parts it reads: the attributes named, the items of
what it loops over, or the whole value. Two builds that give a page the same fingerprint render
it to the same bytes, so the second can keep the first's file. A value of a kind this module does
not know raises `Unfingerprintable`, and the page is rendered as usual. Given a set, `of` also
adds to it the `source_identity` of every story (article or page) the page read anything of:
what page_keys.py checks, on the next build, before fingerprinting the page again.
`PageSources` gathers those stories alone, for a page that is rendered anyway (a new page).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import marshal
import sys
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence, Set
from itertools import compress, repeat
from operator import attrgetter, is_not
from typing import Any, NamedTuple

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from archive_speed.template_reads import INDEXED_ITEMS, Bound, TemplateReads, Use

# Content attributes that are the build's plumbing, not what the story shows (the absolute
# source path changes with the checkout's folder; `story` uses the path inside content/).
CONTENT_PLUMBING = frozenset({"settings", "_context", "metadata", "_content", "_summary", "template",
                              "source_path"})
# How deep attribute, loop and macro reads may nest before a value is simply hashed whole.
MAX_READ_DEPTH = 8
# How a name the templates never read is read: not at all (one object, so its id is stable).
NO_USE = Use()
# Values read on many pages, whose reads are remembered (see PageFingerprints._reads).
SHARED = (Content, URLWrapper)
# The marshal format of hash_parts: the last without references between parts (see there).
MARSHAL_VERSION = 2
ATOMS = (str, bytes, int, float, bool, type(None), datetime.date, datetime.time, datetime.timedelta,
         datetime.tzinfo)


class _Plan(NamedTuple):
    """A Use's reads in the order they are hashed, each with its label (see PageFingerprints._plan)."""

    use: Use  # held, so that its id stays its own while the plan is remembered
    reads: TemplateReads
    truth: bool
    attrs: tuple[tuple[bytes, str, Use, bool], ...]  # with whether the attribute is read whole
    aliases: tuple[tuple[bytes, Use], ...]
    loops: tuple[tuple[bytes, str, Use, bool], ...]  # with whether its items are only counted
    unpacks: tuple[tuple[bytes, tuple[str, ...], tuple[Use, ...]], ...]
    slices: tuple[tuple[bytes, tuple[Bound, Bound, Bound], Use], ...]


class Unfingerprintable(Exception):
    """A value the page reads has no stable fingerprint; the page must be rendered."""


def source_identity(content: Content) -> str:
    """A story's name across builds: its class and its path inside content/ ("" when it has none,
    e.g. a story a plugin made up)."""
    path = vars(content).get("relative_source_path")
    # Interned: a story's name is held by every remembered read and page record naming it.
    return sys.intern(f"{type(content).__name__}:{path}") if path else ""


def hash_parts(*parts: Any) -> bytes:
    """A 16-byte digest of the parts in order (bytes, or plain str, int, float, bool, None)."""
    # marshal frames each part with its length, so ("ab", "c") and ("a", "bc") differ. Version 2:
    # later versions write a value met twice as a reference to the first, when it is the same
    # object, so equal parts gave other bytes in another build when shared differently.
    return hashlib.blake2b(marshal.dumps(parts, MARSHAL_VERSION), digest_size=16).digest()


def _atom(value: Any) -> bytes:
    if isinstance(value, datetime.datetime | datetime.time):
        # The offset matters to the page (isoformat shows it), the zone name to strftime.
        return f"{type(value).__name__}:{value.isoformat()}:{value.tzname()}".encode()
    if isinstance(value, datetime.tzinfo):
        return f"tz:{value}".encode()  # a zone's name (ZoneInfo's repr is stable, others' not)
    return f"{type(value).__name__}:{value!r}".encode()


class PageFingerprints:
    """Fingerprints for the pages of one build; remembers what every shared value hashed to."""

    # How the parts of a read are combined (PageSources combines nothing).
    _hash = staticmethod(hash_parts)

    def __init__(self) -> None:
        # Keyed by id() and holding the value, so an id cannot be reused while remembered; with
        # each digest, the identities of the stories it was read from.
        self._whole: dict[Hashable, tuple[Any, bytes, tuple[str, ...]]] = {}
        # The same for other values, for one page only: a page's own values (its listing page,
        # periods, lists a template builds) were all kept alive with the build (about 3 KB per
        # story), and what a story holds (its tags, bylines, related stories) is read whole once
        # per build anyway, inside the story's own remembered read (`_stories`, `_reads`).
        self._page_whole: dict[Hashable, tuple[Any, bytes, tuple[str, ...]]] = {}
        self._stories: dict[int, tuple[Any, bytes]] = {}
        # A story or desk/tag/byline is read the same way on many pages (a story as related on
        # its neighbours' pages, in listings under the same macro): what a read gives depends
        # only on the value and the read's shape, so it is hashed once per (value, shape).
        self._reads: dict[tuple[Hashable, bytes], tuple[Any, bytes, tuple[str, ...]]] = {}
        self._shapes: dict[tuple[int, int, int], tuple[Use, TemplateReads, bytes]] = {}
        # Where the stories read by the page being fingerprinted are noted.
        self._sources: set[str] = set()
        # What a template reads of a context value that one page after another is given (the
        # front page's desks in every page's navigation, the site's pages): read once per build.
        # A value is remembered (and held) from the second page in a row that reads it, so each
        # page's own values are let go with it; made before the first page is written, these
        # values do not change while pages are written, like the stories `_reads` remembers.
        self._context_reads: dict[tuple[int, str, int], tuple[Any, bytes, frozenset[str]]] = {}
        self._plans: dict[tuple[int, int], _Plan] = {}
        self._last_page: set[tuple[int, str, int]] = set()
        # The page's slice bounds taken from its context (template_reads.Bound), resolved to
        # whole numbers or None (NO_BOUND: not a number, so the whole list is read instead).
        # Reads remembered across pages hold for these bounds only: `_enter_page` forgets them
        # when a template's page has other bounds (in practice settings: one value per build).
        self._bounds: dict[str, int | None | object] = {}
        self._template_bounds: dict[int, tuple[TemplateReads, tuple[Any, ...]]] = {}

    def _enter_page(self, reads: TemplateReads, localcontext: Mapping[str, Any]) -> bool:
        """Take the page's slice bounds; True when they differ from those of the template's last
        page (what was remembered per template — shapes, context reads — is then forgotten;
        reads remembered by shape need not be: a shape holds the bounds)."""
        if not reads.bound_names:
            self._bounds = {}
            return False
        bounds: dict[str, int | None | object] = {}
        for name in reads.bound_names:
            value = localcontext.get(name, UNDEFINED)
            bounds[name] = value if value is None or type(value) is int else NO_BOUND
        key = tuple(sorted((name, value is NO_BOUND, 0 if value is NO_BOUND else value)
                           for name, value in bounds.items()))
        self._bounds = bounds
        last = self._template_bounds.get(id(reads))
        self._template_bounds[id(reads)] = (reads, key)  # held: its id stays its own
        if last is None or last[1] == key:
            return False
        self._shapes.clear()
        self._context_reads.clear()
        self._last_page = set()
        return True

    def _resolve(self, bounds: tuple[Bound, Bound, Bound]) -> tuple[int | None, ...] | None:
        """A slice's bounds on this page, or None when one is not a whole number."""
        resolved = tuple(self._bounds.get(bound, NO_BOUND) if isinstance(bound, str) else bound for bound in bounds)
        return None if NO_BOUND in resolved else resolved

    def of(self, template_name: str, reads: TemplateReads, localcontext: Mapping[str, Any],
           sources: set[str] | None = None) -> bytes:
        """The fingerprint of a page rendered from `template_name` with `localcontext`; the
        stories it reads are added to `sources` (by `source_identity`) when one is given."""
        self._sources = set() if sources is None else sources
        self._enter_page(reads, localcontext)
        parts = [template_name.encode(), reads.source_digest]
        self._page_whole = {}
        page: set[tuple[int, str, int]] = set()
        for name in sorted(reads.names()):
            if name in localcontext:
                value, use = localcontext[name], reads.uses[name]
                key = (id(reads), name, id(value))
                page.add(key)
                if key in self._context_reads or key in self._last_page:
                    read = self._remember(self._context_reads, key, value,
                                          lambda value=value, use=use: self._read(value, use, reads, 0))
                else:
                    read = self._read(value, use, reads, 0)
                parts += [name.encode(), read]
        self._last_page = page
        return self._hash(*parts)

    def _remember(self, memory: dict[Any, tuple[Any, bytes, tuple[str, ...]]], key: Hashable, value: Any,
                  compute: Callable[[], bytes]) -> bytes:
        """`compute()`, once per build for `key`; the stories it read count for every page using it."""
        remembered = memory.get(key)
        if remembered is None:
            outer, self._sources = self._sources, set()
            try:
                digest = compute()
            finally:
                inner, self._sources = self._sources, outer
            # A tuple, not a frozenset: most reads name no story or one, and an empty tuple is
            # shared where each empty frozenset is 216 bytes (about 4 KB per story in all).
            remembered = memory[key] = (value, digest, tuple(inner))
        self._sources.update(remembered[2])
        return remembered[1]

    def _read(self, value: Any, use: Use, reads: TemplateReads, depth: int) -> bytes:
        """The fingerprint of what the template reads of `value`, as `use` says."""
        if use.whole or depth > MAX_READ_DEPTH:
            return self.whole(value)
        if not isinstance(value, SHARED) or depth == 0:
            # A story read at the top of a page is its own page's story: read there only.
            return self._compute_read(value, use, reads, depth)
        return self._remember(self._reads, (_identity(value), self._shape(use, reads, depth)), value,
                              lambda: self._compute_read(value, use, reads, depth))

    def _shape(self, use: Use, reads: TemplateReads, depth: int) -> bytes:
        """A digest of everything `_read` does with a value read as `use` at `depth`: the names
        and nesting of attributes, macro parameters and loops, down to where values are read
        whole. Reads of the same value with the same shape give the same fingerprint."""
        key = (id(use), id(reads), depth)  # `_enter_page` forgets shapes when bounds change
        remembered = self._shapes.get(key)
        if remembered is not None:
            return remembered[2]
        if use.whole or depth > MAX_READ_DEPTH:
            shape = b"whole"
        else:
            parts = [b"?1" if use.truth else b"?0"]
            for attr, attr_use in sorted(use.attrs.items()):
                parts += [b"." + attr.encode(), self._shape(attr_use, reads, depth + 1)]
            for alias in sorted(use.aliases):
                parts += [b"=" + alias.encode(), self._shape(reads.uses.get(alias, NO_USE), reads, depth + 1)]
            for loop_name in sorted(use.loops):
                parts += [b"[" + loop_name.encode(), self._shape(reads.uses.get(loop_name, NO_USE), reads, depth + 1)]
            for names in sorted(use.unpacks):
                parts.append(b"(" + ",".join(names).encode())
                parts += [self._shape(reads.uses.get(name, NO_USE), reads, depth + 1) for name in names]
            for bounds, slice_use in sorted(use.slices.items(), key=lambda item: repr(item[0])):
                parts += [b"[:" + repr((bounds, self._resolve(bounds))).encode(),
                          self._shape(slice_use, reads, depth + 1)]
            shape = hash_parts(*parts)
        # Holding `use` and `reads` keeps their ids from being reused while remembered.
        self._shapes[key] = (use, reads, shape)
        return shape

    def _plan(self, use: Use, reads: TemplateReads) -> _Plan:
        """`use` in the order `_compute_read` reads it, worked out once per build (every page of
        a template reads its values under the same uses)."""
        key = (id(use), id(reads))
        plan = self._plans.get(key)
        if plan is None:
            uses = reads.uses
            plan = self._plans[key] = _Plan(
                use, reads, use.truth,
                tuple((b"." + attr.encode(), attr, attr_use, attr_use.whole)
                      for attr, attr_use in sorted(use.attrs.items())),
                tuple((b"=" + alias.encode(), uses.get(alias, NO_USE)) for alias in sorted(use.aliases)),
                tuple((b"[" + name.encode() + b"]", name, uses.get(name, NO_USE), uses.get(name, NO_USE) == NO_USE)
                      for name in sorted(use.loops)),
                tuple((b"(" + ",".join(names).encode() + b")", names, tuple(uses.get(name, NO_USE) for name in names))
                      for names in sorted(use.unpacks)),
                tuple((b"[:" + repr(bounds).encode() + b"]", bounds, slice_use)
                      for bounds, slice_use in sorted(use.slices.items(), key=lambda item: repr(item[0]))))
        return plan

    def _compute_read(self, value: Any, use: Use, reads: TemplateReads, depth: int) -> bytes:
        if isinstance(value, Content):
            self._sources.add(source_identity(value))
        plan = self._plan(use, reads)
        parts = []
        if plan.truth:
            parts.append(b"?1" if value and value is not UNDEFINED else b"?0")
        if isinstance(value, Content):
            for label, attr, attr_use, _ in plan.attrs:
                parts += [label, self._attribute(value, attr, attr_use, reads, depth)]
        else:
            for label, attr, attr_use, whole in plan.attrs:
                item = _attribute(value, attr)
                # Text read whole, hashed as `whole` hashes it (a listing page's addresses and
                # titles) without the calls that lead there.
                parts += [label, b"s" + item.encode() if whole and type(item) is str
                          else self._read(item, attr_use, reads, depth + 1)]
        for label, alias_use in plan.aliases:
            parts += [label, self._read(value, alias_use, reads, depth + 1)]
        for label, loop_name, item_use, counted in plan.loops:
            if isinstance(value, ATOMS) or not _iterable(value):
                parts += [b"[]", self.whole(value)]
                continue
            if loop_name == INDEXED_ITEMS and isinstance(value, Mapping):
                parts += [b"[]", self.whole(value)]  # `mapping[0]` is a value, not a key
                continue
            if counted:  # items only counted (`|length`, a slice's bounds)
                parts += [label, b"#%d" % sum(1 for _ in value)]
                continue
            parts += [label, *self._items(value, item_use, reads, depth + 1)]
        for label, names, name_uses in plan.unpacks:
            parts.append(label)
            if isinstance(value, ATOMS) or not _iterable(value):
                parts.append(self.whole(value))
                continue
            for item in value:
                if isinstance(item, Sequence) and not isinstance(item, str) and len(item) == len(names):
                    parts += [self._read(part, name_use, reads, depth + 1)
                              for part, name_use in zip(item, name_uses)]
                else:  # not unpacked as the template expects: Jinja would fail or differ
                    parts.append(self.whole(item))
        for label, bounds, slice_use in plan.slices:
            parts.append(label)
            if isinstance(value, ATOMS) or isinstance(value, Mapping) or not _iterable(value):
                parts.append(self.whole(value))
                continue
            resolved = self._resolve(bounds)
            if resolved is None:  # a bound that is not a number: the whole list, as its slice
                parts += [b"all", self._read(value, slice_use, reads, depth + 1)]
                continue
            try:
                part = value[slice(*resolved)]
            except Exception:  # not sliceable as Jinja would slice it: read it all
                parts.append(self.whole(value))
                continue
            parts += [repr(resolved).encode(), self._read(part, slice_use, reads, depth + 1)]
        return self._hash(*parts)

    def _items(self, value: Any, use: Use, reads: TemplateReads, depth: int) -> list[bytes]:
        """What the template reads of each item of `value` (iterated once), in order."""
        return [self._read(item, use, reads, depth) for item in value]

    def whole(self, value: Any) -> bytes:
        """The fingerprint of all of `value` that a template could show."""
        if value is UNDEFINED:
            return b"undefined"
        if isinstance(value, str):
            return b"s" + value.encode()  # hashed with whatever holds it
        if isinstance(value, ATOMS):
            return _atom(value)
        if callable(value) and hasattr(value, "__self__"):
            # A method only tested (`date.isoformat is defined`); calls read the owner whole.
            return f"method:{getattr(value, '__qualname__', '')}".encode()
        memory = self._whole if isinstance(value, SHARED) else self._page_whole
        return self._remember(memory, _identity(value), value, lambda: self._compute_whole(value))

    def _compute_whole(self, value: Any) -> bytes:
        if isinstance(value, Content):
            extras = []
            for attr in sorted(vars(value)):
                if attr not in CONTENT_PLUMBING and not attr.startswith("_"):
                    extras += [attr.encode(), self._shallow(getattr(value, attr))]
            return self._hash(b"content", self.story(value), *extras)
        if isinstance(value, URLWrapper):
            return hash_parts(b"wrapper", type(value).__name__.encode(), str(value.name).encode(),
                         str(value.slug).encode(), str(value.url).encode(), str(value.save_as).encode())
        if isinstance(value, Mapping):
            items = sorted((self.whole(key), self.whole(item)) for key, item in value.items())
            return self._hash(b"map", *(part for pair in items for part in pair))
        if isinstance(value, Set):
            return self._hash(b"set", *sorted(self.whole(item) for item in value))
        if isinstance(value, Sequence):
            return self._hash(b"seq", *(self.whole(item) for item in value))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = [f.name for f in dataclasses.fields(value)]
            return self._hash(b"data", type(value).__qualname__.encode(),
                         *(self.whole(getattr(value, name)) for name in fields))
        raise Unfingerprintable(f"no fingerprint for {type(value).__module__}.{type(value).__qualname__}")

    def story(self, content: Content) -> bytes:
        """What a story shows of itself: text, metadata and address (not its neighbours)."""
        self._sources.add(source_identity(content))
        remembered = self._stories.get(id(content))
        if remembered is not None:
            return remembered[1]
        text = content._content or ""
        if content._get_intrasite_link_regex().search(text):
            # Intra-site links ({filename}…) take their targets' addresses: hash the text with
            # them resolved (the page's own depth is part of every page fingerprint).
            text = content.get_content("")
        metadata = sorted((key, self._shallow(item)) for key, item in content.metadata.items())
        digest = hash_parts(b"story", str(content.relative_source_path).encode(), text.encode(),
                       str(content.url).encode(),
                       *(part for key, item in metadata for part in (key.encode(), item)))
        self._stories[id(content)] = (content, digest)
        return digest

    def _attribute(self, value: Any, attr: str, use: Use, reads: TemplateReads, depth: int) -> bytes:
        """The fingerprint of what the template reads of `value.attr`."""
        if isinstance(value, Content) and (attr == "content" or (attr == "summary" and "summary" not in value.metadata)):
            # The story's text after link resolution, which `story` covers.
            return self.story(value)
        return self._read(_attribute(value, attr), use, reads, depth + 1)

    def _shallow(self, value: Any) -> bytes:
        """A value attached to a story, with other stories reduced to what they show of themselves."""
        if isinstance(value, Content):
            return self.story(value)
        if isinstance(value, list | tuple) and any(isinstance(item, Content) for item in value):
            return self._hash(b"seq", *(self._shallow(item) for item in value))
        return self.whole(value)


def _attribute(value: Any, attr: str) -> Any:
    """`value.attr` the way Jinja reads it (attribute, then item); UNDEFINED when neither."""
    try:
        return getattr(value, attr)
    except AttributeError:
        pass
    try:
        return value[attr]
    except (TypeError, LookupError, AttributeError):
        return UNDEFINED
    except Exception as error:  # a mapping with odd keys: do not guess
        raise Unfingerprintable(f"reading {attr!r}: {error}") from error


def _identity(value: Any) -> Hashable:
    """What a remembered fingerprint of `value` is looked up by: its id, or for a desk, tag or
    byline its fields. The reader gives every story its own Tag and Author objects; equal
    fields under the same settings make equal names and addresses, so they share one."""
    if isinstance(value, URLWrapper):
        fields = vars(value)
        if all(isinstance(item, ATOMS) for name, item in fields.items() if name != "settings"):
            return (type(value), id(fields.get("settings")),
                    *sorted((name, item) for name, item in fields.items() if name != "settings"))
    return id(value)


# What a template sees for a missing attribute.
UNDEFINED = object()
# A slice bound whose value on the page is not a whole number or None.
NO_BOUND = object()


def _iterable(value: Any) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True


def _no_digest(*parts: Any) -> bytes:
    return b""


# Stands for a name the page's context does not hold.
ABSENT = object()


class LastPageValues:
    """Per template, the context values its last page held and what was made of each, so that a
    page reads again only the values that are not the very objects its template's last page held
    (values do not change while pages are written): looked up and compared in C, as a page of 35
    names has one or two of its own. Holding the values keeps their ids their own."""

    def __init__(self) -> None:
        self._names: dict[int, tuple[TemplateReads, list[str], list[Use]]] = {}
        self._previous: dict[int, tuple[list[Any], list[Any]]] = {}

    def forget(self, reads: TemplateReads) -> None:
        """Read every value of the template's next page again (its slices read other items)."""
        self._previous.pop(id(reads), None)

    def changed(self, reads: TemplateReads, localcontext: Mapping[str, Any], fresh: Any
                ) -> tuple[list[Use], list[Any], list[Any], Iterable[int]]:
        """The uses of the template's names (in a fixed order), the page's values (ABSENT for a
        name it lacks), what was made of the last page's (`fresh` for each when none is known)
        and the places of the values to read again."""
        known = self._names.get(id(reads))
        if known is None:
            names = sorted(reads.names())
            known = self._names[id(reads)] = (reads, names, [reads.uses[name] for name in names])
        _, names, uses = known
        values = list(map(localcontext.get, names, repeat(ABSENT)))
        previous = self._previous.get(id(reads))
        if previous is None:
            return uses, values, [fresh] * len(values), range(len(values))
        return uses, values, list(previous[1]), compress(range(len(values)), map(is_not, values, previous[0]))

    def keep(self, reads: TemplateReads, values: list[Any], made: list[Any]) -> None:
        """What was made of this page's `values`, for the template's next page."""
        self._previous[id(reads)] = (values, made)


# Metadata values that hold no story and always have a fingerprint.
_PLAIN_METADATA = frozenset({str, int, float, bool, type(None), datetime.datetime, datetime.date})


# A story's attributes read through `story` (PageFingerprints._attribute).
STORY_TEXTS = frozenset({"content", "summary"})
# What a desk, tag or byline shows of itself (`_compute_whole`): text made of its fields.
WRAPPER_TEXTS = frozenset({"name", "slug", "url", "save_as"})


def _leaf(use: Use) -> bool:
    """Whether `use` reads its value whole or for its truth only, and nothing of what it holds."""
    return not (use.attrs or use.loops or use.unpacks or use.aliases or use.slices)


def _story_plan(plan: _Plan) -> tuple[Callable[[Any], Any] | None, list[tuple[str, Use]],
                                     tuple[tuple[bytes, str, Use, bool], ...]] | None:
    """How PageSources reads a story under `plan`: a getter of the attributes read for what
    they are, those attributes with their uses, and the plan's other attribute reads (its text,
    read by `story`, among them); None when the plan reads the story otherwise than by attribute."""
    if plan.aliases or plan.loops or plan.unpacks or plan.slices:
        return None
    leaves = [(attr, attr_use) for _, attr, attr_use, _ in plan.attrs
              if _leaf(attr_use) and attr not in STORY_TEXTS]
    others = tuple(read for read in plan.attrs if not (_leaf(read[2]) and read[1] not in STORY_TEXTS))
    return (attrgetter(*(attr for attr, _ in leaves)) if leaves else None), leaves, others


class PageSources(PageFingerprints):
    """PageFingerprints' walk without its digests, for a page whose fingerprint is not needed:
    `of` gives b"" and adds to `sources` exactly the stories a fingerprint would have read (the
    same walk, the same values read, Unfingerprintable raised alike), except that it does not
    walk into plain values (text, numbers, dates): they hold no story, and what a template reads
    of one is made of it alone (a fingerprint could fail there on, say, `title.__class__`)."""

    _hash = staticmethod(_no_digest)

    def __init__(self) -> None:
        super().__init__()
        # Per template, the stories each context value of its last page was found to read.
        self._last_values = LastPageValues()
        self._name_uses: dict[int, tuple[Use, bool]] = {}
        self._story_plans: dict[int, tuple[_Plan, Any]] = {}

    def of(self, template_name: str, reads: TemplateReads, localcontext: Mapping[str, Any],
           sources: set[str] | None = None) -> bytes:
        """PageFingerprints.of's stories: a context value that is the very object the template's
        last page read is not read again (as there, values do not change while pages are
        written), and the values are looked up and compared with the last page's in C."""
        sources = set() if sources is None else sources
        if self._enter_page(reads, localcontext):
            self._last_values.forget(reads)  # slices now read other items
        self._page_whole = {}
        uses, values, found, changed = self._last_values.changed(reads, localcontext, ())
        for index in changed:
            value = values[index]
            if value is ABSENT:
                found[index] = ()
                continue
            self._sources = set()
            self._read(value, uses[index], reads, 0)
            found[index] = tuple(self._sources)
        self._last_values.keep(reads, values, found)
        for stories in found:
            if stories:
                sources.update(stories)
        return b""

    def _compute_read(self, value: Any, use: Use, reads: TemplateReads, depth: int) -> bytes:
        """PageFingerprints._compute_read's stories; a story read by attribute only has the
        attributes read for what they are (no further reads of them, its text aside) taken
        in one call and only those holding no plain value read further (about 20 a story page)."""
        if not isinstance(value, Content):
            return super()._compute_read(value, use, reads, depth)
        plan = self._plan(use, reads)
        known = self._story_plans.get(id(plan))
        if known is None:
            known = self._story_plans[id(plan)] = (plan, _story_plan(plan))
        quick = known[1]
        if quick is None:
            return super()._compute_read(value, use, reads, depth)
        self._sources.add(source_identity(value))
        getter, leaves, others = quick
        try:
            items = getter(value) if getter is not None else ()
        except AttributeError:  # an attribute it lacks: each read as Jinja reads it
            others = plan.attrs
        else:
            if len(leaves) == 1:
                items = (items,)
            if not set(map(type, items)) <= _PLAIN_METADATA:
                for (_, attr_use), item in zip(leaves, items):
                    if type(item) not in _PLAIN_METADATA:
                        self._read(item, attr_use, reads, depth + 1)
        for _, attr, attr_use, _ in others:
            self._attribute(value, attr, attr_use, reads, depth)
        return b""

    def _read(self, value: Any, use: Use, reads: TemplateReads, depth: int) -> bytes:
        # A plain value holds no story, and whatever a template reads of it is made of it alone
        # (so covered by the key or the token that covers the value itself); nor does a desk,
        # tag or byline read for its name and address only.
        if type(value) in _PLAIN_METADATA or (isinstance(value, URLWrapper) and self._names_only(use)):
            return b""
        return super()._read(value, use, reads, depth)

    def _names_only(self, use: Use) -> bool:
        """Whether `use` reads at most a desk's, tag's or byline's name and address, each for
        what it is (no loop, slice or further attribute of them)."""
        known = self._name_uses.get(id(use))
        if known is None:
            known = self._name_uses[id(use)] = (use, not (use.loops or use.unpacks or use.aliases or use.slices)
                                                and all(attr in WRAPPER_TEXTS and _leaf(attr_use)
                                                        for attr, attr_use in use.attrs.items()))
        return known[1]

    def whole(self, value: Any) -> bytes:
        # A desk, tag or byline is read whole as its name and addresses (`_compute_whole`).
        if type(value) in _PLAIN_METADATA or isinstance(value, URLWrapper):
            return b""
        return super().whole(value)

    def story(self, content: Content) -> bytes:
        self._sources.add(source_identity(content))
        remembered = self._stories.get(id(content))
        if remembered is None:
            for item in content.metadata.values():
                if type(item) not in _PLAIN_METADATA:
                    self._shallow(item)  # a story, or a kind with no fingerprint, inside
            self._stories[id(content)] = (content, b"")
        return b""

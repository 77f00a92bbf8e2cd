"""What Pelican made of each story file, kept between builds and loaded instead of made again.

On a "+1 article" rebuild of 10,000 stories, Pelican's articles generator spent about 3 CPU s
making the 9,999 stories it made last time: loading its reader cache (a 30 MB pickle of each
file's HTML and metadata), hashing every source file to vouch for it, making an Article from
each cached entry, checking each one's validity, and pickling the whole cache again. Pelican
has a place for a cache of made stories — `generate_context` asks the generator's
`get_cached_data(path)` before reading a file and gives `cache_data(path, story)` every valid
story it made (its "generator" caching layer) — but its own one pickles each story with the
settings and the build's whole context. `KeptStories` takes that place on the articles
generator:

- each story Pelican makes is pickled once, right after it is made and found valid, with the
  settings, the build's context and each desk, tag and byline (`URLWrapper`) pickled as a
  reference, and kept in CACHE_PATH/archive_speed/kept-stories.pickle under its path inside
  content/ with its file's SHA-256;
- a file whose SHA-256 is the kept one is answered with the kept story, unpickled: the same
  attributes in the same order, the same objects shared as when it was made. A file's size,
  times and inode stand in front of hashing it only as a shortcut: they are recorded only for
  files older than the build by a margin, and a fresh checkout (every stamp new) hashes every
  file and still finds every story;
- with urls.py's pinning on, a kept story comes with the address and output path it was given
  (`pin`);
- only the files whose stories changed are written, from the kept stories' bytes (no story is
  pickled again), and Pelican's reader cache of articles is neither written nor, from then on,
  loaded.

Why a kept story is the one Pelican would make: a story is made from its file, the settings and
the code alone. The settings and code are the guard's key (cache_guard.py: a change drops every
cache, this file included, and a file whose bytes differ from what the last build recorded is
never trusted); the file is its SHA-256; where the build runs (content and output folders, the
working folder) is recorded in the file and must match. What it does not cover is turned away
in `usable`: a plugin listening where it could change a story as it is made (the preread,
context and content_object_init signals), and a date taken from the file's time (DEFAULT_DATE =
"fs"). A desk, tag or byline with the same fields is one shared object among kept stories, as
shared_names.py makes them for every story (objects of the same state are interchangeable).

What a kept story is not sent: `article_generator_preread`, `article_generator_context` and
`content_object_init` (so no plugin may listen to them, see above; story_tokens' notes are given
the story directly) and Pelican's warnings while reading (they were given when it was made).
Drafts, hidden stories and translations are kept like any story; a file that fails to read or
validate is not kept, so it is read again, and fails again with the same message, on every build.

With ARCHIVE_SPEED_CHECK_KEPT_STORIES on, Pelican makes every story and each kept story that
would have stood for one is loaded all the same and compared with it, pickle for pickle:
`KeptStoryDiffers` names the file and the attributes that differ (tests/test_speed_kept_stories.py
builds so).
"""

from __future__ import annotations

import copyreg
import importlib
import io
import logging
import os
import pickle
import time
import zlib
from collections.abc import Callable, Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from pelican import signals
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from archive_format import write_atomic

from archive_speed.cache_guard import STATE_DIR, file_sha256
from archive_speed.shared_names import share_names
from archive_speed.story_tokens import StoryNotes, other_receivers, receivers_of

logger = logging.getLogger(__name__)

KEPT_PREFIX = "kept-stories-"
# Stories are kept in this many files by their path, so that a build rewrites only the files
# whose stories changed (about 2.5 MB each at 10,000 stories).
SHARDS = 16
# Raised when what is kept per story changes shape: an older file is then not read.
FORMAT = 3
CHECK_SETTING = "ARCHIVE_SPEED_CHECK_KEPT_STORIES"
# Signals through which a plugin could make a story from more than its file (ours excepted).
MAKING_SIGNALS = (signals.article_generator_preread, signals.article_generator_context, signals.content_object_init)
# Signals sent between a story's making and urls.py pinning its address.
PINNING_SIGNALS = (signals.article_generator_pretaxonomy, signals.article_generator_finalized)
# A file's size and times are trusted as a shortcut for its SHA-256 only when it is older than
# the build by this much: a file written in the same tick of the file system's clock as it was
# looked at could change again without its time changing.
SETTLED_NS = 2_000_000_000
# The references a kept story is pickled with, in place of the build's own objects.
_SETTINGS, _CONTEXT = "settings", "context"
_NAME = "name"  # first item of a desk's, tag's or byline's reference
# What a kept file may fail with when it is not what this code wrote (the guard vouches for its
# bytes, so only another version of the code or a setting without the guard gets here).
_UNREADABLE = (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError,
               IndexError, KeyError)


class KeptStoryDiffers(RuntimeError):
    """A kept story is not what Pelican makes of the same file (raised when checking)."""


class _NotKept(Exception):
    """A story holding something that cannot be kept by reference (another story, say)."""


class Kept(NamedTuple):
    """One story file's entry: its SHA-256 (hex), its stamp when settled, the pickled story,
    and its address and output path when pinned (see `KeptStories.pins`)."""

    sha256: str
    stamp: tuple[int, int, int, int] | None
    story: bytes
    pins: tuple[str, str] | None = None


def _stamp(stat: os.stat_result) -> tuple[int, int, int, int]:
    # ctime too: restoring an edited file's mtime (touch -d) still changes its ctime.
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _name_reference(wrapper: URLWrapper, settings: Mapping[str, Any]) -> tuple[Hashable, ...] | None:
    """A desk's, tag's or byline's reference: its class and fields (the settings stand for
    themselves), or None when a field is not a plain value."""
    fields = vars(wrapper)
    if fields.get("settings") is not settings:
        return None
    state = tuple((name, None if name == "settings" else value) for name, value in fields.items())
    if not all(type(value) in (str, bool, int, type(None)) for _, value in state):
        return None
    kind = type(wrapper)
    return (_NAME, kind.__module__, kind.__qualname__, state)


def _kept_name(reference: tuple[Hashable, ...]) -> URLWrapper:
    """What a desk's, tag's or byline's reference in a kept story names (`_name_reference`):
    only `_StoryUnpickler` answers it, with the build's own object."""
    raise pickle.UnpicklingError(f"a kept story's reference read outside kept stories: {reference!r}")


# The settings and the build's context are the first two objects of every kept story's memo
# (`_StoryPickler`), so that wherever a story holds them the pickle says "the object at 0 / 1".
_SEEDED = 2
# What `_StoryUnpickler` reads before a kept story: settings and context at memo 0 and 1 (each
# a persistent reference, then memoized), left on the stack as a pair and ended.
_SEED = (b"\x80\x05" + b"\x8c\x08" + _SETTINGS.encode() + b"Q\x94" + b"\x8c\x07" + _CONTEXT.encode() + b"Q\x94"
         + b"\x86.")


class _StoryPickler(pickle.Pickler):
    """Pickles one story with the build's own objects as references, with no Python code run
    for the story's strings, lists and dictionaries (the pickler asks Python only for the
    types in `dispatch`): the settings and the context are pre-set in the memo, desks, tags
    and bylines and other stories are reduced by `dispatch`'s entries."""

    def __init__(self, file: io.BytesIO, settings: Mapping[str, Any], context: Mapping[str, Any],
                 dispatch: Mapping[type, Callable[[Any], Any]]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.memo = {id(settings): (0, settings), id(context): (1, context)}
        self.dispatch_table = dispatch


class _StoryUnpickler(pickle.Unpickler):
    """Unpickles a kept story: settings and context from the memo `_SEED` sets, a desk, tag or
    byline by `name` from its reference."""

    def __init__(self, data: bytes, settings: Mapping[str, Any], context: Mapping[str, Any],
                 name: Callable[[Any], Any]) -> None:
        super().__init__(io.BytesIO(_SEED + data))
        self._name = name
        self.persistent_load = {_SETTINGS: settings, _CONTEXT: context}.__getitem__  # type: ignore[method-assign]

    def find_class(self, module: str, name: str) -> Any:
        if name == "_kept_name" and module == __name__:
            return self._name
        return super().find_class(module, name)

    def load(self) -> Any:
        super().load()  # the seed
        return super().load()


class KeptStories:
    """The kept stories of one build, in place of the articles generator's content cache.

    `attach(generator)` makes the generator ask it (`get_cached_data`, `cache_data`,
    `save_cache`); `notes` (story_tokens) is told each story's file stamp, and each kept story
    as Content would have told it; `remember_path` (source_paths) each kept story's path inside
    content/.
    """

    def __init__(self, settings: Mapping[str, Any], key: str, notes: StoryNotes | None = None,
                 remember_path: Callable[[Content], None] | None = None) -> None:
        self.settings = settings
        self.remember_path = remember_path
        self.folder = Path(settings["CACHE_PATH"]) / STATE_DIR
        self.key = key
        self.notes = notes
        self.check = bool(settings.get(CHECK_SETTING))
        self.pins = False
        self.where = [os.path.abspath(settings["PATH"]), os.path.abspath(settings["OUTPUT_PATH"]), os.getcwd()]
        self._settled_before = time.time_ns() - SETTLED_NS
        self._context: Mapping[str, Any] = {}
        self._base = ""
        self._kept: dict[str, Kept] = {}
        # This build's stories, kept for the next: path inside content/ → entry.
        self._current: dict[str, Kept] = {}
        # Files asked about and not answered: their entry but the story, taken before reading.
        self._asked: dict[str, tuple[str, tuple[int, int, int, int] | None]] = {}
        # The stories answered from what was kept, by id (held, so that ids stay theirs).
        self._loaded: dict[int, Content] = {}
        # When checking: kept stories as loaded, to compare with the ones Pelican makes, and
        # the addresses kept with them, to compare with the ones urls.py pins.
        self._restored: dict[str, Content] = {}
        self._pinned: dict[str, tuple[Content, tuple[str, str] | None]] = {}
        self._names: dict[Hashable, URLWrapper] = {}
        self._shards: dict[int, dict[str, Kept]] = {}
        self._readers_cache: str | None = None
        # The story being pickled (`_pickled`), and the pickler's reducers by type.
        self._dumping: Content | None = None
        self._dispatch: dict[type, Callable[[Any], Any]] = {}

    @staticmethod
    def usable(settings: Mapping[str, Any], ours: Callable[..., Any]) -> bool:
        """Whether a kept story is sure to be what Pelican would make (see the module's doc);
        `ours` is archive_speed's own content_object_init receiver."""
        if settings.get("DEFAULT_DATE") == "fs":
            return False
        listening = other_receivers(MAKING_SIGNALS, (ours,))
        if listening:
            logger.debug("Stories made anew: a plugin listens to %s", ", ".join(listening))
        return not listening and bool(settings.get("CACHE_CONTENT"))

    def pin(self) -> None:
        """Keep each story's address and output path too, and pin a kept story's as urls.py
        would: its address is made of what the story was made with and the settings alone, so
        it is the one worked out when it was made, unless a plugin other than archive_speed
        can change the story before urls.py pins it."""
        ours = [receiver for signal in PINNING_SIGNALS for receiver in receivers_of(signal)
                if getattr(receiver, "__module__", "").startswith(__package__ or "archive_speed")]
        self.pins = not other_receivers(PINNING_SIGNALS, ours)

    def attach(self, generator: Any) -> None:
        """Answer `generator`'s content cache questions, and stop its reader cache being written."""
        self._context = generator.context
        self._base = generator.path
        if self.settings.get("LOAD_CONTENT_CACHE"):
            self._kept = self._load()
        generator.get_cached_data = self.get
        generator.cache_data = self.put
        generator.save_cache = self.save
        if self.check and self.pins:
            # Connected after archive_speed's own receivers: urls.py has pinned by then.
            signals.article_generator_finalized.connect(self._check_pins)
        readers = generator.readers
        # Pelican's reader cache, if one was loaded, still answers stories not kept yet (the
        # first build after this fix came in); it is not written again: kept stories hold more.
        # An empty one is not asked at all: asking stamps (hashes) each file again.
        readers._cache_data_policy = False
        if not getattr(readers, "_cache", None):
            readers.get_cached_data = _not_cached
            readers.cache_data = _not_cached
        self._readers_cache = getattr(readers, "_cache_path", None)

    def _shard_path(self, shard: int) -> Path:
        return self.folder / f"{KEPT_PREFIX}{shard:02d}.pickle"

    def _load(self) -> dict[str, Kept]:
        """Every kept story of the shards that this build's code, settings and folders wrote."""
        kept: dict[str, Kept] = {}
        for shard in range(SHARDS):
            path = self._shard_path(shard)
            try:
                with path.open("rb") as handle:
                    data = pickle.load(handle)
                if (data.get("format") == FORMAT and data.get("key") == self.key and data.get("where") == self.where
                        and isinstance(data.get("stories"), dict)):
                    stories = {relative: Kept(*entry) for relative, entry in data["stories"].items()}
                    self._shards[shard] = stories
                    kept.update(stories)
                else:
                    logger.debug("Kept stories of another build setting not used: %s", path)
            except FileNotFoundError:
                pass
            except _UNREADABLE as error:
                logger.info("Kept stories in %s unreadable (%s): those stories are made again", path, error)
        return kept

    def get(self, relative: str, default: Any = None) -> Any:
        """Pelican's `get_cached_data`: the kept story of content file `relative` if the file is
        the one it was made from, else `default` (the file's stamp is noted for `put`)."""
        path = os.path.join(self._base, relative)
        try:
            stamp = _stamp(os.stat(path))
        except OSError:
            return default
        kept = self._kept.get(relative)
        sha256 = kept.sha256 if kept is not None and kept.stamp == stamp else None
        if sha256 is None:
            sha256 = file_sha256(path)
            if sha256 is None:
                return default
        settled = stamp if stamp[1] < self._settled_before and stamp[2] < self._settled_before else None
        self._asked[relative] = (sha256, settled)
        if kept is None or kept.sha256 != sha256:
            return default
        story = self._restore(relative, kept)
        if story is None:
            return default
        if self.check:
            # Pelican makes the story all the same; `put` compares the two.
            self._restored[relative] = story
            return default
        del self._asked[relative]
        self._current[relative] = Kept(sha256, settled, kept.story, kept.pins)
        self._loaded[id(story)] = story
        if self.remember_path is not None:
            self.remember_path(story)
        if self.notes is not None:
            self.notes.note(story)
            self.notes.note_stamp(story.source_path, sha256)
        if self.pins and kept.pins is not None:
            # After the notes: pinned addresses are added to a story, not what it was made with.
            fields = vars(story)
            if "override_url" not in fields and "override_save_as" not in fields:
                fields["override_url"], fields["override_save_as"] = kept.pins
        return story

    def share_names(self, stories: Iterable[Content]) -> None:
        """shared_names.py's sharing for a generator's `stories`: the kept ones share theirs
        already (one object per reference), so only the stories made this build are visited."""
        made = [story for story in stories if self._loaded.get(id(story)) is not story]
        share_names(made, self._names.values())
        if self.notes is not None:
            for story in made:
                self.notes.note_shared(story)

    def _check_pins(self, generator: Any) -> None:
        """When checking: each kept address and output path is the one urls.py pinned."""
        pinned, self._pinned = self._pinned, {}
        for relative, (story, pins) in pinned.items():
            now = (getattr(story, "override_url", None), getattr(story, "override_save_as", None))
            if pins != now:
                raise KeptStoryDiffers(f"{relative}: kept address and output path {pins} are not the pinned {now}")

    def _restore(self, relative: str, kept: Kept) -> Content | None:
        """The story in `kept`, with this build's objects for its references; None if unreadable."""
        try:
            return _StoryUnpickler(kept.story, self.settings, self._context, self._reference).load()
        except _UNREADABLE as error:
            logger.info("Kept story of %s unreadable (%s): made again", relative, error)
            return None

    def _reference(self, reference: Any) -> Any:
        """The build's own desk, tag or byline a kept story's reference stands for."""
        name = self._names.get(reference)
        if name is None:
            kind, module, qualname, state = reference
            cls = getattr(importlib.import_module(module), qualname) if kind == _NAME else None
            if not (isinstance(cls, type) and issubclass(cls, URLWrapper)):
                raise pickle.UnpicklingError(f"not a reference of a kept story: {reference!r}")
            name = cls.__new__(cls)
            vars(name).update((field, self.settings if field == "settings" else value) for field, value in state)
            self._names[reference] = name
        return name

    def put(self, relative: str, story: Any) -> None:
        """Pelican's `cache_data`: keep `story`, just made from content file `relative`."""
        asked = self._asked.pop(relative, None)
        restored = self._restored.pop(relative, None)
        if asked is None or not isinstance(story, Content):
            return
        sha256, settled = asked
        if self.notes is not None:
            self.notes.note_stamp(story.source_path, sha256)
        try:
            made = self._pickled(story, story)
        except (_NotKept, pickle.PicklingError, TypeError, AttributeError) as error:
            logger.debug("%s not kept: %s", relative, error)
            return
        pins = (story.url, story.save_as) if self.pins else None
        if restored is not None:
            self._compare(relative, story, restored)
            self._pinned[relative] = (story, self._kept[relative].pins)
        elif pins is not None and not self.check:
            # Pinned now, as urls.py would pin it when the generator finishes: worked out once.
            fields = vars(story)
            if "override_url" not in fields and "override_save_as" not in fields:
                fields["override_url"], fields["override_save_as"] = pins
        self._current[relative] = Kept(sha256, settled, made, pins)

    def _compare(self, relative: str, story: Content, kept: Content) -> None:
        """Raise KeptStoryDiffers unless the kept story, as loaded, is the one Pelican made:
        every value the same (pickled without the memo: a string's identity is not compared)
        and the same lists, dictionaries and objects shared between its attributes."""
        if self._values(story, story) == self._values(kept, kept) and _sharing(story) == _sharing(kept):
            return
        fields, kept_fields = vars(story), vars(kept)
        differing = [name for name in dict.fromkeys([*fields, *kept_fields])
                     if self._values(story, fields.get(name)) != self._values(kept, kept_fields.get(name))]
        raise KeptStoryDiffers(
            f"{relative}: the kept story differs from what Pelican makes of the same file "
            f"(attributes: {', '.join(differing) or 'the same values, shared otherwise'})")

    def _pickled(self, story: Content, value: Any, *, fast: bool = False) -> bytes:
        buffer = io.BytesIO()
        pickler = _StoryPickler(buffer, self.settings, self._context, self._reducers(type(story)))
        pickler.fast = fast
        self._dumping = story
        try:
            pickler.dump(value)
        finally:
            self._dumping = None
        return buffer.getvalue()

    def _values(self, story: Content, value: Any) -> bytes:
        # No memo (but the settings and context): equal values give equal bytes however they
        # are shared.
        return self._pickled(story, value, fast=True)

    def _reducers(self, kind: type) -> dict[type, Callable[[Any], Any]]:
        """The pickler's dispatch table: copyreg's, and ours for every class of story, desk,
        tag and byline (worked out again when a story of a class not seen yet comes)."""
        if kind not in self._dispatch:
            self._dispatch = dict(copyreg.dispatch_table)
            self._dispatch.update(dict.fromkeys(_subclasses(URLWrapper), self._reduce_name))
            self._dispatch.update(dict.fromkeys(_subclasses(Content), self._reduce_story))
            self._dispatch.setdefault(kind, self._reduce_story)
        return self._dispatch

    def _reduce_name(self, name: URLWrapper) -> Any:
        """A desk, tag or byline as its reference (`_kept_name`), or by value when it has a
        field that is not a plain value."""
        reference = _name_reference(name, self.settings)
        if reference is None:
            return name.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        return _kept_name, (reference,)

    def _reduce_story(self, story: Content) -> Any:
        """The story being pickled, as pickle would; another story cannot be kept."""
        if story is not self._dumping:
            raise _NotKept(f"holds another story ({story})")
        return story.__reduce_ex__(pickle.HIGHEST_PROTOCOL)

    def save(self) -> None:
        """Pelican's `save_cache`: write the shards whose stories changed for the next build, let
        go of the kept bytes, and remove Pelican's reader cache of articles (kept stories replace
        it)."""
        current, loaded = self._current, self._shards
        self._current, self._kept, self._asked, self._shards, self._restored = {}, {}, {}, {}, {}
        if not self.settings.get("CACHE_CONTENT"):
            return
        shards: list[dict[str, Kept]] = [{} for _ in range(SHARDS)]
        for relative, entry in current.items():
            shards[shard_of(relative)][relative] = entry
        for shard, stories in enumerate(shards):
            if _same_entries(stories, loaded.get(shard, {})):
                continue  # a "+1 article" rewrites one shard, not every story
            path = self._shard_path(shard)
            if not stories:
                path.unlink(missing_ok=True)
                continue
            data = {"format": FORMAT, "key": self.key, "where": self.where,
                    "stories": {relative: tuple(entry) for relative, entry in stories.items()}}
            write_atomic(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        if self._readers_cache:
            Path(self._readers_cache).unlink(missing_ok=True)


def _subclasses(kind: type) -> list[type]:
    """`kind` and every class derived from it."""
    found, todo = [], [kind]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _sharing(story: Content) -> list[int]:
    """Which of a story's attributes and metadata values are the same object as an earlier one
    (strings and numbers aside): for each, the position of the first holding it."""
    values = [*vars(story).values(), *story.metadata.values()]
    first: dict[int, int] = {}
    return [first.setdefault(id(value), index) for index, value in enumerate(values)
            if not isinstance(value, str | int | float | bytes | type(None))]


def _not_cached(filename: str, default: Any = None) -> Any:
    """An empty reader cache's answer to every question (and nothing kept when told)."""
    return default


def shard_of(relative: str) -> int:
    """The shard holding the story of content file `relative` (the same in every process)."""
    return zlib.crc32(relative.encode("utf-8")) % SHARDS


def _same_entries(new: dict[str, Kept], old: dict[str, Kept]) -> bool:
    # A kept story's bytes are the very object loaded: compared by identity, not byte by byte.
    return new.keys() == old.keys() and all(
        entry.story is old[relative].story and entry[:2] == old[relative][:2] and entry.pins == old[relative].pins
        for relative, entry in new.items())

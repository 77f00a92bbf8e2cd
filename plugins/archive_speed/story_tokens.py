"""What Pelican made of a story's file, tokened once per file and kept across builds.

A page key (page_keys.py) holds a token of every story the page read: every attribute of the
story, pickled and hashed. Tokening all 10,000 stories of the archive took about 0.9 CPU s of
every "+1 article", though nearly all of a story is what Pelican's Content made of the reader's
output, and Pelican's reader cache already vouches for that output: it is unchanged while the
file's SHA-256 (the cache's stamp) is. So a story's attributes are split in two:

- what the story was made with: its attributes when Pelican's Content finished making it
  (`content_object_init`), still holding the same objects. Their digest is kept in
  CACHE_PATH/archive_speed/story-tokens.json under the story's identity and its file's stamp;
- the rest, pickled on every build: attributes the generators added or replaced since
  (neighbours and related stories, JSON-LD, pinned addresses, translations).

This holds while nothing changes in place an object a story was made with (its metadata
dictionary, its lists of tags and bylines) and while the objects are made from the file, the
settings and the code alone (the guard drops every cache when settings or code change). The
first is checked when ARCHIVE_SPEED_CHECK_TOKENS is on: each story's made part is hashed when
it is made and again when it is tokened, and a kept digest is compared with a fresh one
(tests/test_speed_rebuild.py builds the fixture archive so). For the second, the kept digests
are not used when a plugin can change metadata between the reader and the story
(`*_generator_context`, `content_object_init`) or when a date comes from the file's time
(DEFAULT_DATE = "fs").
"""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from archive_format import write_atomic

from archive_speed.cache_guard import STATE_DIR

logger = logging.getLogger(__name__)

TOKENS_FILE = "story-tokens.json"
CHECK_SETTING = "ARCHIVE_SPEED_CHECK_TOKENS"
# Signals through which a plugin could make a story from more than its file (ours excepted).
OTHER_MAKERS = (signals.article_generator_context, signals.page_generator_context, signals.content_object_init)
# Stands for an attribute a story was made with and no longer has.
GONE = ("(attribute removed)",)


def receivers_of(signal: Any) -> list[Any]:
    """The receivers a blinker signal would call now."""
    receivers = [receiver() if isinstance(receiver, weakref.ref) else receiver
                 for receiver in signal.receivers.values()]
    return [receiver for receiver in receivers if receiver is not None]


def other_receivers(signals_: tuple[Any, ...], ours: Collection[Any]) -> list[str]:
    """The names of the signals among `signals_` that a receiver not in `ours` listens to."""
    return [signal.name for signal in signals_
            if any(all(receiver is not mine for mine in ours) for receiver in receivers_of(signal))]


class MadeStoryChanged(RuntimeError):
    """A generator changed in place an object a story was made with (raised when checking)."""


class StoryNotes:
    """What each story of one build was made with, and the digests kept from the last build.

    `note(story)` records a story as Content made it; `note_stamps(readers)` the reader cache's
    stamp of each file; `made_digest(story, identity)` is the digest of what the story was made
    with — kept from the last build when its file's stamp is the same, else `compute(story,
    names, values)` — or None when the story was not noted or has no digest.
    """

    def __init__(self, settings: Mapping[str, Any], key: str,
                 compute: Callable[[Content, tuple[str, ...], tuple[Any, ...]], bytes | None]) -> None:
        self.path = Path(settings["CACHE_PATH"]) / STATE_DIR / TOKENS_FILE
        self.key = key
        self.check = bool(settings.get(CHECK_SETTING))
        # id → (story, names, values, digest when made — checking only): holding the story
        # keeps its id its own. Names tuples are shared between stories made alike.
        self._made: dict[int, tuple[Content, tuple[str, ...], tuple[Any, ...], bytes | None]] = {}
        self._names: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._stamps: dict[str, str] = {}
        self.trusted = settings.get("DEFAULT_DATE") != "fs"
        self._kept = self._load() if self.trusted else {}
        self._current: dict[str, list[str]] = {}
        self.compute = compute

    def _load(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("key") == self.key and isinstance(data.get("stories"), dict):
                return data["stories"]
        except (OSError, ValueError, AttributeError):
            pass
        return {}

    def distrust_other_makers(self, ours: Callable[..., Any]) -> None:
        """Use no kept digest when another plugin listens where it could change a story's making."""
        listening = other_receivers(OTHER_MAKERS, (ours,))
        if listening:
            logger.debug("Story tokens made anew: a plugin listens to %s", ", ".join(listening))
            self.trusted = False
            self._kept = {}

    def note(self, story: Content) -> None:
        """`content_object_init` receiver: the story's attributes as Content made them."""
        fields = vars(story)
        names = tuple(fields)
        names = self._names.setdefault(names, names)
        values = tuple(fields.values())
        made = self.compute(story, names, values) if self.check else None
        self._made[id(story)] = (story, names, values, made)

    def note_stamps(self, readers: Any) -> None:
        """The reader cache's stamp of every file read this build (before it is let go)."""
        cache = getattr(readers, "_cache", None)
        if not isinstance(cache, dict):
            return
        for path, entry in cache.items():
            if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], bytes):
                self._stamps[path] = entry[0].hex()

    def note_shared(self, story: Content) -> None:
        """After shared_names.py gave `story` a shared desk or byline in place of its own (an
        interchangeable object): note the shared one as what it was made with, as a kept story
        (kept_stories.py) is made with them. Its token is then the same whether the story was
        made this build or kept, and pages showing it keep their keys from one to the other."""
        made = self._made.get(id(story))
        if made is None or made[0] is not story:
            return
        _, names, values, when_made = made
        fields = vars(story)
        shared = tuple(fields[name] if isinstance(value, URLWrapper) and isinstance(fields.get(name), URLWrapper)
                       else value for name, value in zip(names, values))
        self._made[id(story)] = (story, names, shared, when_made)

    def note_stamp(self, source_path: str, stamp: str) -> None:
        """The stamp (hex) of the file a story was made from, when no reader cache holds it."""
        self._stamps[source_path] = stamp

    def made_of(self, story: Content) -> tuple[tuple[str, ...], tuple[Any, ...]] | None:
        """The names and objects the story was made with, or None when it was not noted."""
        made = self._made.get(id(story))
        if made is None or made[0] is not story:
            return None
        return made[1], made[2]

    def made_digest(self, story: Content, identity: str) -> bytes | None:
        """The digest of what `story` was made with (see the class); None when it has none."""
        story_made = self._made.get(id(story))
        if story_made is None or story_made[0] is not story:
            return None
        _, names, values, when_made = story_made
        stamp = self._stamps.get(str(story.source_path)) if self.trusted else None
        kept = self._kept.get(identity)
        if not self.check and stamp is not None and kept is not None and kept[0] == stamp:
            digest = bytes.fromhex(kept[1]) if kept[1] else None
        else:
            digest = self.compute(story, names, values)
            if self.check:
                self._check(story, identity, digest, when_made, stamp, kept)
        if stamp is not None:
            self._current[identity] = [stamp, digest.hex() if digest else ""]
        return digest

    def _check(self, story: Content, identity: str, digest: bytes | None, when_made: bytes | None,
               stamp: str | None, kept: list[str] | None) -> None:
        if digest != when_made:
            raise MadeStoryChanged(
                f"{story.source_path}: an object this story was made with changed in place after it was "
                "made; its token cannot be kept across builds (replace the attribute instead)")
        if stamp is not None and kept is not None and kept[0] == stamp and kept[1] != (digest.hex() if digest else ""):
            raise MadeStoryChanged(
                f"{story.source_path}: the same file made another story than in the last build; "
                "its token cannot be kept across builds")

    def save(self) -> None:
        """Keep the digests of this build's tokened stories for the next build."""
        write_atomic(self.path, json.dumps({"key": self.key, "stories": self._current}, sort_keys=True,
                                           separators=(",", ":")))

"""Pages re-rendered only when what they show has changed.

`IncrementalWriter` is Pelican's Writer with one difference: before rendering a page it checks
whether the last build wrote that page from what this build would show on it, and if so keeps the
file. The check has two steps: the page key (page_keys.py), cheap: what the page reads with its
stories cut to their identities, and a token of each story it read last time, compared with the
token that story had then; only when it differs, the page's full
fingerprint (fingerprint.py: the values its template reads). A new story then fingerprints and
re-renders its own page, its neighbours, the listing pages it appears on and the front pages —
not the archive. A kept file must still hold the bytes the manifest records: its size and
modification time say so when they are what the build left, otherwise its SHA-256 is checked.
A page the last build did not write (every page of a clean build) is rendered whatever its
fingerprint, so only the stories it reads are gathered for its key (`PageSources`: the
fingerprint's walk without hashing what it reads, about half its time: 3.2 → 1.8 CPU s in a
clean build of 10,000 stories); a page so recorded whose key changes later is rendered, and its
file kept when the bytes are the same.
Pages written by the last build and by no generator this time (a story deleted) are removed, so
the output is what a clean build writes. The manifest lives in CACHE_PATH/archive_speed/pages.marshal,
next to the guard's state (which vouches for its bytes): marshal, not JSON, because it is read and
written whole on every build (17,225 pages at 10,000 stories: 0.55 s as JSON, about 0.08 as marshal),
and marshal writes each story's identity once however many pages name it. It also holds every
story's token, for the next build's page keys (page_keys.py).
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

from pelican import signals
from pelican.contents import Content
from pelican.utils import sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from archive_format import write_atomic

from archive_speed.cache_guard import STATE_DIR, CacheGuard, file_sha256
from archive_speed.fingerprint import PageFingerprints, PageSources, Unfingerprintable, source_identity
from archive_speed.page_keys import PageKeys
from archive_speed.page_paths import PagePaths
from archive_speed.story_tokens import StoryNotes
from archive_speed.template_reads import KeptReads, TemplateReads

logger = logging.getLogger(__name__)

MANIFEST_FILE = "pages.marshal"
# When on, every page whose stories are found without its fingerprint is fingerprinted too, and
# the two compared (tests/test_incremental_build.py builds so).
CHECK_SOURCES_SETTING = "ARCHIVE_SPEED_CHECK_PAGE_SOURCES"
TEMPLATE_READS_FILE = "template-reads.pickle"
# marshal's format 4: a string met twice (a story's identity, interned) is written once.
MANIFEST_FORMAT = 4


class PageSourcesDiffer(RuntimeError):
    """The stories found by `PageSources` are not those a page's fingerprint reads (checking)."""


class PageRecord(NamedTuple):
    """What the manifest knows of one written page."""

    # "" when none was worked out (a page the last build did not write, or a value without a
    # fingerprint): the page is then kept only on its key or on rendering to the same bytes
    fingerprint: str
    sha256: str  # of the bytes written
    size: int  # the file's size and modification time when the build last wrote or checked it
    mtime_ns: int
    key: str  # the page key ("" when it had none)
    sources: tuple[str, ...]  # identities of the stories its fingerprint read


class PageManifest:
    """The record of every page the build wrote and the token of every story, stored with the
    environment key it holds for."""

    def __init__(self, path: Path, key: str, pages: dict[str, PageRecord],
                 tokens: dict[str, bytes] | None = None) -> None:
        self.path = path
        self.key = key
        self.pages = pages
        self.tokens = tokens if tokens is not None else {}

    @classmethod
    def load(cls, cache_path: str, key: str) -> PageManifest:
        """The last build's manifest, or an empty one when absent, unreadable or of other code."""
        path = Path(cache_path) / STATE_DIR / MANIFEST_FILE
        try:
            data = marshal.loads(path.read_bytes())
            if type(data) is tuple and len(data) == 3 and data[0] == key:
                _, pages, tokens = data
                if type(pages) is dict and type(tokens) is dict:
                    return cls(path, key, {name: PageRecord._make(record) for name, record in pages.items()}, tokens)
        except (OSError, ValueError, EOFError, TypeError):
            pass
        return cls(path, key, {})

    def save(self) -> None:
        """Write the manifest atomically."""
        write_atomic(self.path, marshal.dumps((self.key, {name: tuple(record) for name, record in self.pages.items()},
                                               self.tokens), MANIFEST_FORMAT))


def _stat(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _checked(path: str, recorded: PageRecord) -> PageRecord | None:
    """The record, with the file's current size and time, when the file holds the bytes it
    records; None otherwise. A file with the size and modification time the build left is
    taken at its word (any write changes them); any other is hashed."""
    stat = _stat(path)
    if stat is None:
        return None
    if stat == (recorded.size, recorded.mtime_ns):
        return recorded
    if file_sha256(path) != recorded.sha256:
        return None
    return recorded._replace(size=stat[0], mtime_ns=stat[1])


class IncrementalWriter(Writer):
    """Pelican's Writer, keeping pages whose fingerprint and file are unchanged.

    Pelican builds its writer from (output_path, settings) alone, so the guard of the build —
    made before any reader could touch the settings — comes in a subclass: `bound_to(guard)`.
    """

    guard: CacheGuard
    notes: StoryNotes | None = None

    @classmethod
    def bound_to(cls, guard: CacheGuard, notes: StoryNotes | None = None) -> type[IncrementalWriter]:
        """This writer class for one build, recording its caches with `guard`; `notes` (when
        given) gives the page keys what each story was made with."""
        return type(cls.__name__, (cls,), {"guard": guard, "notes": notes})

    def __init__(self, output_path: str, settings: dict[str, Any]) -> None:
        super().__init__(output_path, settings=settings)
        self.previous = PageManifest.load(settings["CACHE_PATH"], self.guard.key)
        self.current = PageManifest(self.previous.path, self.guard.key, {})
        self.fingerprints = PageFingerprints()
        self.sources = PageSources()
        self.check_sources = bool(settings.get(CHECK_SOURCES_SETTING))
        self.keys: PageKeys | None = None
        self.reads: dict[str, TemplateReads] = {}
        self.kept_reads = KeptReads(Path(settings["CACHE_PATH"]) / STATE_DIR / TEMPLATE_READS_FILE,
                                    self.guard.key)
        self.counts: Counter[str] = Counter()
        self.paths = PagePaths(self.output_path)
        signals.finalized.connect(self.finish)

    def write_file(self, name: str, template: Any, context: dict[str, Any], relative_urls: bool = False,
                   paginated: dict[str, Any] | None = None, template_name: str | None = None,
                   override_output: bool = False, url: str | None = None, **kwargs: Any) -> None:
        """Pelican's write_file; an unchanged page keeps its file instead of being rendered."""
        if not name or self._paginates(paginated, template_name, kwargs):
            # Pelican's own paginated listings: rendered as usual, not tracked.
            super().write_file(name, template, context, relative_urls, paginated, template_name,
                               override_output, url, **kwargs)
            return
        localcontext = self._local_context(context, name, kwargs, relative_urls)
        path = self.paths.file(name)
        reads = self._reads_of(template)
        if reads is None:
            self.counts["rendered: template reads cannot be followed"] += 1
            self._render(template, localcontext, context, path, name, None, override_output)
            return
        keys = self._keys(context)
        recorded = self.previous.pages.get(name)
        key = keys.context_key(template.name, reads, localcontext)
        if (recorded is not None and recorded.key and key == recorded.key and keys.unchanged(recorded.sources)
                and (kept := _checked(path, recorded)) is not None):
            self.counts["kept: page key unchanged"] += 1
            self._keep(path, name, override_output, context, localcontext, kept)
            return
        sources: set[str] = set()
        if recorded is None:
            # A page the last build did not write (every page of a clean build) is rendered in
            # any case: only the stories it reads are needed, for its key in the next build.
            fingerprint = self._fingerprint(template.name, reads, localcontext, sources, self.sources)
            if self.check_sources:
                self._check_sources(name, template.name, reads, localcontext, sources, fingerprint)
        else:
            fingerprint = self._fingerprint(template.name, reads, localcontext, sources, self.fingerprints)
        record = None
        if fingerprint is not None:
            # A page reading a story without a token has no key: it is fingerprinted every time.
            key = key if key is not None and keys.tokened(sources) else ""
            record = PageRecord(fingerprint, "", 0, 0, key, tuple(sorted(sources)))
            if (recorded is not None and recorded.fingerprint == fingerprint
                    and (kept := _checked(path, recorded)) is not None):
                self.counts["kept: fingerprint unchanged"] += 1
                self._keep(path, name, override_output, context, localcontext,
                           record._replace(sha256=kept.sha256, size=kept.size, mtime_ns=kept.mtime_ns))
                return
        self._render(template, localcontext, context, path, name, record, override_output, recorded)

    def _paginates(self, paginated: dict[str, Any] | None, template_name: str | None,
                   kwargs: dict[str, Any]) -> bool:
        """Whether Pelican would split this page (same test as Writer.write_file)."""
        if paginated is None:
            paginated = {key: value for key, value in kwargs.items() if key in {"articles", "dates"}}
        return bool(paginated) and template_name in self.settings["PAGINATED_TEMPLATES"]

    def _local_context(self, context: dict[str, Any], name: str, kwargs: dict[str, Any],
                       relative_urls: bool) -> dict[str, Any]:
        """The page's template context, built exactly as Writer.write_file builds it."""
        localcontext = context.copy()
        localcontext["localsiteurl"] = localcontext.get("localsiteurl", None)
        if relative_urls:
            relative_url = self.paths.site_url(name)
            localcontext["SITEURL"] = relative_url
            localcontext["localsiteurl"] = relative_url
        localcontext["output_file"] = name
        localcontext.update(kwargs)
        return localcontext

    def _reads_of(self, template: Any) -> TemplateReads | None:
        """What the template reads, or None when that cannot be followed."""
        name = template.name
        if name not in self.reads:
            self.reads[name] = self.kept_reads.reads(template.environment, name)
        reads = self.reads[name]
        return None if reads.opaque else reads

    def _keys(self, context: dict[str, Any]) -> PageKeys:
        """This build's page keys, over every story the generators made (known once they all ran)."""
        if self.keys is None:
            stories: dict[str, Content | None] = {}
            for story in (context.get("generated_content") or {}).values():
                if isinstance(story, Content) and (identity := source_identity(story)):
                    # Two stories under one name could not be told apart: neither gets a token.
                    stories[identity] = None if identity in stories else story
            self.keys = PageKeys({identity: story for identity, story in stories.items() if story is not None},
                                 self.notes, self.previous.tokens)
            self.current.tokens = self.keys.tokens
        return self.keys

    def _fingerprint(self, template_name: str, reads: TemplateReads, localcontext: dict[str, Any],
                     sources: set[str], walk: PageFingerprints) -> str | None:
        """The page's fingerprint ("" from `PageSources`, which only gathers `sources`), or None
        when a value it reads has none."""
        try:
            digest = walk.of(template_name, reads, localcontext, sources)
            if walk is self.sources:
                return ""
            # Links inside a story depend on the page's depth: make that part of what it shows.
            return digest.hex() + ":" + str(localcontext["localsiteurl"])
        except Unfingerprintable as reason:
            logger.debug("Rendering %s every time: %s", localcontext["output_file"], reason)
            self.counts["rendered: a value has no fingerprint"] += 1
            return None

    def _check_sources(self, name: str, template_name: str, reads: TemplateReads, localcontext: dict[str, Any],
                       sources: set[str], found: str | None) -> None:
        """When checking: raise PageSourcesDiffer unless the page's fingerprint reads exactly
        the stories `PageSources` found (`sources`), and has one exactly when `found` is not None."""
        long_way: set[str] = set()
        fingerprint = self._fingerprint(template_name, reads, localcontext, long_way, self.fingerprints)
        if (fingerprint is None) != (found is None) or (found is not None and long_way != sources):
            raise PageSourcesDiffer(
                f"{name}: the stories its fingerprint reads ({sorted(long_way)}) are not those found without "
                f"it ({sorted(sources)}; fingerprint {'none' if fingerprint is None else 'made'}, "
                f"found {'none' if found is None else 'made'})")

    def _claim(self, path: str, override: bool) -> bool:
        """Pelican's bookkeeping of written files (see Writer._open_w); False: skip this page."""
        if path in self._overridden_files:
            return False
        if path in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{path}" as Pelican has already written to it previously')
        if override:
            self._overridden_files.add(path)
        self._written_files.add(path)
        return True

    def _keep(self, path: str, name: str, override: bool, context: dict[str, Any],
              localcontext: dict[str, Any], record: PageRecord) -> None:
        if not self._claim(path, override):
            return
        if localcontext["localsiteurl"]:
            context["localsiteurl"] = localcontext["localsiteurl"]
        self.current.pages[name] = record
        signals.content_written.send(path, context=localcontext)

    def _render(self, template: Any, localcontext: dict[str, Any], context: dict[str, Any], path: str,
                name: str, record: PageRecord | None, override: bool, recorded: PageRecord | None = None) -> None:
        """Render and write the page as Pelican's Writer does; `record` (fingerprint, key and
        sources; None when the page has no fingerprint) is completed with what was written.
        When the page renders to the bytes `recorded` (the last build's record) says its file
        holds, the file is kept as it is (a page recorded without a fingerprint, as a clean
        build records them, comes here when its key changed)."""
        if localcontext["localsiteurl"]:
            context["localsiteurl"] = localcontext["localsiteurl"]
        output = template.render(localcontext)
        sha256 = hashlib.sha256(output.encode("utf-8")).hexdigest()
        # A page without fingerprint is never kept on it, but listed so that it is removed once
        # no generator writes it any more.
        record = record or PageRecord("", "", 0, 0, "", ())
        if (recorded is not None and recorded.sha256 == sha256
                and (kept := _checked(path, recorded)) is not None):
            self.counts["kept: the same bytes rendered"] += 1
            self._keep(path, name, override, context, localcontext,
                       record._replace(sha256=sha256, size=kept.size, mtime_ns=kept.mtime_ns))
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with self._open_w(path, "utf-8", override=override) as handle:
            handle.write(output)
            written_to_page = handle.name == path
        logger.info('Writing "%s"', path)
        stat = _stat(path) if written_to_page else None
        if stat is not None:
            self.current.pages[name] = record._replace(sha256=sha256, size=stat[0], mtime_ns=stat[1])
        self.counts["rendered"] += 1
        signals.content_written.send(path, context=localcontext)

    def finish(self, pelican: Any) -> None:
        """`finalized` receiver: remove pages no longer written, save the manifest, and let
        the guard record the caches (the manifest is one of them)."""
        signals.finalized.disconnect(self.finish)
        for name, record in self.previous.pages.items():
            if name in self.current.pages:
                continue
            path = sanitised_join(self.output_path, name)
            if path not in self._written_files and file_sha256(path) == record.sha256:
                os.remove(path)
                _remove_empty_folders(os.path.dirname(path), self.output_path)
                self.counts["removed"] += 1
        self.current.save()
        self.kept_reads.save()
        if self.notes is not None:
            self.notes.save()
        self.guard.record()
        logger.info("archive_speed: %s", ", ".join(f"{count} {what}" for what, count in sorted(self.counts.items())))


def _remove_empty_folders(folder: str, stop: str) -> None:
    """Remove `folder` and its parents up to `stop` while they are empty."""
    stop = os.path.abspath(stop)
    folder = os.path.abspath(folder)
    while folder.startswith(stop + os.sep) and not os.listdir(folder):
        os.rmdir(folder)
        folder = os.path.dirname(folder)

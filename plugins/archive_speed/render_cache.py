"""Pages re-rendered only when what they show has changed.

`IncrementalWriter` is Pelican's Writer with one difference: before rendering a page it takes
the page's fingerprint (fingerprint.py: the values its template reads) and, when the last build
wrote that page from the same fingerprint and the file still holds exactly those bytes, keeps
the file instead of rendering it again. A new story then re-renders its own page, its neighbours,
the listing pages it appears on and the front pages — not the archive. Pages written by the last
build and by no generator this time (a story deleted) are removed, so the output is what a clean
build writes. The manifest lives in CACHE_PATH/archive_speed/pages.json, next to the guard's state.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from archive_format import write_atomic

from archive_speed.cache_guard import STATE_DIR, CacheGuard
from archive_speed.fingerprint import PageFingerprints, Unfingerprintable
from archive_speed.template_reads import TemplateReads, template_reads

logger = logging.getLogger(__name__)

MANIFEST_FILE = "pages.json"


class PageManifest:
    """Which fingerprint each page was rendered from, and the SHA-256 of the bytes written."""

    def __init__(self, path: Path, key: str, pages: dict[str, list[str]]) -> None:
        self.path = path
        self.key = key
        self.pages = pages

    @classmethod
    def load(cls, cache_path: str, key: str) -> PageManifest:
        """The last build's manifest, or an empty one when absent, unreadable or of other code."""
        path = Path(cache_path) / STATE_DIR / MANIFEST_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("key") == key and isinstance(data.get("pages"), dict):
                return cls(path, key, data["pages"])
        except (OSError, ValueError):
            pass
        return cls(path, key, {})

    def save(self) -> None:
        """Write the manifest atomically."""
        write_atomic(self.path, json.dumps({"key": self.key, "pages": self.pages}, sort_keys=True))


def _sha256_of_file(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


class IncrementalWriter(Writer):
    """Pelican's Writer, keeping pages whose fingerprint and file are unchanged.

    Pelican builds its writer from (output_path, settings) alone, so the guard of the build —
    made before any reader could touch the settings — comes in a subclass: `bound_to(guard)`.
    """

    guard: CacheGuard

    @classmethod
    def bound_to(cls, guard: CacheGuard) -> type[IncrementalWriter]:
        """This writer class for one build, recording its caches with `guard`."""
        return type(cls.__name__, (cls,), {"guard": guard})

    def __init__(self, output_path: str, settings: dict[str, Any]) -> None:
        super().__init__(output_path, settings=settings)
        self.previous = PageManifest.load(settings["CACHE_PATH"], self.guard.key)
        self.current = PageManifest(self.previous.path, self.guard.key, {})
        self.fingerprints = PageFingerprints()
        self.reads: dict[str, TemplateReads] = {}
        self.counts: Counter[str] = Counter()
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
        path = sanitised_join(self.output_path, name)
        fingerprint = self._fingerprint(template, localcontext)
        if fingerprint is not None and self._unchanged(name, fingerprint, path):
            self._keep(path, name, override_output, context, localcontext)
            return
        self._render(template, localcontext, context, path, name, fingerprint, override_output)

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
            relative_url = path_to_url(get_relative_path(name))
            localcontext["SITEURL"] = relative_url
            localcontext["localsiteurl"] = relative_url
        localcontext["output_file"] = name
        localcontext.update(kwargs)
        return localcontext

    def _fingerprint(self, template: Any, localcontext: dict[str, Any]) -> str | None:
        name = template.name
        if name not in self.reads:
            self.reads[name] = template_reads(template.environment, name)
        reads = self.reads[name]
        if reads.opaque:
            self.counts["rendered: template reads cannot be followed"] += 1
            return None
        try:
            # Links inside a story depend on the page's depth: make that part of what it shows.
            return self.fingerprints.of(name, reads, localcontext).hex() + ":" + str(localcontext["localsiteurl"])
        except Unfingerprintable as reason:
            logger.debug("Rendering %s every time: %s", localcontext["output_file"], reason)
            self.counts["rendered: a value has no fingerprint"] += 1
            return None

    def _unchanged(self, name: str, fingerprint: str, path: str) -> bool:
        recorded = self.previous.pages.get(name)
        return (recorded is not None and recorded[0] == fingerprint != ""
                and _sha256_of_file(path) == recorded[1])

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
              localcontext: dict[str, Any]) -> None:
        if not self._claim(path, override):
            return
        if localcontext["localsiteurl"]:
            context["localsiteurl"] = localcontext["localsiteurl"]
        self.current.pages[name] = self.previous.pages[name]
        self.counts["kept"] += 1
        signals.content_written.send(path, context=localcontext)

    def _render(self, template: Any, localcontext: dict[str, Any], context: dict[str, Any], path: str,
                name: str, fingerprint: str | None, override: bool) -> None:
        """Render and write the page as Pelican's Writer does, recording its fingerprint."""
        if localcontext["localsiteurl"]:
            context["localsiteurl"] = localcontext["localsiteurl"]
        output = template.render(localcontext)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with self._open_w(path, "utf-8", override=override) as handle:
            handle.write(output)
            written_to_page = handle.name == path
        logger.info('Writing "%s"', path)
        if written_to_page:
            # A page without fingerprint is never kept, but listed so that it is removed once
            # no generator writes it any more.
            self.current.pages[name] = [fingerprint or "", hashlib.sha256(output.encode("utf-8")).hexdigest()]
        self.counts["rendered"] += 1
        signals.content_written.send(path, context=localcontext)

    def finish(self, pelican: Any) -> None:
        """`finalized` receiver: remove pages no longer written, save the manifest, and let
        the guard record the caches (the manifest is one of them)."""
        signals.finalized.disconnect(self.finish)
        for name, (_, digest) in self.previous.pages.items():
            if name in self.current.pages:
                continue
            path = sanitised_join(self.output_path, name)
            if path not in self._written_files and _sha256_of_file(path) == digest:
                os.remove(path)
                _remove_empty_folders(os.path.dirname(path), self.output_path)
                self.counts["removed"] += 1
        self.current.save()
        self.guard.record()
        logger.info("archive_speed: %s", ", ".join(f"{count} {what}" for what, count in sorted(self.counts.items())))


def _remove_empty_folders(folder: str, stop: str) -> None:
    """Remove `folder` and its parents up to `stop` while they are empty."""
    stop = os.path.abspath(stop)
    folder = os.path.abspath(folder)
    while folder.startswith(stop + os.sep) and not os.listdir(folder):
        os.rmdir(folder)
        folder = os.path.dirname(folder)

"""Pelican hooks: once the articles are read and checked, and before any page is written, bring
the search index up to date and export it next to the search page (output/search/ by default).

Indexing before the pages are written keeps the two memory peaks apart: rendering pages adds to
what the site holds, and indexing after it stacked the index's memory on top (a 50,000-article
build peaked at 1.4 GB). Pelican has no signal of its own for "about to write"; `get_writer` is
sent exactly then (after every generator has finished and the reader has refused invalid
articles, so a build that stops there writes nothing), and the receiver returns no writer.

Settings (all optional), checked when Pelican starts, before any article is read:
- SEARCH_INDEX_PATH: where the Whoosh index is kept between builds; by default the folder
  `search-index` in Pelican's CACHE_PATH (so `cache/search-index` for `make html`).
- SEARCH_OUTPUT_DIR: folder of the exported index inside the output ("search").
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from pelican import signals
from pelican.generators import ArticlesGenerator

from .documents import SearchDocument, from_article
from .export import export_index
from .indexer import open_index, update_index
from .known_documents import KnownDocument, KnownDocuments

logger = logging.getLogger(__name__)

INDEX_FOLDER = "search-index"


class SearchSettingError(SystemExit):
    """A pelicanconf.py setting that says where the search index goes, with a value the plugin
    cannot use.

    A SystemExit, as the reader's ReaderSettingError: the build stops with the message alone
    (a setting is the editor's to fix, not a crash worth a traceback).
    """


@dataclass(frozen=True)
class SearchFolders:
    """Where a build keeps the Whoosh index (`index`) and exports it for the search page (`export`)."""

    index: Path
    export: Path


def _folder_setting(settings: Mapping[str, Any], name: str, default: str) -> str:
    """The folder path a setting gives, as text; SearchSettingError naming it when it is no path."""
    value = settings.get(name, default)
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip():
        raise SearchSettingError(f"pelicanconf.py: {name} = {value!r}: expected a folder path as text; "
                                 f'write one such as {name} = "{default}" (or leave {name} out)')
    return value


def search_folders(settings: Mapping[str, Any]) -> SearchFolders:
    """The build's search folders from its settings, raising SearchSettingError naming the first
    setting (SEARCH_INDEX_PATH, SEARCH_OUTPUT_DIR, or CACHE_PATH for the default index folder)
    the plugin cannot use."""
    cache = str(Path(_folder_setting(settings, "CACHE_PATH", "cache")) / INDEX_FOLDER)
    index_path = Path(_folder_setting(settings, "SEARCH_INDEX_PATH", cache))
    if index_path.exists() and not index_path.is_dir():
        # Not a file the build wrote: it is left alone.
        raise SearchSettingError(f"{index_path}: is a file, where the folder of the search index should be "
                                 "(SEARCH_INDEX_PATH in pelicanconf.py; by default search-index in CACHE_PATH); "
                                 "move the file away, or set SEARCH_INDEX_PATH to a folder")
    export = _folder_setting(settings, "SEARCH_OUTPUT_DIR", "search")
    # The search page fetches the index from the site itself; and in the output folder itself
    # the export would clear its folder names (docs/, terms/...) of the site's own files.
    inside = os.path.normpath(export)
    if os.path.isabs(inside) or inside == os.curdir or inside.split(os.sep)[0] == os.pardir:
        raise SearchSettingError(f"pelicanconf.py: SEARCH_OUTPUT_DIR = {export!r}: the exported index must go in a "
                                 f"folder inside the output ({settings['OUTPUT_PATH']}), where the search page "
                                 'fetches it; write a folder name such as SEARCH_OUTPUT_DIR = "search"')
    return SearchFolders(index_path, Path(settings["OUTPUT_PATH"]) / inside)


def check_settings(pelican: Any) -> None:
    """initialized: stop the build on a search setting it cannot use, before any page is written."""
    search_folders(pelican.settings)


class ArticleDocuments(Sequence[SearchDocument]):
    """A build's published articles as search documents, each made when it is asked for.

    The indexer reads each document once for its key and date (and its fingerprint if the
    article was indexed before) and once more to index it, so the documents' text (a second
    copy of the archive's) is never all in memory beside the site: at 50,000 articles that
    copy alone was about 200 MB of the build's peak. With the known documents, a document is
    made (its HTML read to text) only when more than its key, date or kept fingerprint is read.
    """

    def __init__(self, articles: list[Any], known: KnownDocuments | None = None) -> None:
        self._articles = articles
        # Articles unchanged since the last build are fingerprinted without their documents.
        self._known = known

    def knowing(self, known: KnownDocuments) -> ArticleDocuments:
        """The same articles, fingerprinted from `known` where they did not change."""
        return ArticleDocuments(self._articles, known)

    def __len__(self) -> int:
        return len(self._articles)

    def __iter__(self) -> Iterator[SearchDocument | KnownDocument]:
        # (Sequence's own __iter__ asks for each position in turn, through __getitem__.)
        return map(from_article if self._known is None else self._known.on_demand, self._articles)

    @overload
    def __getitem__(self, position: int) -> SearchDocument | KnownDocument: ...

    @overload
    def __getitem__(self, position: slice) -> list[SearchDocument | KnownDocument]: ...

    def __getitem__(self, position: int | slice) -> SearchDocument | KnownDocument | list[SearchDocument | KnownDocument]:
        make = from_article if self._known is None else self._known.on_demand
        if isinstance(position, slice):
            return [make(article) for article in self._articles[position]]
        return make(self._articles[position])


class ArchiveSearchPlugin:
    """Collects the published articles of a build, then indexes and exports them."""

    def __init__(self) -> None:
        self.documents: ArticleDocuments | None = None

    def collect(self, generators: list[Any]) -> None:
        """all_generators_finalized: remember the published articles (as documents made on demand)."""
        self.documents = ArticleDocuments([article for generator in generators
                                           if isinstance(generator, ArticlesGenerator)
                                           for article in generator.articles])

    def index_and_export(self, pelican: Any) -> None:
        """get_writer: update the kept index with this build's articles, export it to the output."""
        if self.documents is None:
            return None
        folders = search_folders(pelican.settings)
        index_path, target = folders.index, folders.export
        started = time.perf_counter()
        known = KnownDocuments(index_path)
        report = update_index(index_path, self.documents.knowing(known))
        known.save()
        updated = time.perf_counter()
        # Only the shards of terms this update touched are rewritten; the export's statistics and
        # numbering are those of the live articles, whether or not Whoosh merged or optimized.
        exported = export_index(open_index(index_path), target, report)
        # With the seconds, an editor's verbose build (-v) shows what a correction cost search.
        logger.info("Search index: %s (%.1f s); exported %d articles (%d files, %.1f MB) to %s (%.1f s)",
                    report, updated - started, exported.articles, exported.files, exported.bytes / 1e6,
                    target, time.perf_counter() - updated)
        self.documents = None
        return None


def register() -> None:
    """Connect the plugin to Pelican's signals (called by Pelican for PLUGINS entries)."""
    signals.initialized.connect(check_settings)
    plugin = ArchiveSearchPlugin()
    # Bound methods are held strongly: nothing else keeps the plugin object alive.
    signals.all_generators_finalized.connect(plugin.collect, weak=False)
    signals.get_writer.connect(plugin.index_and_export, weak=False)

"""Pelican plugin: reads the archive's Markdown + YAML articles and fails the build,
listing every bad file, when any article breaks the front-matter schema."""
from __future__ import annotations

from typing import Any

from pelican import signals

from archive_reader.addresses import address_clashes
from archive_reader.reader import ArchiveReader, InvalidArticle, ReaderSettingError

__all__ = ["ArchiveReader", "InvalidArticle", "InvalidArchive", "ReaderSettingError", "register"]


class InvalidArchive(SystemExit):
    """Stops the build after every invalid file has been reported.

    A SystemExit on purpose: Pelican prints a traceback for any other exception, and a
    wrong date in an article is the editor's to fix, not a crash.
    """


class _DisabledReaders(dict):
    """Pelican's readers disabled for want of their package, less those of the extensions the
    archive reads itself. Pelican warns "Could not import 'markdown.Markdown'" for every file
    of a disabled reader's extension it reads, and Python-Markdown is not installed (the
    archive reads Markdown with markdown-it-py): a fresh `make html` warned once per article."""

    def __setitem__(self, extension: str, reader: Any) -> None:
        if extension not in ArchiveReader.file_extensions:
            super().__setitem__(extension, reader)


def use_archive_reader(readers: Any) -> None:
    """Make ArchiveReader the reader of .md/.markdown files (instead of Python-Markdown's)."""
    for extension in ArchiveReader.file_extensions:
        readers.reader_classes[extension] = ArchiveReader
    # Filled after this signal (pelican.readers.Readers.__init__).
    readers.disabled_readers = _DisabledReaders(readers.disabled_readers)


def fail_on_invalid_articles(generators: list[Any]) -> None:
    """After reading, stop with the list of every problem in every file (two stories at one
    address among them), before writing."""
    problems = []
    for generator in generators:
        readers = getattr(getattr(generator, "readers", None), "readers", {})
        for reader in {id(r): r for r in readers.values() if isinstance(r, ArchiveReader)}.values():
            problems.extend(reader.problems)
    problems.extend(address_clashes(generators))
    if not problems:
        return
    problems.sort(key=lambda p: (p.source, p.line or 0))
    files = {p.source for p in problems}
    raise InvalidArchive(
        f"{len(files)} article file(s) are invalid; nothing was written. Fix the fields above and build again:\n"
        + "\n".join(str(p) for p in problems)
    )


def register() -> None:
    """Pelican's entry point for this plugin."""
    signals.readers_init.connect(use_archive_reader)
    signals.all_generators_finalized.connect(fail_on_invalid_articles)

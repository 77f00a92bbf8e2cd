"""Figures other parts of the archive add to the benchmark table (search index size, …).

A figures function takes the archive the benchmark has just built with our pipeline and returns
`(label, value)` pairs, already formatted for the table:

    def figures(archive: BuiltArchive) -> list[tuple[str, str]]: ...

It lives in its own module in tests/bench/ and is listed in FIGURE_SOURCES below. A module that
is not there (yet) or has no such function adds nothing; one that fails is reported in the table,
never hidden and never stopping the build figures.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# (module in tests/bench/, function name): whose figures the table prints, in this order.
FIGURE_SOURCES: tuple[tuple[str, str], ...] = (
    ("bench_pages", "figures"), ("bench_search", "figures"), ("pagefind_compare", "figures"),
)


@dataclass(frozen=True)
class BuiltArchive:
    """An archive the benchmark built with our pipeline, handed to figures functions."""

    articles: int  # number of articles in the archive
    content: Path  # the generated content/ folder (our front-matter format)
    output: Path  # the built site
    repo: Path  # root of the repository checkout being measured


FiguresFunction = Callable[[BuiltArchive], list[tuple[str, str]]]


def registered() -> list[tuple[str, FiguresFunction]]:
    """The figures functions that exist in this checkout, with the module each comes from."""
    found = []
    for module_name, function_name in FIGURE_SOURCES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as missing:
            if missing.name != module_name:  # the module exists but something it needs does not
                raise
            continue
        function = getattr(module, function_name, None)
        if callable(function):
            found.append((module_name, function))
    return found


def collect(archive: BuiltArchive) -> list[tuple[str, str, str]]:
    """Every registered figure for `archive` as (source module, label, value) rows."""
    rows = []
    for module_name, function in registered():
        try:
            pairs = function(archive)
        except Exception as error:  # one team's broken figure must not hide the others
            rows.append((module_name, "failed", f"{type(error).__name__}: {error}"))
            continue
        rows.extend((module_name, label, value) for label, value in pairs)
    return rows

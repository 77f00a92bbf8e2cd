"""Two stories (or site pages) that would be written to one address: found before any page is.

A copied story that keeps its slug, or the same story filed under two desks, gets the address of
the first (`{date}/{slug}/`). Pelican only warns about the shared slug, then stops halfway through
writing with a traceback when the second page would overwrite the first.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from itertools import chain
from typing import Any

from archive_format import FieldProblem
from archive_reader.reader import shown_path
# The lists of articles and pages Pelican's generators keep (archive_speed pins their URLs).
from archive_speed.urls import CONTENT_LISTS
from pelican.contents import Content, SkipStub


def address_clashes(generators: Iterable[Any]) -> list[FieldProblem]:
    """A problem for each story or page whose output file another one already has (the first
    one met keeps it), naming both files; empty when every address is taken once."""
    # Each object once: the theme's generator keeps the articles under the same name.
    contents = {id(content): content for generator in generators
                for content in chain.from_iterable(getattr(generator, name, ()) for name in CONTENT_LISTS)}
    owners: dict[str, Content] = {}
    problems = []
    for content in contents.values():
        if not isinstance(content, Content) or isinstance(content, SkipStub) or not content.save_as:
            continue
        first = owners.setdefault(os.path.normpath(content.save_as), content)
        if first is not content:
            problems.append(FieldProblem(
                shown_path(content.source_path), "slug",
                f'"{content.slug}" gives the address {content.url}, which '
                f"{shown_path(first.source_path)} has too; give one of the two another slug "
                f"(e.g. slug: {content.slug}-2), or remove the copy"))
    return problems

"""Editors' search command (python -m archive_search, make search) given what it cannot answer:
a damaged index, a page that is not one, a query with nothing to look up. Each is said on
stderr with what to do, exit status 2, never a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive_search.indexer import update_index
from conftest import REPO
from search_corpus import fixture_documents


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("search") / "index"
    update_index(folder, fixture_documents())
    return folder


def _search(index: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
    return subprocess.run([sys.executable, "-m", "archive_search", "--index", str(index), *args],
                          cwd=REPO, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("damage", ["table of contents", "segment removed", "segment cut short"])
def test_a_damaged_index_is_named_with_what_to_do(index: Path, tmp_path: Path, damage: str) -> None:
    damaged = tmp_path / "index"
    damaged.mkdir()
    for file in index.iterdir():
        (damaged / file.name).write_bytes(file.read_bytes())
    segments = list(damaged.glob("*.seg"))
    if damage == "table of contents":
        next(damaged.glob("_MAIN_*.toc")).write_bytes(b"half a file")
    elif damage == "segment removed":
        for segment in segments:
            segment.unlink()
    else:
        for segment in segments:
            segment.write_bytes(segment.read_bytes()[:100])
    result = _search(damaged, "council")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{damaged}: the search index cannot be read (")
    assert "delete the folder and build the site again (make html)" in result.stderr


@pytest.mark.parametrize("page", ["0", "-3", "abc", "2.5"])
def test_a_page_that_is_not_a_page_number_is_refused(index: Path, page: str) -> None:
    # PAGE=0 used to show page 1 without a word; PAGE=abc was argparse's "invalid int value".
    result = _search(index, "--page", page, "council")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"argument --page: must be a whole number of 1 or more, not {page!r}" in result.stderr


def test_a_page_past_the_last_says_how_many_pages_there_are(index: Path) -> None:
    first = _search(index, "council")
    total = int(first.stdout.splitlines()[0].split()[0])
    pages = -(-total // 2)
    past = _search(index, "--page-size", "2", "--page", str(pages + 1), "council")
    assert past.returncode == 2 and past.stdout == ""
    assert past.stderr == (f"--page {pages + 1}: the {total} result(s) for 'council' fill {pages} page(s) of 2; "
                           f"ask for a page from 1 to {pages}\n")
    last = _search(index, "--page-size", "2", "--page", str(pages), "council")
    assert last.returncode == 0 and last.stdout.splitlines()[1].startswith(f"{2 * pages - 1:4d}")


@pytest.mark.parametrize(("words", "message"), [
    ("", "Type a word to search for."),
    ("the and of", "Nothing to search for: add a specific word"),
    ("-council", "Nothing to search for: add a specific word"),
])
def test_a_query_with_nothing_to_look_up_says_so_and_fails(index: Path, words: str, message: str) -> None:
    # These printed "0 articles for ..." with exit status 0, like a search that found nothing.
    result = _search(index, "--", words)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(message) and result.stderr.endswith(f"(the query was {words!r})\n")

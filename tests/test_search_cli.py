"""Editors' command line (python -m archive_search): respelled and any-word answers say so,
and the original spelling can be searched as typed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from archive_search.indexer import update_index
from conftest import REPO
from search_corpus import fixture_documents


def _cli(index: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "archive_search", "--index", str(index), *args],
                          cwd=REPO, capture_output=True, text=True, check=False)


def test_cli_says_when_it_respelled_or_searched_any_word(tmp_path: Path) -> None:
    update_index(tmp_path / "index", fixture_documents())

    respelled = _cli(tmp_path / "index", "zelinksi", "contract")
    assert respelled.returncode == 0, respelled.stderr
    lines = respelled.stdout.splitlines()
    assert lines[0] == "Showing results for: zelinski contract (add --exact to search 'zelinksi contract' as typed)"
    assert "Zelinski signs a new contract with Rovers" in lines[2]

    as_typed = _cli(tmp_path / "index", "--exact", "zelinksi", "contract")
    assert as_typed.returncode == 0, as_typed.stderr
    assert "Showing results for" not in as_typed.stdout
    # "zelinksi" is in no story: as typed, only "contract" can match, so any word is searched.
    assert as_typed.stdout.splitlines()[0].startswith("No story has all of the words; showing results for any of the words")

    question = _cli(tmp_path / "index", "how did the council decide about bus lanes on elm street")
    assert question.returncode == 0, question.stderr
    lines = question.stdout.splitlines()
    assert lines[0].startswith("No story has all of the words; showing results for any of the words")
    assert "Larkmere council approves bus lanes on Elm Street" in lines[2]

    # A question only one story answers with all its words is widened to any of the words;
    # three words stay all-words (the reader named what they want).
    few = _cli(tmp_path / "index", "council", "bus", "lanes", "elm", "street")
    assert few.returncode == 0, few.stderr
    lines = few.stdout.splitlines()
    assert lines[0] == "Only 1 story has all of the words; showing results for any of the words, best matches first."
    assert "Larkmere council approves bus lanes on Elm Street" in lines[2]
    assert int(lines[1].split()[0]) > 1
    short = _cli(tmp_path / "index", "council", "bus", "lanes")
    assert short.returncode == 0, short.stderr
    assert short.stdout.splitlines()[0].startswith("1 articles for")

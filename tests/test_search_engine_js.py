"""Runs the search engine's own node tests (tests/js/engine.test.mjs, early_records.test.mjs) on a
fictional export."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from archive_search import export
from archive_search.export import export_index
from archive_search.indexer import open_index, update_index
from search_corpus import fixture_documents

REPO = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")


def run_node_tests(name: str, export_dir: Path) -> None:
    """Run tests/js/`name` with node's test runner on the export in `export_dir`; fail with its output."""
    result = subprocess.run(
        [NODE, "--test", str(REPO / "tests" / "js" / name)],
        cwd=REPO, capture_output=True, text=True, check=False, timeout=300,
        env={**os.environ, "SEARCH_EXPORT_DIR": str(export_dir)},
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_engine_unit_checks(tmp_path: Path) -> None:
    update_index(tmp_path / "index", fixture_documents())
    export_index(open_index(tmp_path / "index"), tmp_path / "search")
    run_node_tests("engine.test.mjs", tmp_path / "search")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_records_of_a_settled_page_come_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With score blocks of one posting and a top of one article, the fictional archive's
    common words have long lists: some pages are settled by the entries alone, some not."""
    monkeypatch.setattr(export, "BLOCK_POSTINGS", 1)
    monkeypatch.setattr(export, "TOP_POSTINGS", 1)
    monkeypatch.setattr(export, "BLOCK_RUN", 4)  # a long list's blocks go by several names
    update_index(tmp_path / "index", fixture_documents())
    export_index(open_index(tmp_path / "index"), tmp_path / "search")
    run_node_tests("early_records.test.mjs", tmp_path / "search")

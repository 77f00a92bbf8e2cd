"""Runs the search page's own node tests: the analyzer, URL state, filters and highlighting
(tests/js/analysis.test.mjs, tests/js/search_page.test.mjs, tests/js/numbers.test.mjs)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")
NODE_TESTS = ["analysis.test.mjs", "search_page.test.mjs", "numbers.test.mjs"]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("name", NODE_TESTS)
def test_search_page_unit_checks(name: str) -> None:
    result = subprocess.run(
        [NODE, "--test", str(REPO / "tests" / "js" / name)],
        cwd=REPO, capture_output=True, text=True, check=False, timeout=120,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]

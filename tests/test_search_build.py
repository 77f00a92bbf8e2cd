"""A real Pelican build indexes the archive and exports the search index next to the page;
editors query the kept index from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES, REPO, run_build


def test_build_exports_the_index_and_the_cli_reads_the_kept_one(tmp_path) -> None:
    build = run_build(FIXTURES / "archive", tmp_path / "output")
    assert build.returncode == 0, build.log
    manifest = json.loads((build.output / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["count"] > 0
    first_group = manifest["docGroups"][0]
    record = json.loads((build.output / "search" / "docs" / first_group / "0.json").read_text(encoding="utf-8"))
    assert (build.output / record["url"] / "index.html").is_file()  # records link to real pages
    assert set(record) == {"headline", "url", "date", "desk", "byline", "tags", "excerpt"}

    kept = tmp_path / "output-cache" / "search-index"
    word = record["headline"].split()[0]
    cli = subprocess.run([sys.executable, "-m", "archive_search", "--index", str(kept), word],
                         cwd=REPO, capture_output=True, text=True, check=False)
    assert cli.returncode == 0, cli.stderr
    assert record["headline"] in cli.stdout and record["url"] in cli.stdout

    missing = subprocess.run([sys.executable, "-m", "archive_search", "--index", str(tmp_path / "none"), "x"],
                             cwd=REPO, capture_output=True, text=True, check=False)
    assert missing.returncode == 2
    assert "no search index" in missing.stderr and "Traceback" not in missing.stderr

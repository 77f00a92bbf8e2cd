"""Imported articles build: every fixture kind imported into a fresh content/, then real Pelican."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive_import.pipeline import ImportRun
from archive_import.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "import"


@pytest.mark.slow
def test_imported_archive_builds_with_the_project_settings(tmp_path: Path, build_site) -> None:
    content = tmp_path / "content"
    settings = load_settings(REPO / "pelicanconf.py", content_dir=content, report_path=tmp_path / "report.jsonl")
    sources = [FIXTURES / kind for kind in ("text", "html", "wxr", "feed", "jsonl")]
    summary = ImportRun(settings, progress=False).run(sources)
    assert summary.imported == 15, summary.records
    build = build_site(content)
    assert build.returncode == 0, build.log
    ferry = build.page("2023/03/14/harbour-ferry-returns-to-service-after-winter-repairs-at-northpoint-yard/")
    assert "The Marigold, the oldest of the three harbour ferries" in ferry
    assert "indicates required" not in ferry and "News Feed" not in ferry
    results = build.page("2023/05/07/harbour-regatta-full-results-of-the-sunday-races/")
    assert "<table>" in results and "<td>Eastbank Rowing Club</td>" in results
    festival = build.page("2023/02/10/harbour-festival-second-weekend/")
    assert "More boats, more music" in festival and "wp:paragraph" not in festival
    # a story in another language than DEFAULT_LANG builds too (where Pelican's ARTICLE_LANG_URL puts it)
    [kyiv] = [path for path in build.output.rglob("*kiyiv-i-kharbor-siti*") if path.is_file() or path.is_dir()][:1]
    page = kyiv / "index.html" if kyiv.is_dir() else kyiv
    assert "Міста домовилися про обмін виставками музеїв." in page.read_text(encoding="utf-8")

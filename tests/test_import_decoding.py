"""Input encodings are detected and reported; empty and binary files are rejected, not imported."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from archive_import.pipeline import ImportRun
from archive_import.settings import ImportSettings

FERRY = Path(__file__).parent / "fixtures" / "import" / "text" / "harbour-ferry.txt"


def _import_bytes(tmp_path: Path, data: bytes) -> dict:
    source = tmp_path / "raw" / "page.txt"
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(data)
    settings = ImportSettings(content_dir=tmp_path / "content", report_path=None, desks={"news": "News"})
    summary = ImportRun(settings, progress=False).run([source])
    return summary.records[0]


@pytest.mark.parametrize(("encode", "reported"), [
    (lambda text: text.encode("utf-8"), "utf-8"),
    (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8 with BOM"),
    (lambda text: text.encode("utf-16"), "utf-16"),
    (lambda text: text.encode("utf-16-le"), "utf-16-le"),
    (lambda text: text.encode("cp1252"), "cp1252"),
])
def test_encodings_are_detected_and_reported(tmp_path: Path, encode, reported: str) -> None:
    text = FERRY.read_text(encoding="utf-8").replace("Marsh told", "Marsh, the board’s café-loving chair, told")
    record = _import_bytes(tmp_path, encode(text))
    assert record["status"] == "imported", record
    assert record["encoding"] == reported
    [article] = (tmp_path / "content").rglob("*.md")
    assert "board’s café-loving chair" in article.read_text(encoding="utf-8")


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (bytes(range(256)) * 8, "binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
])
def test_empty_and_binary_files_are_rejected(tmp_path: Path, data: bytes, reason: str) -> None:
    record = _import_bytes(tmp_path, data)
    assert record["status"] == "rejected" and reason in record["reason"]
    assert record["source"].endswith("page.txt")
    assert not (tmp_path / "content").exists() or not list((tmp_path / "content").rglob("*.md"))

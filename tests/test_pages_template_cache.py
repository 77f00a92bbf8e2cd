"""Compiled templates kept between builds (archive_pages/template_cache.py): loaded, not compiled
again, while the theme is unchanged; an edited template compiled again; a damaged file never
trusted. Real builds of the fixture archive with a copy of the theme."""

from __future__ import annotations

import shutil
from pathlib import Path

from jinja2.bccache import bc_magic

from conftest import FIXTURES, REPO, Build, run_build


def _build(content: Path, output: Path, theme: Path) -> Build:
    build = run_build(content, output, settings={"THEME": str(theme)})
    assert build.returncode == 0, build.log
    return build


def _compiled(output: Path) -> dict[str, int]:
    """The kept compiled templates of the build into `output`: file name → modification time."""
    folder = output.parent / (output.name + "-cache") / "archive_speed"
    return {path.name: path.stat().st_mtime_ns for path in folder.glob("template-*.cache")}


def _pages(output: Path) -> dict[str, bytes]:
    return {str(path.relative_to(output)): path.read_bytes() for path in sorted(output.rglob("*.html"))}


def test_templates_are_compiled_once_and_again_when_edited(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    output = tmp_path / "site"
    first = _pages(_build(FIXTURES / "archive", output, theme).output)
    compiled = _compiled(output)
    assert len(compiled) >= 10, compiled  # article, base, macros, the listings...

    _build(FIXTURES / "archive", output, theme)
    assert _compiled(output) == compiled  # loaded as kept: none compiled and written again
    assert _pages(output) == first

    base = theme / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("Skip to main content", "Skip to the story"),
                    encoding="utf-8")
    edited = _pages(_build(FIXTURES / "archive", output, theme).output)
    assert edited == _pages(_build(FIXTURES / "archive", tmp_path / "clean", theme).output)
    assert b"Skip to the story" in edited["index.html"] and b"Skip to the story" not in first["index.html"]
    assert _compiled(output) != compiled


def test_a_damaged_compiled_template_is_not_trusted(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    output = tmp_path / "site"
    _build(FIXTURES / "archive", output, theme)
    kept = sorted((output.parent / (output.name + "-cache") / "archive_speed").glob("template-*.cache"))
    assert kept
    for path in kept:
        # Jinja's own header, then bytes it would fail to read: only the guard stands between.
        path.write_bytes(bc_magic + b"not a compiled template")
    rebuilt = _build(FIXTURES / "archive", output, theme)
    assert _pages(rebuilt.output) == _pages(_build(FIXTURES / "archive", tmp_path / "clean", theme).output)

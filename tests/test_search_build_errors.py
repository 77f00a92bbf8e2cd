"""The build's search side facing what it cannot use as it is: search settings an editor got
wrong stop the build naming pelicanconf.py, the setting and what to write, before any page is
written; never a traceback."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, run_build


@pytest.mark.parametrize(("setting", "value", "message"), [
    # A ValueError inside Pelican's get_writer: a traceback, after every page was read.
    ("SEARCH_OUTPUT_DIR", "", "pelicanconf.py: SEARCH_OUTPUT_DIR = '': expected a folder path as text; "
                              'write one such as SEARCH_OUTPUT_DIR = "search" (or leave SEARCH_OUTPUT_DIR out)'),
    ("SEARCH_INDEX_PATH", 5, "pelicanconf.py: SEARCH_INDEX_PATH = 5: expected a folder path as text; write one such as "
                             'SEARCH_INDEX_PATH = "'),
    ("SEARCH_OUTPUT_DIR", ["search"], "pelicanconf.py: SEARCH_OUTPUT_DIR = ['search']: expected a folder path"),
], ids=["empty", "a number", "a list"])
def test_a_search_setting_that_is_no_folder_stops_the_build_naming_it(
        tmp_path: Path, setting: str, value: object, message: str) -> None:
    build = run_build(FIXTURES / "archive", tmp_path / "out", settings={setting: value})
    assert build.returncode != 0
    assert message in build.log
    assert "Traceback" not in build.log
    assert not (tmp_path / "out").exists()  # stopped before any page was written


@pytest.mark.parametrize("folder", ["absolute", "../search", "search/../..", "."])
def test_an_export_folder_outside_the_output_is_refused(tmp_path: Path, folder: str) -> None:
    # Such an index was exported beside or outside the site, where the search page never looks.
    folder = str(tmp_path / "search") if folder == "absolute" else folder
    build = run_build(FIXTURES / "archive", tmp_path / "out", settings={"SEARCH_OUTPUT_DIR": folder})
    assert build.returncode != 0 and "Traceback" not in build.log
    assert (f"pelicanconf.py: SEARCH_OUTPUT_DIR = {folder!r}: the exported index must go in a folder inside the "
            f"output ({tmp_path / 'out'}), where the search page fetches it; write a folder name such as "
            'SEARCH_OUTPUT_DIR = "search"') in build.log
    assert not (tmp_path / "out").exists() and not (tmp_path / "search").exists()


def test_an_export_folder_inside_the_output_is_taken(tmp_path: Path) -> None:
    build = run_build(FIXTURES / "archive", tmp_path / "out", settings={"SEARCH_OUTPUT_DIR": "assets/../find/"})
    assert build.returncode == 0, build.log
    assert (tmp_path / "out" / "find" / "manifest.json").is_file()

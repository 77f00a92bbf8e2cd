"""The build's search side facing what it cannot use as it is: search settings an editor got
wrong stop the build naming pelicanconf.py, the setting and what to write, before any page is
written; a kept search index that was damaged is made again from the articles, with a warning,
and the site is the one a clean build makes. Never a traceback."""
from __future__ import annotations

from pathlib import Path

import pytest

from whoosh import index
from whoosh.fields import ID, Schema

from archive_search.indexer import FINGERPRINTS_FILE, open_index, update_index
from archive_search.kept import EXPORT_STATE_FILE
from archive_search.known_documents import KNOWN_FILE
from archive_search.livestats import LENGTHS_FILE
from archive_search.spelling import SPELLING_FILE
from conftest import FIXTURES, Build, run_build
from search_corpus import fixture_documents
from test_incremental_build import SETTINGS, assert_same_site, build, make_archive, newsroom_day

#: What the search plugin keeps beside the Whoosh index (indexer.py, spelling.py, livestats.py,
#: export.py, known_documents.py): stale or damaged, each is made again from the index. (Cut
#: short here; a removed one is read the same way: kept.read_kept, KnownDocuments.)
SIDE_FILES = (FINGERPRINTS_FILE, SPELLING_FILE, LENGTHS_FILE, EXPORT_STATE_FILE, KNOWN_FILE)


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


def _damage(folder: Path, damage: str) -> None:
    """Damage the kept index in `folder` as `damage` says."""
    segments = list(folder.glob("MAIN_*.seg"))
    assert segments and damage
    if damage == "table of contents garbled":
        next(folder.glob("_MAIN_*.toc")).write_bytes(b"half a file")
    elif damage == "table of contents removed":
        next(folder.glob("_MAIN_*.toc")).unlink()
    elif damage == "segment removed":
        for segment in segments:
            segment.unlink()
    elif damage == "segment cut short":
        for segment in segments:
            segment.write_bytes(segment.read_bytes()[:len(segment.read_bytes()) // 2])
    else:
        name, _, how = damage.partition(" ")
        side = folder / name
        assert side.is_file()
        if how == "removed":
            side.unlink()
        else:  # cut short
            side.write_bytes(side.read_bytes()[:20])


@pytest.fixture(scope="module")
def clean_day(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A clean build of test_incremental_build's archive after a newsroom day."""
    content = make_archive(tmp_path_factory.mktemp("clean"))
    newsroom_day(content)
    return build(content, content.parent / "site")


@pytest.mark.parametrize("damage", [
    "table of contents garbled", "table of contents removed", "segment removed", "segment cut short",
    *(f"{name} cut short" for name in SIDE_FILES),
])
def test_a_damaged_kept_index_is_made_again_and_the_site_is_a_clean_builds(
        clean_day: Build, tmp_path: Path, damage: str) -> None:
    # A garbled table of contents or a missing or short segment stopped `make html` with a Whoosh traceback.
    content, output = make_archive(tmp_path), tmp_path / "site"
    build(content, output)
    folder = output.parent / (output.name + "-cache") / "search-index"
    _damage(folder, damage)
    newsroom_day(content)
    # Wide lines: Pelican's log wraps a warning at 80 columns otherwise.
    rebuilt = run_build(content, output, settings=SETTINGS, env={"COLUMNS": "2000"})
    assert rebuilt.returncode == 0 and "Traceback" not in rebuilt.log, rebuilt.log
    assert_same_site(rebuilt, clean_day, part="search")
    assert_same_site(rebuilt, clean_day)
    warned = [line for line in rebuilt.log.splitlines() if "search index kept there cannot be read" in line]
    if damage == "table of contents removed" or damage.endswith(".marshal cut short"):
        # Nothing Whoosh reads is damaged (without a table of contents there is no index, and
        # the index is made anew); a side file is made again from the index, quietly.
        assert warned == []
        return
    [warning] = warned
    what = ("its table of contents (_MAIN_<n>.toc) is damaged" if damage.startswith("table")
            else "a segment file (MAIN_<id>.seg) is missing or damaged")
    assert f"{folder}: the search index kept there cannot be read: {what} (" in warning
    assert "); it is made again from the articles" in warning
    # The index made again is the one the next build keeps.
    again = build(content, output)
    assert "cannot be read" not in again.log
    assert_same_site(again, clean_day, part="search")


@pytest.mark.parametrize("why", ["another schema", "table of contents garbled"])
def test_an_index_made_again_leaves_the_folders_other_files_alone(tmp_path: Path, why: str) -> None:
    # SEARCH_INDEX_PATH may name a folder that holds more than the index: it was deleted whole.
    folder = tmp_path / "kept"
    if why == "another schema":
        folder.mkdir()
        index.create_in(str(folder), Schema(key=ID(stored=True)))
    else:
        update_index(folder, fixture_documents())
        next(folder.glob("_MAIN_*.toc")).write_bytes(b"half a file")
    (folder / "notes.txt").write_text("the editor's\n", encoding="utf-8")
    report = update_index(folder, fixture_documents())
    assert len(report.added) == len(fixture_documents()) and report.unchanged == 0
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "the editor's\n"
    assert open_index(folder).doc_count() == len(fixture_documents())


def test_a_file_where_the_index_folder_should_be_stops_the_build_and_is_kept(tmp_path: Path) -> None:
    # A file the build did not write: it is not deleted to make room.
    index_path = tmp_path / "search-index"
    index_path.write_text("notes\n", encoding="utf-8")
    built = run_build(FIXTURES / "archive", tmp_path / "out", settings={"SEARCH_INDEX_PATH": str(index_path)})
    assert built.returncode != 0 and "Traceback" not in built.log
    assert (f"{index_path}: is a file, where the folder of the search index should be (SEARCH_INDEX_PATH in "
            "pelicanconf.py; by default search-index in CACHE_PATH); move the file away, or set SEARCH_INDEX_PATH "
            "to a folder") in built.log
    assert index_path.read_text(encoding="utf-8") == "notes\n"
    assert not (tmp_path / "out").exists()

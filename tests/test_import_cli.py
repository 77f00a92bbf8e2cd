"""The command line: `python -m archive_import` as a newsroom runs it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "import"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
    return subprocess.run([sys.executable, "-m", "archive_import", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_help_names_the_formats_and_options(tmp_path: Path) -> None:
    result = _cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    for word in ("WXR", "--dry-run", "--force", "--captured-at", "JSON lines"):
        assert word in result.stdout


def test_folder_import_with_settings_summary_and_exit_status(tmp_path: Path) -> None:
    result = _cli(str(FIXTURES / "text"), str(FIXTURES / "bad" / "empty.txt"), "--settings", str(REPO / "pelicanconf.py"),
                  "--content", str(tmp_path / "content"), "--report", str(tmp_path / "report.jsonl"), cwd=tmp_path)
    assert result.returncode == 1, result.stderr  # one file rejected
    assert "imported 4, unchanged 0, duplicates 0, rejected 1" in result.stdout
    assert "empty.txt: the file is empty" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.parent.parent.name for p in (tmp_path / "content").rglob("*.md")) == ["culture", "news", "news", "sport"]


def test_dry_run_says_what_would_be_written(tmp_path: Path) -> None:
    result = _cli(str(FIXTURES / "text" / "harbour-ferry.txt"), "--dry-run", "--settings", str(REPO / "pelicanconf.py"),
                  "--content", str(tmp_path / "content"), "--report", str(tmp_path / "report.jsonl"), cwd=tmp_path)
    assert result.returncode == 0
    assert "would write" in result.stdout and "2023-03-14-harbour-ferry-returns" in result.stdout
    assert not (tmp_path / "content").exists()


def test_missing_source_and_bad_setting_are_clear_errors(tmp_path: Path) -> None:
    missing = _cli(str(tmp_path / "nowhere"), cwd=tmp_path)
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    conf = tmp_path / "pelicanconf.py"
    conf.write_text('TIMEZONE = "Europe/Kyiv"\nDESKS = {"news": "News"}\nIMPORT_DESK_MAP = {"sports desk": "sport"}\n')
    bad = _cli(str(FIXTURES / "text"), "--settings", str(conf), cwd=tmp_path)
    assert bad.returncode == 2 and "IMPORT_DESK_MAP" in bad.stderr and "Traceback" not in bad.stderr


def test_a_settings_file_that_is_not_there_is_named_not_guessed(tmp_path: Path) -> None:
    # Without it the run would file every story under the one default desk, into ./content.
    result = _cli(str(FIXTURES / "text"), "--settings", str(tmp_path / "pelicanconf.py"), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"--settings: {tmp_path / 'pelicanconf.py'}: no such settings file" in result.stderr
    assert not (tmp_path / "content").exists()


def test_a_folder_that_cannot_be_written_stops_the_run_naming_it(tmp_path: Path) -> None:
    conf = str(REPO / "pelicanconf.py")
    (tmp_path / "content").write_text("a file where the content folder should be\n")
    blocked = _cli(str(FIXTURES / "text"), "--settings", conf, "--content", str(tmp_path / "content"),
                   "--report", str(tmp_path / "report.jsonl"), cwd=tmp_path)
    assert blocked.returncode == 2 and "Traceback" not in blocked.stderr
    assert "content/news/2023: cannot be written (Not a directory); point --content and --report" in blocked.stderr

    # A report path that is a folder: the articles are written whole, and a second run keeps them.
    (tmp_path / "reports").mkdir()
    args = (str(FIXTURES / "text"), "--settings", conf, "--content", str(tmp_path / "articles"))
    stopped = _cli(*args, "--report", str(tmp_path / "reports"), cwd=tmp_path)
    assert stopped.returncode == 2 and "Traceback" not in stopped.stderr
    assert f"{tmp_path / 'reports'}: cannot be written (Is a directory)" in stopped.stderr
    again = _cli(*args, "--report", str(tmp_path / "report-2.jsonl"), cwd=tmp_path)
    assert "imported 0, unchanged 4, duplicates 0, rejected 0" in again.stdout
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_folder_without_raw_articles_is_an_error_not_imported_0(tmp_path: Path) -> None:
    conf = str(REPO / "pelicanconf.py")
    (tmp_path / "empty").mkdir()
    empty = _cli(str(tmp_path / "empty"), "--settings", conf, "--content", str(tmp_path / "content"), cwd=tmp_path)
    assert empty.returncode == 2 and "Traceback" not in empty.stderr
    assert f"SRC: no raw article found in {tmp_path / 'empty'}; give the files or the folder" in empty.stderr

    # The archive's own articles given by mistake: each file says why it was skipped.
    articles = _cli(str(REPO / "tests/fixtures/archive/news"), "--settings", conf,
                    "--content", str(tmp_path / "content"), cwd=tmp_path)
    assert articles.returncode == 2
    assert '2023-03-16-tram-line-vote.md: ".md" files are not raw articles the importer reads' in articles.stderr
    assert "SRC: no raw article found in" in articles.stderr
    assert not list((tmp_path / "content").rglob("*.md"))


def test_ctrl_c_keeps_the_stories_written_and_a_new_run_continues(tmp_path: Path) -> None:
    # Ctrl-C printed a KeyboardInterrupt traceback, and nothing said what had become of the run.
    # Enough stories that the run is still writing when the signal comes, on a busy machine too
    # (with 400, a loaded CI machine saw the run finish first).
    stories = 2000
    export = tmp_path / "export.jsonl"
    export.write_text("".join(json.dumps({"headline": f"Harbour council meets on item {n}", "date": "2023-05-01",
                                          "body": f"The council met about item {n}."}) + "\n" for n in range(stories)),
                      encoding="utf-8")
    content = tmp_path / "content"
    args = [str(export), "--settings", str(REPO / "pelicanconf.py"), "--content", str(content), "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
    # Ctrl-C as a terminal sends it: with SIGINT handled as Python handles it by default, even
    # when this suite was started where SIGINT is ignored (a job started in the background
    # by a shell without job control), which the import would inherit and run to its end.
    run = subprocess.Popen([sys.executable, "-m", "archive_import", *args], cwd=tmp_path, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    while run.poll() is None and not any(content.rglob("*.md")):
        time.sleep(0.01)
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 130, stderr
    assert stderr == ("import interrupted: the stories written so far are kept, each file whole; run the same "
                      "import again to continue (it leaves them as they are)\n")
    written = {path: path.read_bytes() for path in content.rglob("*.md")}
    assert 0 < len(written) < stories
    again = _cli(*args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert f"imported {stories - len(written)}, unchanged {len(written)}, duplicates 0, rejected 0" in again.stdout
    assert {path: path.read_bytes() for path in written} == written
    assert len(list(content.rglob("*.md"))) == stories and not list(tmp_path.rglob("*.tmp"))


def test_kept_and_duplicate_lines_name_the_content_folder_given(tmp_path: Path) -> None:
    # Both said content/... whatever --content named.
    articles = tmp_path / "articles"
    args = ("--settings", str(REPO / "pelicanconf.py"), "--content", str(articles), "--report", str(tmp_path / "r.jsonl"))
    ferry = FIXTURES / "text" / "harbour-ferry.txt"
    assert _cli(str(ferry), *args, cwd=tmp_path).returncode == 0
    [article] = articles.rglob("*.md")
    article.write_text(article.read_text(encoding="utf-8") + "\nAn editor's note.\n", encoding="utf-8")
    copy = tmp_path / "ferry-copy.txt"
    copy.write_text(ferry.read_text(encoding="utf-8").replace("Skip to content", "Another site"), encoding="utf-8")
    again = _cli(str(ferry), str(copy), *args, cwd=tmp_path)
    assert f"kept      {article}: the file was edited by hand; use --force to overwrite it" in again.stdout
    assert f"duplicate {copy}: the same story as {article}" in again.stdout

"""The importer's settings: pelicanconf.py's IMPORT_* block, command-line overrides, the desk mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive_import.settings import SettingsError, load_settings

REPO = Path(__file__).resolve().parents[1]


def test_project_settings_are_read_and_overrides_win(tmp_path: Path) -> None:
    settings = load_settings(REPO / "pelicanconf.py", timezone="America/New_York", content_dir=tmp_path)
    assert settings.timezone == "America/New_York" and settings.content_dir == tmp_path
    assert settings.desk_for("The Kyiv Independent news desk") == "news"
    assert settings.desk_for(None, "Sports desk") == "sport"
    assert settings.desk_for("Culture") == "culture"  # a desk's own name files the story there
    assert settings.desk_for("Jane Roe", "Weather") == settings.default_desk == "news"
    assert settings.report_path == REPO / "import-report.jsonl"


def test_chrome_hints_apply_to_their_source_only(tmp_path: Path) -> None:
    conf = tmp_path / "pelicanconf.py"
    conf.write_text('DESKS = {"news": "News"}\nIMPORT_CHROME_HINTS = {"ledger": ["Support local news"]}\n')
    settings = load_settings(conf)
    assert settings.hints_for(Path("exports/ledger/2023/page.txt")) == frozenset({"support local news"})
    assert settings.hints_for(Path("exports/other/page.txt")) == frozenset()


@pytest.mark.parametrize(("lines", "setting"), [
    ('TIMEZONE = "Mars/Olympus"\nDESKS = {"news": "News"}\n', "TIMEZONE"),
    ('DESKS = {"news": "News"}\nIMPORT_DEFAULT_DESK = "weather"\n', "IMPORT_DEFAULT_DESK"),
    # A setting of the wrong kind is named too, instead of a traceback from deep in the run.
    ('DESKS = ["news", "sport"]\n', r"DESKS = \['news', 'sport'\]: expected a mapping of text to text"),
    ('DESKS = {"news": "News"}\nIMPORT_CHROME_HINTS = {"ledger": "Edit post"}\n',
     "IMPORT_CHROME_HINTS = .*: expected a mapping of a source name to a list of lines"),
    ('DESKS = {"news": "News"}\nTIMEZONE = 3\n', 'TIMEZONE: "3" is not a zoneinfo name'),
    ('DESKS = {"news": "News"}\nIMPORT_REPORT = 5\n', "IMPORT_REPORT = 5: expected text"),
    ('DESKS = {"news": "News"\n', "cannot be read: SyntaxError: '{' was never closed"),
])
def test_a_setting_that_cannot_work_is_named(tmp_path: Path, lines: str, setting: str) -> None:
    conf = tmp_path / "pelicanconf.py"
    conf.write_text(lines)
    with pytest.raises(SettingsError, match=setting):
        load_settings(conf)

"""The importer's settings: read from pelicanconf.py (one block of IMPORT_* names), overridden on the command line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from archive_format import known_zone, text_mapping

__all__ = ["ImportSettings", "SettingsError", "load_settings"]

DEFAULT_DESK_MAP = {"news desk": "news", "news": "news"}


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the setting and what to write instead."""


@dataclass
class ImportSettings:
    """Everything an import run needs to know besides its sources."""

    content_dir: Path = Path("content")
    report_path: Path | None = Path("import-report.jsonl")
    timezone: str = "Europe/Kyiv"
    desks: dict[str, str] = field(default_factory=lambda: {"news": "News"})
    """DESKS from pelicanconf.py: the desk slugs a story may be filed under."""
    desk_map: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_DESK_MAP))
    """Lowercase phrase found in a byline, section label or category → desk slug."""
    default_desk: str = "news"
    chrome_hints: dict[str, list[str]] = field(default_factory=dict)
    """Source name (a part of the raw file's path, e.g. a folder per site) → exact chrome lines."""
    lang: str = "en"
    captured_at: datetime | None = None
    """When the pages were saved; anchors relative dates such as "2 hours ago"."""
    dry_run: bool = False
    force: bool = False

    def hints_for(self, path: Path) -> frozenset[str]:
        """Lowercase chrome lines configured for the source this file belongs to."""
        parts = {part.lower() for part in path.parts}
        lines: set[str] = set()
        for source, hint_lines in self.chrome_hints.items():
            if source.lower() in parts or source.lower() in path.name.lower():
                lines.update(line.strip().lower() for line in hint_lines)
        return frozenset(lines)

    def desk_for(self, *labels: str | None) -> str:
        """The desk for the first label (byline, section, category) the mapping knows, else the default.

        A label that is itself a desk slug or display name files the story there.
        """
        names = {name.lower(): slug for slug, name in self.desks.items()}
        for label in labels:
            if not label:
                continue
            text = label.strip().lower()
            if text in self.desks:
                return text
            if text in names:
                return names[text]
            # longest phrase first, so "sports desk" wins over "desk"
            for phrase in sorted(self.desk_map, key=len, reverse=True):
                if re.search(r"\b" + re.escape(phrase.lower()) + r"\b", text):
                    return self.desk_map[phrase]
        return self.default_desk

    def check(self) -> None:
        """Raise SettingsError naming the first setting that cannot work."""
        if not known_zone(self.timezone):
            raise SettingsError(f'TIMEZONE: "{self.timezone}" is not a zoneinfo name (e.g. "Europe/Kyiv")')
        for phrase, desk in self.desk_map.items():
            if desk not in self.desks:
                raise SettingsError(f'IMPORT_DESK_MAP: "{phrase}" maps to "{desk}", which is not in DESKS ({", ".join(self.desks)})')
        if self.default_desk not in self.desks:
            raise SettingsError(f'IMPORT_DEFAULT_DESK: "{self.default_desk}" is not in DESKS ({", ".join(self.desks)})')


def load_settings(conf_path: Path | None, **overrides: Any) -> ImportSettings:
    """Settings from pelicanconf.py (when it exists) with `overrides` (None values ignored) on top."""
    values: dict[str, Any] = {}
    if conf_path is not None and conf_path.is_file():
        conf = _read_settings_file(conf_path)
        base = conf_path.parent
        values = {
            "timezone": conf.get("TIMEZONE") or "Europe/Kyiv",
            "desks": dict(_checked(conf, "DESKS", _TEXT_TO_TEXT) or {"news": "News"}),
            "desk_map": dict(_checked(conf, "IMPORT_DESK_MAP", _TEXT_TO_TEXT) or DEFAULT_DESK_MAP),
            "default_desk": _checked(conf, "IMPORT_DEFAULT_DESK", _TEXT) or "news",
            "chrome_hints": dict(_checked(conf, "IMPORT_CHROME_HINTS", _TEXT_TO_LINES) or {}),
            "lang": _checked(conf, "DEFAULT_LANG", _TEXT) or "en",
            "content_dir": base / (_checked(conf, "PATH", _TEXT) or "content"),
        }
        report = _checked(conf, "IMPORT_REPORT", _TEXT)
        if report:
            values["report_path"] = base / report
    values.update({key: value for key, value in overrides.items() if value is not None})
    settings = ImportSettings(**values)
    settings.check()
    return settings


def _read_settings_file(conf_path: Path) -> dict[str, Any]:
    """The settings of a pelicanconf.py, loaded as a module only (the importer needs no theme or
    plugin set-up); SettingsError when Python cannot run it."""
    from pelican.settings import get_settings_from_file

    try:
        return get_settings_from_file(str(conf_path))
    except Exception as error:  # noqa: BLE001 - the file is Python: any error in it is the user's to fix
        raise SettingsError(f"cannot be read: {type(error).__name__}: {error}; fix the file and "
                            "run the import again (make html stops on it too)") from None


# What a setting must hold: a test, and how to say it in the message.
_TEXT = (lambda value: isinstance(value, str), "text, in quotes")
_TEXT_TO_TEXT = (text_mapping, 'a mapping of text to text, e.g. {"news": "News"}')
_TEXT_TO_LINES = (lambda value: isinstance(value, dict) and all(
    isinstance(key, str) and isinstance(lines, list) and all(isinstance(line, str) for line in lines)
    for key, lines in value.items()),
    'a mapping of a source name to a list of lines, e.g. {"ledger": ["Edit post"]}')


def _checked(conf: dict[str, Any], name: str, shape: tuple[Any, str]) -> Any:
    """conf[name] (None when unset), or SettingsError naming the setting when it has the wrong shape."""
    value = conf.get(name)
    test, expected = shape
    if value is not None and not test(value):
        raise SettingsError(f"{name} = {value!r}: expected {expected}")
    return value

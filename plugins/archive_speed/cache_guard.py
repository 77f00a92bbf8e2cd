"""Build caches that survive a fresh checkout and are never trusted when stale or corrupt.

Pelican's content cache (CACHE_CONTENT with CHECK_MODIFIED_METHOD = "sha256") is keyed by each
source file's content hash, so a fresh CI checkout — all mtimes new — still finds it. What it does
not notice is a change in the code or settings that produced it (a reader fix, a new DESKS entry)
or a cache file cut short. This module keeps `CACHE_PATH/archive_speed/state.json`: a key for the
build environment (Python and package versions, the plugins' source, the settings) and a
SHA-256 of every cache file as the last successful build left it. Before the generators load
anything, a cache whose key or bytes differ is deleted and the build starts clean — output
folder included, as Pelican's DELETE_OUTPUT_DIRECTORY would empty it, since without a trusted
record of what the last build wrote, pages it left behind could not be told from current ones.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pelican.utils import clean_output_dir

from archive_format import write_atomic

logger = logging.getLogger(__name__)

STATE_DIR = "archive_speed"
STATE_FILE = "state.json"
# The files Pelican's content cache writes under CACHE_PATH (reader and generator layers).
PELICAN_CACHE_FILES = tuple(f"{generator}{layer}" for generator in ("ArticlesGenerator", "PagesGenerator")
                            for layer in ("", "-Readers"))
SOURCE_SUFFIXES = (".py", ".json")
# Where the build reads and writes, not what it makes: a moved checkout keeps its caches.
LOCATION_SETTINGS = frozenset({"PATH", "OUTPUT_PATH", "CACHE_PATH"})


def stable_repr(value: Any) -> str:
    """A repr that is the same in every process: objects by type and name, never by address."""
    if isinstance(value, str | int | float | bool | type(None)):
        return repr(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{stable_repr(k)}: {stable_repr(v)}"
                               for k, v in sorted(value.items(), key=lambda item: str(item[0]))) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(stable_repr(item) for item in value) + "]"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(stable_repr(item) for item in value)) + "}"
    named = getattr(value, "__qualname__", None) or type(value).__qualname__
    return f"<{getattr(value, '__module__', type(value).__module__)}.{named}>"


def _source_digest(folders: list[Path]) -> str:
    """SHA-256 over every plugin source file (path and bytes) in `folders`."""
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def environment_key(settings: Mapping[str, Any]) -> str:
    """What the build's cached results depend on besides the content itself."""
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    plugin_folders = [Path(p) for p in settings.get("PLUGIN_PATHS") or []]
    what = {name: value for name, value in settings.items() if name not in LOCATION_SETTINGS}
    parts = [sys.version, "\n".join(packages), _source_digest(plugin_folders), stable_repr(what)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def file_sha256(path: str | Path) -> str | None:
    """The SHA-256 (hex) of the file at `path`, or None when it cannot be read."""
    # Read in chunks: a cache file can be large (Pelican's content caches, kept stories), and
    # the guard records them at the end of the build, when the site is in memory too.
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


class CacheGuard:
    """Checks the build caches before a build and records them after a successful one."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.output_path = Path(settings["OUTPUT_PATH"]).resolve()
        self.content_path = Path(settings["PATH"]).resolve()
        self.retention = list(settings.get("OUTPUT_RETENTION") or [])
        self.cache_path = Path(settings["CACHE_PATH"])
        self.state_path = self.cache_path / STATE_DIR / STATE_FILE
        self.key = environment_key(settings)

    def cache_files(self) -> list[Path]:
        """Every cache file the guard vouches for: Pelican's and archive_speed's own."""
        own = sorted(p for p in (self.cache_path / STATE_DIR).glob("*") if p.name != STATE_FILE)
        return [self.cache_path / name for name in PELICAN_CACHE_FILES] + own

    def check(self) -> bool:
        """Delete every cache file unless all match the last successful build; True if kept."""
        problem = self._problem()
        if problem is None:
            return True
        logger.info("Build cache not used (%s): building everything", problem)
        for path in self.cache_files():
            path.unlink(missing_ok=True)
        self.state_path.unlink(missing_ok=True)
        self._empty_output()
        return False

    def _empty_output(self) -> None:
        """Start from an empty output folder, unless it holds the content or this checkout."""
        if self.output_path in (self.content_path, *self.content_path.parents, Path.cwd().resolve()):
            logger.warning("OUTPUT_PATH %s holds the content or the project: not emptied; pages of "
                           "deleted stories may remain in it", self.output_path)
            return
        clean_output_dir(str(self.output_path), self.retention)

    def _problem(self) -> str | None:
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
            recorded = dict(state["files"])
            key = state["key"]
        except FileNotFoundError:
            return "no cache yet"
        except (OSError, ValueError, KeyError, TypeError) as error:
            return f"{self.state_path} unreadable: {error}"
        if key != self.key:
            return "code, packages or settings changed"
        for path in self.cache_files():
            if file_sha256(path) != recorded.get(path.name):
                return f"{path} is not what the last build wrote"
        return None

    def record(self) -> None:
        """After a successful build: remember the key and what every cache file holds."""
        files = {path.name: digest for path in self.cache_files()
                 if (digest := file_sha256(path)) is not None}
        write_atomic(self.state_path, json.dumps({"key": self.key, "files": files}, indent=1))

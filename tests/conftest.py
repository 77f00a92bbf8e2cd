"""Shared test helpers: real Pelican builds into temporary folders, a local HTTP server
for browser tests, and where the team's shared data lives."""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
# The team's shared data (real corpus, the user's seed, the extraction dev set) sits beside
# the repository; CI has it there too. Tests that need it say so with needs_shared.
SHARED = REPO.parent / "shared"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is not present")

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class Build:
    """The result of one real Pelican build: where it wrote, and what it printed."""

    output: Path
    returncode: int
    log: str

    def page(self, relative: str) -> str:
        """Return the text of one generated file (``2023/03/16/slug/`` means its index.html)."""
        path = self.output / relative
        if relative.endswith("/") or path.is_dir():
            path = path / "index.html"
        return path.read_text(encoding="utf-8")


def run_build(content: Path, output: Path, *, conf: str = "pelicanconf.py",
              settings: dict[str, Any] | None = None, env: dict[str, str] | None = None,
              verbose: bool = False) -> Build:
    """Build ``content`` into ``output`` with the project's settings file, in a subprocess
    (as `make html` does), overriding settings with ``settings`` (JSON values); ``verbose``
    adds Pelican's -v, so the log has the plugins' information lines, one line each."""
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(output),
               "-s", str(REPO / conf), *(["-v"] if verbose else [])]
    if verbose:  # Pelican's log handler wraps lines at the terminal's width, 80 without one
        env = {"COLUMNS": "1000", **(env or {})}
    overrides = {"CACHE_PATH": str(output.parent / (output.name + "-cache"))} | (settings or {})
    command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, check=False)
    return Build(output, result.returncode, result.stdout + result.stderr)


@pytest.fixture
def build_site(tmp_path: Path):
    """Return a function that builds a content folder into tmp_path and returns a Build."""
    counter = iter(range(1000))

    def build(content: Path, **kwargs: Any) -> Build:
        return run_build(content, tmp_path / f"output{next(counter)}", **kwargs)

    return build


@pytest.fixture
def fixture_archive(tmp_path: Path) -> Path:
    """A private copy of tests/fixtures/archive (tests may add or break files in it)."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "archive", target)
    return target


@pytest.fixture(scope="session")
def built_fixture_archive(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The fixture archive built once per session with pelicanconf.py, for read-only checks."""
    root = tmp_path_factory.mktemp("fixture-build")
    build = run_build(FIXTURES / "archive", root / "output")
    assert build.returncode == 0, build.log
    return build


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@contextmanager
def serve_directory(directory: Path, prefix: str = "") -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port, under ``prefix`` (e.g. "/repo")
    as GitHub Pages serves a project site; yield the base URL (ending in "/")."""
    root = directory
    if prefix:
        root = directory.parent / (directory.name + "-served")
        (root / prefix.strip("/")).parent.mkdir(parents=True, exist_ok=True)
        if not (root / prefix.strip("/")).exists():
            (root / prefix.strip("/")).symlink_to(directory, target_is_directory=True)
    handler = functools.partial(_QuietHandler, directory=str(root))
    socketserver.TCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}{prefix.rstrip('/')}/"
        finally:
            server.shutdown()


def chromium_executable() -> str | None:
    """Debian's Chromium when installed, else None (Playwright then uses its own)."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by Playwright, shared by the session's browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_executable(),
                                              args=CHROMIUM_FLAGS)
        yield instance
        instance.close()

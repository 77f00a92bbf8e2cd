"""A real build of an archive, served over HTTP under a sub-path like a GitHub Pages
project site, with SITEURL set to the address it is served at (as `make publish` does)."""

from __future__ import annotations

import functools
import http.server
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import Build, run_build

SUB_PATH = "/newsroom-archive"


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the build under SUB_PATH and answers missing pages with 404.html, as Pages does."""

    def __init__(self, *args: Any, output: Path, **kwargs: Any) -> None:
        self.output = output
        super().__init__(*args, directory=str(output), **kwargs)

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(SUB_PATH + "/"):
            return str(self.output / "__outside_the_site__")
        return super().translate_path(path[len(SUB_PATH) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = self.output / "404.html"
        if code != 404 or not not_found.exists():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@dataclass
class ServedArchive:
    """A build and the address it is served at (ending in "/")."""

    build: Build
    base_url: str

    def url(self, path: str) -> str:
        """The served address of a site path such as "desk/news/"."""
        return self.base_url + path.lstrip("/")


@contextmanager
def served_archive(content: Path, output: Path, settings: dict[str, Any] | None = None) -> Iterator[ServedArchive]:
    """Build `content` with an absolute SITEURL under SUB_PATH and serve it on 127.0.0.1."""
    socketserver.TCPServer.allow_reuse_address = True
    handler = functools.partial(_SubPathHandler, output=output)
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
        server.daemon_threads = True
        site_url = f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
        build = run_build(
            content, output, settings={"SITEURL": site_url, "RELATIVE_URLS": False, "FEED_DOMAIN": site_url, **(settings or {})}
        )
        if build.returncode != 0:
            raise AssertionError(f"the archive did not build:\n{build.log}")
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield ServedArchive(build, site_url + "/")
        finally:
            server.shutdown()

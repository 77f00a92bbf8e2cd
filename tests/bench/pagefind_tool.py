"""Pagefind as the benchmark's yardstick: find its binary, index a built archive, size its bundle.

Pagefind is an optional comparison (`pip install 'pagefind[bin]'==1.5.2`, pinned in the `test`
extra): `pagefind_binary()` is None when it is not installed, and the benchmark says so.
Only article pages are indexed, from the story itself (`article.story`: headline, standfirst,
byline and body), so Pagefind sees what our index holds and no listing pages.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from measure import Usage, run_measured

#: Bundle folder inside the built site, next to our own search/.
BUNDLE = "pagefind"
#: Article pages only: `<yyyy>/<mm>/<dd>/<slug>/index.html` (pelicanconf.py's ARTICLE_SAVE_AS).
ARTICLE_GLOB = "[12][0-9][0-9][0-9]/*/*/*/index.html"
ROOT_SELECTOR = "article.story"
#: Files of the bundle that are program code (loaded once per visit, then cached).
CODE_SUFFIXES = (".js", ".pagefind")
#: Pagefind's ready-made interfaces: written into the bundle, never loaded by a search.
UI_PREFIXES = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")


def pagefind_binary() -> Path | None:
    """The Pagefind executable of the installed `pagefind[bin]` package, or None."""
    try:
        import pagefind_bin  # the wheel that ships the binary
    except ImportError:
        found = shutil.which("pagefind")
        return Path(found) if found else None
    candidate = Path(pagefind_bin.__file__).parent / "pagefind"
    return candidate if os.access(candidate, os.X_OK) else None


def pagefind_version(binary: Path) -> str:
    """The version the binary reports, e.g. "pagefind 1.5.2"."""
    import subprocess

    return subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout.strip()


def run_pagefind(binary: Path, site: Path, log: Path, whole_site: bool = False,
                 bundle: Path | None = None) -> Usage:
    """Index `site` into `site/pagefind/` (or into `bundle`); returns wall, CPU and peak RSS.

    By default only our article pages, from the story itself. `whole_site` indexes every page
    with Pagefind's defaults, as `pagefind --site output` on any Pelican site does (how the
    benchmark adds Pagefind to vanilla Pelican, whose pages have no such markers). A `bundle`
    outside the site leaves the site's own files and size as the build left them.
    """
    if bundle is None:
        shutil.rmtree(site / BUNDLE, ignore_errors=True)
        where = ["--output-subdir", BUNDLE]
    else:
        where = ["--output-path", str(bundle.resolve())]
    argv = [str(binary), "--site", str(site), *where, "--force-language", "en", "--quiet"]
    if not whole_site:
        argv += ["--glob", ARTICLE_GLOB, "--root-selector", ROOT_SELECTOR]
    return run_measured(argv, cwd=site, env=dict(os.environ), log=log)


def is_code(relative: str) -> bool:
    """Whether a file of Pagefind's bundle is code (script or WebAssembly) rather than index."""
    return relative.endswith(CODE_SUFFIXES)


def bundle_index_bytes(site: Path) -> int:
    """Bytes of Pagefind's index proper (entry, metadata, word chunks, page fragments)."""
    total = 0
    for path in (site / BUNDLE).rglob("*"):
        relative = path.relative_to(site / BUNDLE).as_posix()
        if path.is_file() and not is_code(relative) and not relative.startswith(UI_PREFIXES):
            total += path.stat().st_size
    return total

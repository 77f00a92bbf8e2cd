"""`make screenshots`: the front page and an article of the sample archive, light and
dark, at desktop width and at 375px, saved as PNG files for a person to look at."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from browser.site import served_archive
from conftest import CHROMIUM_FLAGS, REPO, chromium_executable
from test_quality_browser import sample_pages

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "375px": {"width": 375, "height": 812}}


def main(target: Path, kinds: tuple[str, ...] = ("front", "article")) -> list[Path]:
    """Write one full-page screenshot per page, colour scheme and width into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as folder, served_archive(REPO / "content", Path(folder) / "output") as site:
        pages = sample_pages(site.build.output)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_FLAGS)
            for kind in kinds:
                for scheme in ("light", "dark"):
                    for width, viewport in VIEWPORTS.items():
                        page = browser.new_page(viewport=viewport, color_scheme=scheme)
                        page.goto(site.url(pages[kind]), wait_until="load")
                        path = target / f"{kind}-{scheme}-{width}.png"
                        page.screenshot(path=str(path), full_page=True)
                        page.close()
                        written.append(path)
            browser.close()
    for path in written:
        print(path)
    return written


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots"))

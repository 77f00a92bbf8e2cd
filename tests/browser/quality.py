"""`make quality`: Lighthouse (mobile) scores for each kind of page of the sample archive,
built as for publishing and served under a sub-path. Prints a table; asserts nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from browser.site import served_archive
from conftest import CHROMIUM_FLAGS, REPO, chromium_executable
from test_quality_browser import sample_pages

LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def lighthouse_scores(url: str) -> dict[str, int]:
    """Run Lighthouse 12 (mobile, its default) on `url`; return each category's score out of 100."""
    result = subprocess.run(
        [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}"],
        capture_output=True, text=True, check=False,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH") or chromium_executable() or "/usr/bin/chromium"},
    )
    if result.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    scores = {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}
    failing = [
        audit["id"] for audit in report["audits"].values()
        if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") == "binary"
    ]
    scores["failing"] = failing  # type: ignore[assignment]
    return scores


def main(kinds: list[str]) -> None:
    """Print a table of Lighthouse scores for the given kinds of page (all by default)."""
    with tempfile.TemporaryDirectory() as folder, served_archive(REPO / "content", Path(folder) / "output") as site:
        pages = sample_pages(site.build.output)
        chosen = [kind for kind in (kinds or pages) if kind in pages]
        print(f"{'page':<10} {'perf':>5} {'a11y':>5} {'b-p':>5} {'seo':>5}  binary audits not passed")
        for kind in chosen:
            scores = lighthouse_scores(site.url(pages[kind]))
            print(
                f"{kind:<10} {scores['performance']:>5} {scores['accessibility']:>5} "
                f"{scores['best-practices']:>5} {scores['seo']:>5}  {' '.join(scores['failing']) or '-'}",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])

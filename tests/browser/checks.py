"""The checks themselves: axe-core in a page, keyboard focus, vnu.jar and linkinator.

Each returns the problems it found as readable strings; an empty list means the check passed.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from conftest import REPO

NODE_MODULES = REPO / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LINKINATOR = NODE_MODULES / ".bin" / "linkinator"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Any) -> list[str]:
    """Run axe-core on the loaded page; one line per violated rule with its first targets."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
    ]


# For the focused element: is it on screen, and does it draw a focus indicator?
_FOCUS_STATE = """() => {
  const element = document.activeElement;
  if (!element || element === document.body || element.dataset.focusSeen) return null;
  element.dataset.focusSeen = '1';
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const shadowed = style.boxShadow && style.boxShadow !== 'none';
  return {
    name: element.tagName.toLowerCase() + (element.className ? '.' + element.className : '') +
          ' ' + (element.textContent || '').trim().slice(0, 40),
    visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
    indicated: outlined || !!shadowed,
  };
}"""


def keyboard_focus_problems(page: Any, max_stops: int = 60) -> tuple[int, list[str]]:
    """Tab through the page; return the number of focus stops and those not visibly focused."""
    problems: list[str] = []
    stops = 0
    for _ in range(max_stops):
        page.keyboard.press("Tab")
        state = page.evaluate(_FOCUS_STATE)
        if state is None:  # back at the start, or left the page
            break
        stops += 1
        if not state["visible"] or not state["indicated"]:
            problems.append(f"{state['name']}: visible={state['visible']} focus indicator={state['indicated']}")
    return stops, problems


def vnu_errors(output: Path) -> list[str]:
    """Validate every HTML file under `output` with vnu.jar; one line per error."""
    files = sorted(str(path) for path in output.rglob("*.html"))
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True, text=True, check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '')).as_posix().split(str(output))[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]


def broken_links(start_url: str) -> tuple[int, list[str]]:
    """Crawl the site from `start_url` with linkinator (fragments included); return links checked and broken ones."""
    result = subprocess.run(
        [str(LINKINATOR), start_url, "--recurse", "--check-fragments", "--format", "json",
         "--skip", r"^(?!http://127\.0\.0\.1)"],
        capture_output=True, text=True, check=False,
    )
    report = json.loads(result.stdout)
    broken = [f"{link['url']} (status {link['status']}) from {link.get('parent')}" for link in report["links"] if link["state"] == "BROKEN"]
    return len(report["links"]), broken

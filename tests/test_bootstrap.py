"""`make html` on a clean clone sets everything up by itself, as a new user's first command."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import REPO


@pytest.mark.slow
def test_make_html_on_a_clean_clone(tmp_path: Path) -> None:
    clone = tmp_path / "archive"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(clone)], check=True)
    # Only what a new user has: no virtual environment, no PYTHONPATH, no VENV override.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "VENV")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    first = subprocess.run(["make", "html"], cwd=clone, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    assert (clone / ".venv" / "bin" / "pelican").exists()
    assert (clone / "output" / "index.html").is_file()
    assert len(list((clone / "output").glob("20*/*/*/*/index.html"))) >= 40
    # The second run finds the environment in place and only builds.
    second = subprocess.run(["make", "html"], cwd=clone, env=env, capture_output=True, text=True, check=False)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "pip install" not in second.stdout

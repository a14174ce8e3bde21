"""An installed wheel runs the main job from any folder, with everything it reads inside it.

The wheel is built the way pip builds it for a user, installed without its dependencies into a
fresh virtual environment that borrows the test environment's third-party packages (so the test
needs no network), and run from a folder outside the repository.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .conftest import ARTICLES, ROOT

pytestmark = pytest.mark.slow


def _run(*command: str | Path, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{command} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The ``bin`` folder of a fresh virtual environment holding the built wheel."""
    work = tmp_path_factory.mktemp("wheel")
    build = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", work / "dist", ROOT)
    assert "deprecat" not in (build.stdout + build.stderr).lower(), "the build prints a deprecation warning"
    wheels = list((work / "dist").glob("talkhis-*.whl"))
    assert len(wheels) == 1
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", venv)
    bin_dir = venv / "bin"
    site = Path(_run(bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    # Third-party packages come from the test environment; talkhis itself only from the wheel.
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run(bin_dir / "python", "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheels[0])
    return bin_dir


def test_the_wheel_holds_the_package_data(installed):
    listing = _run(installed / "python", "-c",
                   "import importlib.resources as r; print(sorted(p.name for p in r.files('talkhis').joinpath('data').iterdir()))")
    names = listing.stdout
    for expected in ("salience.json", "stopwords", "translations"):
        assert expected in names


@pytest.mark.parametrize("entry", ["script", "module"])
def test_an_installed_talkhis_summarises_the_seeds_from_another_folder(installed, tmp_path, entry):
    where = _run(installed / "python", "-c", "import talkhis; print(talkhis.__file__)", cwd=tmp_path).stdout.strip()
    assert str(ROOT) not in where and "site-packages" in where
    command = [installed / "talkhis"] if entry == "script" else [installed / "python", "-m", "talkhis"]
    env = {**os.environ, "TALKHIS_CACHE_DIR": str(tmp_path / "cache")}
    proc = _run(*command, "summarize", ARTICLES, "--out", tmp_path / "out", cwd=tmp_path, env=env)
    assert "Traceback" not in proc.stderr
    data = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert data["summary"]
    # Every English line comes from the shipped translation memory, found inside the install.
    assert {item["translation_source"] for item in data["summary"]} == {"reference"}
    assert all(item["translation"] for item in data["summary"])
    for item in data["summary"]:
        assert item["translation"] in proc.stdout

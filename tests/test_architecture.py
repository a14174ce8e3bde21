"""The package reads as its pipeline: the import-linter contracts in pyproject.toml hold, no
module imports another in a circle, and the contracts would catch an import back up."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")

pytestmark = pytest.mark.skipif(LINT is None, reason="import-linter is not installed (pip install -e '.[dev]')")


def _graph_tool():
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "tools" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lint(src: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(src), "HOME": str(src.parent)}
    return subprocess.run([LINT, "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=src.parent,
                          capture_output=True, text=True, env=env, timeout=300)


def test_the_contracts_name_every_stage_in_pipeline_order():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    flat = [name.strip() for layer in layers for name in layer.split("|")]
    stages = ["talkhis.pipeline", "talkhis.translate", "talkhis.select", "talkhis.align", "talkhis.embed",
              "talkhis.corpus"]
    assert [flat.index(s) for s in stages] == sorted(flat.index(s) for s in stages)
    packages = {p.name for p in (ROOT / "src" / "talkhis").iterdir() if (p / "__init__.py").is_file()}
    assert {f"talkhis.{p}" for p in packages} <= set(flat), "every subpackage has a place in the layers"


def test_the_import_contracts_are_kept():
    run = _lint(ROOT / "src")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_an_import_back_up_breaks_the_contracts(tmp_path):
    shutil.copytree(ROOT / "src" / "talkhis", tmp_path / "src" / "talkhis",
                    ignore=shutil.ignore_patterns("__pycache__", "data"))
    segment = tmp_path / "src" / "talkhis" / "corpus" / "segment.py"
    segment.write_text(segment.read_text() + "\n\ndef _upward():\n    from ..report import plots  # noqa: F401\n")
    run = _lint(tmp_path / "src")
    assert run.returncode != 0
    assert "talkhis.corpus.segment -> talkhis.report" in run.stdout


def test_no_module_imports_another_in_a_circle():
    assert _graph_tool().import_cycles() == []


def test_the_package_folder_shows_the_stages_and_modules_stay_small():
    tool = _graph_tool()
    assert len(tool.top_level_modules()) <= 10
    lines = tool.module_lines()
    assert max(lines.values()) < 450, max(lines, key=lines.get)

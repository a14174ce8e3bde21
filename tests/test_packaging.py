"""The project's set-up files agree with each other and ship what they promise."""

from __future__ import annotations

import hashlib
import re
import tomllib

import yaml

from .conftest import ARTICLES, ROOT

SEED_NAMES = [
    "000_f9289ace09eb3e20.txt",
    "001_ca3e1f2505a79631.txt",
    "002_a90dff76a33d4385.txt",
    "003_66b99715f277d18e.txt",
    "004_9faea2139f5b08b6.txt",
]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_and_pyproject_name_the_same_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared |= set(extra)
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    listed = {r for r in pip_section if not r.startswith("-e")}
    assert {_name(r) for r in listed} == {_name(r) for r in declared}
    assert listed == declared  # same version specifiers too


def test_torch_is_pinned_to_the_cpu_build_and_kept_out_of_the_default_install():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "torch==2.13.0" in project["optional-dependencies"]["models"]
    assert not any(_name(r) in {"torch", "transformers", "sentence-transformers"} for r in project["dependencies"])


def test_the_five_articles_are_shipped_under_their_own_names():
    assert sorted(p.name for p in ARTICLES.glob("*.txt")) == SEED_NAMES
    seeds = ROOT.parent / "shared" / "seeds"
    if seeds.is_dir():  # beside a checkout (and in CI): the shipped copies are the originals, byte for byte
        for name in SEED_NAMES:
            assert hashlib.sha256((ARTICLES / name).read_bytes()).digest() == hashlib.sha256((seeds / name).read_bytes()).digest()


def test_readme_gives_exactly_two_setup_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Set up.*?```(?:bash|sh)?\n(.*?)```", readme, re.S)
    assert block, "README needs a '## Set up' section with a code block"
    commands = [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]
    assert commands == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _declared() -> dict[str, list[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {"core": project["dependencies"], **project["optional-dependencies"]}


def test_the_constraints_file_pins_every_declared_dependency():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pins[_name(name)] = version
    for group, requirements in _declared().items():
        for requirement in requirements:
            assert _name(requirement) in pins, f"{requirement} ({group}) is not pinned in constraints.txt"
    assert pins["torch"] == "2.13.0"


def _reaches(requirements: list[str]) -> set[str]:
    """Every distribution the requirements pull in, from the installed packages' metadata."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = _name(req.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            children = requires(req.name) or []
        except PackageNotFoundError:
            continue
        for child in map(Requirement, children):
            if child.marker is None or child.marker.evaluate({"extra": ""}):
                todo.append(child)
    return seen


def test_only_the_models_extra_pulls_torch_and_it_pins_the_cpu_build():
    declared = _declared()
    for group, requirements in declared.items():
        if group != "models":
            assert "torch" not in _reaches(requirements), f"the {group!r} dependencies pull torch in"
    assert "torch" in _reaches(declared["models"]) and "torch==2.13.0" in declared["models"]

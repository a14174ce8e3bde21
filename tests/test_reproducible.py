"""The same input gives byte-identical outputs on any machine.

Another CPU, BLAS kernel or thread count changes the last digits of floats; talkhis makes every
discrete decision on quantised scores, so none of that may reach its outputs. This check runs
the seed summary under three OpenBLAS kernels (the machine's, and the older Prescott and
Nehalem ones, as other CPUs would compute), with 1, 2 and 4 threads, and with the embedding
cache cold, warm and off, and requires identical files. It takes about half a minute, so it runs
as its own step (``make repro``, after ``make test`` in CI).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ARTICLES

pytestmark = pytest.mark.repro

KERNELS = [None, "Prescott", "Nehalem"]  # None: as the machine runs it (Haswell here)
THREADS = [1, 2, 4]
COMPARED = ("summary.json", "summary.md")


def _env(kernel: str | None, threads: int | None, cache: Path) -> dict[str, str]:
    env = {**os.environ, "TALKHIS_CACHE_DIR": str(cache)}
    if kernel:
        env["OPENBLAS_CORETYPE"] = kernel
    if threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "TALKHIS_THREADS"):
            env[name] = str(threads)
    return env


def _summarize(out: Path, env: dict[str, str], *extra: str) -> dict[str, bytes]:
    proc = subprocess.run([sys.executable, "-m", "talkhis", "summarize", str(ARTICLES), "--out", str(out), "--quiet", *extra],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return {name: (out / name).read_bytes() for name in COMPARED if (out / name).exists()}


def _kernel_in_use(env: dict[str, str]) -> str:
    code = "from threadpoolctl import threadpool_info; import numpy; print([i.get('architecture') for i in threadpool_info() if i['internal_api'] == 'openblas'][0])"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60).stdout.strip()


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    work = tmp_path_factory.mktemp("reference")
    return _summarize(work / "out", _env(None, None, work / "cache"), "--no-cache")


@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("kernel", KERNELS)
def test_identical_under_every_kernel_and_thread_count(reference, tmp_path, kernel, threads):
    env = _env(kernel, threads, tmp_path / "cache")
    if kernel:  # the setting really took effect (OpenBLAS may report Prescott under another name)
        assert _kernel_in_use(env) != _kernel_in_use(_env(None, None, tmp_path))
    assert _summarize(tmp_path / "out", env, "--no-cache") == reference


def test_identical_with_the_cache_cold_and_warm(reference, tmp_path):
    env = _env("Prescott", 1, tmp_path / "cache")
    assert _summarize(tmp_path / "cold", env) == reference
    assert (tmp_path / "cache").is_dir()
    assert _summarize(tmp_path / "warm", _env(None, 2, tmp_path / "cache")) == reference

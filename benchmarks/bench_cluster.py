"""How content clustering grows with the number of sentences: time, peak memory and quality.

Input is synthetic, so that sizes up to 100,000 exist and the right answer is known: unit
vectors in 512 dimensions (the width of the default embedder) drawn with a fixed seed as a
mixture of

* n/20 clusters around random unit centres, sizes drawn from a Dirichlet distribution (so a few
  are large and many are small), each with its own spread so that members have a cosine
  similarity of about 0.58 to 0.80 with one another (sentences saying the same thing), and
* 20% singletons pointing in random directions (sentences nobody else says).

Random directions in 512 dimensions are nearly orthogonal, so at the default threshold
(cosine distance 0.5) the generating labels are what a perfect clusterer returns; the adjusted
Rand index (ARI) against them measures how close ``ContentClusterer`` gets.

Each size runs ``talkhis.align.cluster.ContentClusterer().fit(x)`` with its defaults in a fresh
subprocess, so every peak-memory figure (``ru_maxrss``, which includes the interpreter and the
data itself) belongs to that size alone. Up to ``exact_limit`` (5,000) sentences the clusterer
uses all pairwise distances (path ``exact``); above it (path ``pairs``) it finds the pairs
closer than the threshold with the numpy inverted-file search of :mod:`talkhis.align.neighbours`
(reported apart as ``pairs s``, with the number of pairs found and of connected parts of that
graph, and the largest part), and clusters each part by average linkage: exactly up to
``exact_limit`` sentences, on the graph above (:mod:`talkhis.align.linkage`). Nothing is compiled, so
a command-line run pays no start-up cost beyond these figures.

Two extra rows compare the paths where they meet: 3,000 sentences forced through the pairs
path and 10,000 forced through the exact path (``exact_limit`` set per run; the source is not
changed). A size that runs past ``--timeout`` seconds (default 600) is stopped and reported
with the peak memory it had reached, and larger sizes are skipped. Each subprocess runs under an
address-space limit (``--max-gb``, default 16) so that a size that needs more memory than the
machine can spare fails with a MemoryError in its own process instead of waking the kernel's
out-of-memory killer on a shared machine.

Usage: .venv/bin/python benchmarks/bench_cluster.py [--quick] [--sizes 1000,3000] [--timeout 600]
       [--max-gb 16]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from _measure import loadavg, peak_rss_mb, rss_mb

ROOT = Path(__file__).resolve().parents[1]
DIM = 512
SEED = 0
MEAN_CLUSTER = 20
SINGLETON_SHARE = 0.2
SPREAD = (0.5, 0.85)  # noise norm per cluster: within-cluster cosine ~ 1 / (1 + spread**2)
SIZES = [1000, 3000, 10000, 30000, 100000]
QUICK_SIZES = [1000, 3000, 10000]
CROSSOVER = [(3000, "pairs"), (10000, "exact")]
RESULT = "RESULT "


def make_data(n: int, seed: int = SEED):
    """Seeded unit vectors and their generating labels (see the module docstring)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n_single = int(round(n * SINGLETON_SHARE))
    k = max(2, (n - n_single) // MEAN_CLUSTER)
    sizes = rng.multinomial(n - n_single - 2 * k, rng.dirichlet(np.ones(k))) + 2  # at least 2 each
    labels = np.concatenate([np.repeat(np.arange(k), sizes), k + np.arange(n_single)])
    labels = labels[rng.permutation(n)]
    centres = rng.standard_normal((k + n_single, DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    spread = np.where(np.arange(k + n_single) < k, rng.uniform(*SPREAD, size=k + n_single), 0.0).astype(np.float32)
    x = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 10000):
        part = labels[start : start + 10000]
        noise = rng.standard_normal((len(part), DIM), dtype=np.float32) / np.float32(np.sqrt(DIM))
        x[start : start + 10000] = centres[part] + spread[part, None] * noise
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x, labels, k, n_single


def worker(n: int, force: str | None) -> dict:
    """Cluster ``n`` synthetic sentences once; runs in its own process."""
    import warnings

    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from sklearn.metrics import adjusted_rand_score

    import talkhis.align.neighbours as neighbours
    from talkhis.align import ContentClusterer
    from talkhis.align.cluster import largest_share

    x, labels, k, n_single = make_data(n)
    clusterer = ContentClusterer()
    if force == "pairs":
        clusterer.exact_limit = 0
    elif force == "exact":
        clusterer.exact_limit = n
    path = "pairs" if n > clusterer.exact_limit else "exact"

    graph: dict = {}
    search = neighbours.similar_pairs

    def timed_search(x, min_sim, **kwargs):
        t = time.perf_counter()
        i, j, sim = search(x, min_sim, **kwargs)
        graph["s"] = time.perf_counter() - t
        graph["pairs"] = len(i)
        close = coo_matrix((np.ones(len(i)), (i, j)), shape=(len(x), len(x)))
        n_parts, part = connected_components(close, directed=False)
        graph["components"] = int(n_parts)
        graph["largest_part"] = int(np.bincount(part).max())
        return i, j, sim

    neighbours.similar_pairs = timed_search
    before = rss_mb()
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clusterer.fit(x)
    fit_s = time.perf_counter() - t0
    return {
        "n": n,
        "path": path,
        "forced": bool(force),
        "graph_s": graph.get("s"),
        "pairs": graph.get("pairs"),
        "components": graph.get("components"),
        "largest_part": graph.get("largest_part"),
        "largest_share": largest_share(clusterer.labels_),
        "fit_s": fit_s,
        "data_mb": x.nbytes / 2**20,
        "rss_before_mb": before,
        "peak_mb": peak_rss_mb(),
        "clusters": clusterer.n_clusters_,
        "true_clusters": k + n_single,
        "ari": float(adjusted_rand_score(labels, clusterer.labels_)),
    }


def run_worker(n: int, force: str | None, timeout: float, max_gb: float) -> dict:
    """Run one size in a subprocess, watching its peak memory so a stopped run still has one."""
    cmd = [sys.executable, __file__, "--worker", str(n)] + (["--force", force] if force else [])
    limit = int(max_gb * 2**30)

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    out = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_cluster_{os.getpid()}_{n}.out"
    with out.open("w") as stdout:
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                preexec_fn=limit_memory)
        t0, hwm = time.perf_counter(), 0.0
        status = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        hwm = max(hwm, int(line.split()[1]) / 1024)
            except OSError:
                pass
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                proc.wait()
                out.unlink(missing_ok=True)
                return {"n": n, "error": f"stopped after {timeout:.0f} s (peak RSS so far {hwm:.0f} MB)"}
            time.sleep(0.5)
        stderr = proc.stderr.read()
    text = out.read_text()
    out.unlink(missing_ok=True)
    for line in reversed(text.splitlines()):
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT) :])
    elapsed = time.perf_counter() - t0
    if proc.returncode in (-9, 137) or "MemoryError" in stderr:
        frames = [line.strip() for line in stderr.splitlines() if line.strip().startswith("File ")]
        where = f"; last frame: {frames[-1]}" if frames else ""
        return {"n": n, "error": f"out of memory under the {max_gb:g} GB address-space limit after {elapsed:.0f} s "
                                 f"(peak RSS seen {hwm:.0f} MB{where})"}
    tail = (stderr.strip().splitlines() or ["no output"])[-1]
    return {"n": n, "error": f"exit {proc.returncode}: {tail}"}


def fmt(r: dict) -> tuple[str, ...]:
    path = r["path"] + (" (forced)" if r["forced"] else "")
    graph = "" if r["graph_s"] is None else f"{r['graph_s']:.1f}"
    pairs = "" if r["pairs"] is None else f"{r['pairs']:,}"
    comps = "" if r["components"] is None else f"{r['components']:,} / {r['largest_part']:,}"
    return (f"{r['n']:,}", path, f"{r['fit_s']:.1f}", graph, pairs, comps,
            f"{r['data_mb']:.0f}", f"{r['rss_before_mb']:.0f}", f"{r['peak_mb']:.0f}",
            f"{r['clusters']:,}", f"{r['true_clusters']:,}", f"{r['largest_share']:.1%}", f"{r['ari']:.3f}")


HEAD = ("n", "path", "fit s", "pairs s", "pairs", "parts / largest", "data MB", "RSS before MB", "peak MB",
        "clusters", "true clusters", "largest", "ARI")


def print_row(cells: tuple[str, ...], widths: list[int]) -> None:
    print("  ".join(c.rjust(w) if i != 1 else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 10,000 sentences")
    parser.add_argument("--sizes", help="comma-separated sizes (default 1000,3000,10000,30000,100000)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per size (default 600)")
    parser.add_argument("--max-gb", type=float, default=16, help="address-space limit per size in GB (default 16)")
    parser.add_argument("--no-crossover", action="store_true", help="skip the two rows that force the other path")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--force", choices=["pairs", "exact"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(RESULT + json.dumps(worker(args.worker, args.force)), flush=True)
        return

    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else (QUICK_SIZES if args.quick else SIZES)
    runs = [(n, None) for n in sizes]
    if not args.no_crossover:
        for n, force in CROSSOVER:
            if n in sizes:
                runs.insert(runs.index((n, None)) + 1, (n, force))

    print(f"bench_cluster — {time.strftime('%Y-%m-%d %H:%M')}, {platform.node()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}; load average before: {loadavg()}")
    print(f"input: SYNTHETIC unit vectors, {DIM} dimensions, seed {SEED}: n/{MEAN_CLUSTER} Gaussian clusters "
          f"(Dirichlet sizes, within-cluster cosine ~0.58-0.80) + {SINGLETON_SHARE:.0%} singletons")
    print("clusterer: ContentClusterer() defaults (average linkage, cosine distance threshold 0.5, exact_limit 5000);"
          f" each row a fresh subprocess; timeout {args.timeout:.0f} s and address-space limit {args.max_gb:g} GB per row\n")
    widths = [max(len(h), 13 if i == 1 else 7) for i, h in enumerate(HEAD)]
    print_row(HEAD, widths)
    print_row(tuple("-" * w for w in widths), widths)
    failed = False
    for n, force in runs:
        if failed and force is None:
            print(f"{n:>{widths[0]},}  skipped (a smaller size did not finish)")
            continue
        r = run_worker(n, force, args.timeout, args.max_gb)
        if "error" in r:
            path = f"{force} (forced)" if force else "pairs" if n > 5000 else "exact"
            print(f"{n:>{widths[0]},}  {path}: {r['error']}", flush=True)
            failed = failed or force is None
            continue
        print_row(fmt(r), widths)
    print("\n  fit s          wall seconds of ContentClusterer().fit(x) in a fresh process (nothing to compile)")
    print("  pairs s        part of fit s spent finding the pairs closer than the threshold (the rest is the linkage);")
    print("                 parts / largest = connected parts of that graph and the size of the largest")
    print("  largest        share of all sentences in the largest cluster")
    print("  data MB        the input array (n x 512 float32); RSS before = resident memory just before fit;")
    print("                 peak MB = ru_maxrss of the subprocess (interpreter + data + fit)")
    print("  ARI            adjusted Rand index against the generating labels (1 = exact recovery)")
    print(f"\nload average after: {loadavg()}")


if __name__ == "__main__":
    main()

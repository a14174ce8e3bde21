"""``talkhis stories``: grouping quality on a labelled mix, and time and memory from 2,000 to
50,000 articles, in-process and on a 2-worker Dask ``LocalCluster``.

**Quality** (``--quality``): B-cubed precision, recall and F1 over articles on a labelled mix of
the five MultiLing 2011 dev topics (ten articles each, one story per topic), the five shipped
articles (one story) and the 53 EASC dev articles (each its own story): 108 articles. Beside
it, a TF-IDF average-linkage baseline (the same TF-IDF rows as the grouping, every pair
compared, scipy's average linkage cut at each threshold from 0.02 to 0.60) at its best
threshold, chosen with hindsight.

**Scale** (``--sizes``): corpora with many distinct stories, built once under
``$TALKHIS_BENCH_DIR`` (default ``~/.cache/talkhis-bench``). The sentences of the 108 mix
articles are the material. Story ``s`` (seeded by ``s``) stitches runs of two to four
consecutive sentences from three different source articles, then renames about 85% of its
words of three letters or more with words made for that story (its own letter substitution)
and gives it its own figures, so that two stories that borrow the same source sentences share
neither terms nor facts; it gets a date between
2020 and 2024 and 1 + Geometric(0.25) articles (at most 40). Each article of a story is a
perturbed copy of the stitched text: each sentence dropped with probability 0.2, a kept one
edited with probability 0.3 (a word dropped, two neighbouring words swapped or a word replaced
by one from elsewhere in the story), dated up to six days after the story, from one of eight
outlets (``metadata.csv``). Stories are added until the corpus has the size asked for.

Each run is ``talkhis stories FOLDER --out OUT --quiet`` (with ``--workers 2`` for two
workers) in a fresh process with an empty embedding cache (cold); a thread samples the
resident memory of that process and all its children (the Dask workers) every 0.2 s, and the
peak of the sum is reported. ``--grouping-only`` times the grouping alone
(:func:`talkhis.stories.group.group_articles`, in-process), which is what the archive's size
drives; the rest is per-story work.

Usage: .venv/bin/python benchmarks/bench_stories.py --quality
       .venv/bin/python benchmarks/bench_stories.py --sizes 2000,10000,50000 --workers 1,2
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _measure import loadavg

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(os.environ.get("TALKHIS_BENCH_DIR", Path.home() / ".cache" / "talkhis-bench"))
OUTLETS = ["Al Jazeera", "Al Arabiya", "Asharq", "Sky News Arabia", "BBC Arabic", "Anadolu", "Ultra Iraq", "Baghdad Today"]
_SENTENCE_END = re.compile(r"(?<=[.!؟?])\s+")
_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


# -------------------------------------------------------------------------------- quality


def quality() -> None:
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    from talkhis.corpus import load_corpus
    from talkhis.embed import get_embedder
    from talkhis.evaluate.storymix import bcubed, write_story_mix
    from talkhis.stories import group, vectors

    with tempfile.TemporaryDirectory() as tmp:
        gold = write_story_mix(Path(tmp) / "mix", start=ROOT)
        corpus = load_corpus(Path(tmp) / "mix")
    started = time.perf_counter()
    stories = group.group_articles(corpus, get_embedder("use").encode)
    seconds = time.perf_counter() - started
    ours = bcubed({a: s[0] for s in stories for a in s}, gold)

    ids = [a.id for a in corpus.articles]
    x = vectors.tfidf_rows([vectors.term_counts(a) for a in corpus.articles])
    distance = np.clip(1 - (x @ x.T).toarray(), 0, None)
    tree = linkage(squareform((distance + distance.T) / 2, checks=False), "average")
    rows = []
    for t in range(2, 61, 2):
        labels = fcluster(tree, 1 - t / 100, "distance")
        rows.append((bcubed({a: str(c) for a, c in zip(ids, labels)}, gold), t / 100))
    best, threshold = max(rows, key=lambda r: (round(r[0][2], 6), -r[1]))
    seeds = next(s for s in stories if "001_ca3e1f2505a79631" in s)
    print(f"labelled mix: {len(ids)} articles, {len(set(gold.values()))} stories; talkhis finds {len(stories)} "
          f"in {seconds:.1f} s; the five seed articles {'form one story' if len(seeds) == 5 else 'are split'}\n")
    print("| grouping | B-cubed precision | recall | F1 |\n|---|---:|---:|---:|")
    print(f"| talkhis stories (one setting) | {ours[0]:.4f} | {ours[1]:.4f} | {ours[2]:.4f} |")
    print(f"| TF-IDF average linkage, best threshold {threshold:.2f} (hindsight) | {best[0]:.4f} | {best[1]:.4f} | {best[2]:.4f} |")


# -------------------------------------------------------------------------------- scale corpora


def _sources() -> list[list[str]]:
    """The sentences of the 108 mix articles, one list per article."""
    from talkhis.evaluate.storymix import write_story_mix

    with tempfile.TemporaryDirectory() as tmp:
        write_story_mix(Path(tmp), start=ROOT)
        texts = [p.read_text(encoding="utf-8") for p in sorted(Path(tmp).glob("*.txt"))]
    out = []
    for text in texts:
        sentences = [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if len(s.split()) >= 5]
        if len(sentences) >= 4:
            out.append(sentences)
    return out


def _rename(words: list[str], rng: random.Random) -> dict[str, str]:
    """A story's own spelling for about 85% of its words of three letters or more, and its own
    figures for every number."""
    letters = list(_LETTERS)
    rng.shuffle(letters)
    table = str.maketrans(_LETTERS, "".join(letters))
    chosen = sorted({w for w in words if len(w) >= 3})
    return {w: str(rng.randrange(2, 10**len(w))) if w.isdigit() else w.translate(table)
            for w in chosen if w.isdigit() or rng.random() < 0.85}


def _story(s: int, sources: list[list[str]]) -> tuple[list[str], int, random.Random]:
    rng = random.Random(s)
    base = []
    for src in rng.sample(sources, 3):
        run = rng.randint(2, 4)
        start = rng.randrange(0, max(1, len(src) - run))
        base.extend(src[start : start + run])
    names = _rename([w for sent in base for w in sent.split()], rng)
    base = [" ".join(names.get(w, w) for w in sent.split()) for sent in base]
    size = 1
    while rng.random() > 0.25 and size < 40:
        size += 1
    return base, size, rng


def _perturb(base: list[str], rng: random.Random) -> str:
    words = [w for s in base for w in s.split()]
    out = []
    for sentence in base:
        if rng.random() < 0.2:
            continue
        tokens = sentence.split()
        if rng.random() < 0.3 and len(tokens) > 3:
            k = rng.randrange(len(tokens) - 1)
            edit = rng.randrange(3)
            if edit == 0:
                del tokens[k]
            elif edit == 1:
                tokens[k], tokens[k + 1] = tokens[k + 1], tokens[k]
            else:
                tokens[k] = rng.choice(words)
        out.append(" ".join(tokens))
    return "\n\n".join(out or base[:1])


def build_corpus(n: int) -> Path:
    """The scale corpus of ``n`` articles (built once, then reused)."""
    folder = BENCH / f"stories-{n}"
    if (folder / "metadata.csv").exists():
        return folder
    tmp = Path(tempfile.mkdtemp(prefix=f".stories-{n}.", dir=BENCH.mkdir(parents=True, exist_ok=True) or BENCH))
    sources = _sources()
    rows, labels, written, s = [], {}, 0, 0
    while written < n:
        base, size, rng = _story(s, sources)
        day = rng.randrange(5 * 365)
        for m in range(min(size, n - written)):
            article = f"a{written:06d}"
            (tmp / f"{article}.txt").write_text(_perturb(base, rng), encoding="utf-8")
            when = time.gmtime(1577836800 + (day + rng.randrange(7)) * 86400)
            rows.append({"id": article, "date": time.strftime("%Y-%m-%d", when), "outlet": rng.choice(OUTLETS)})
            labels[article] = f"s{s}"
            written += 1
        s += 1
    with open(tmp / "metadata.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ["id", "date", "outlet"])
        writer.writeheader()
        writer.writerows(rows)
    (tmp / "STORIES.txt").write_text(f"{s} stories\n", encoding="utf-8")
    (tmp / "labels.json").write_text(json.dumps(labels) + "\n", encoding="utf-8")
    os.replace(tmp, folder)
    return folder


# -------------------------------------------------------------------------------- measuring


class TreeMemory:
    """Peak resident memory of a process and all its descendants, summed, sampled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                for p in [self.root, *self.root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            self.peak = max(self.peak, total / 2**20)
            self._stop.wait(0.2)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_stories(folder: Path, workers: int, timeout: float) -> dict:
    """One cold ``talkhis stories`` run: wall time, peak memory of the process tree, stories."""
    with tempfile.TemporaryDirectory(prefix="talkhis-stories-bench.") as tmp:
        out = Path(tmp) / "out"
        env = {**os.environ, "TALKHIS_CACHE_DIR": str(Path(tmp) / "cache"), "PYTHONPATH": str(ROOT / "src")}
        cmd = [sys.executable, "-m", "talkhis", "stories", str(folder), "--out", str(out), "--quiet"]
        cmd += ["--workers", str(workers)] if workers > 1 else []
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        memory = TreeMemory(proc.pid)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return {"error": f"over {timeout:.0f} s", "peak_mb": memory.stop()}
        seconds = time.perf_counter() - started
        peak = memory.stop()
        if proc.returncode:
            return {"error": err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}", "peak_mb": peak}
        data = json.loads((out / "stories.json").read_text(encoding="utf-8"))
        sizes = [s["size"] for s in data["stories"]]
        return {"total_s": round(seconds, 1), "peak_mb": round(peak), "stories": len(sizes),
                "summarised": sum(1 for s in data["stories"] if s["folder"]), "largest": max(sizes)}


def grouping_worker(folder: str) -> None:
    """In a fresh process: load and group only, print time and peak memory as JSON."""
    sys.path.insert(0, str(ROOT / "src"))
    from _measure import peak_rss_mb

    from talkhis.corpus import load_corpus
    from talkhis.embed import get_embedder
    from talkhis.evaluate.storymix import bcubed
    from talkhis.stories import group

    started = time.perf_counter()
    corpus = load_corpus(folder)
    loaded = time.perf_counter() - started
    stories = group.group_articles(corpus, get_embedder("use").encode)
    seconds = time.perf_counter() - started
    gold = json.loads((Path(folder) / "labels.json").read_text(encoding="utf-8"))
    p, r, f = bcubed({a: s[0] for s in stories for a in s}, gold)
    print(json.dumps({"load_s": round(loaded, 1), "total_s": round(seconds, 1), "peak_mb": round(peak_rss_mb()),
                      "stories": len(stories), "largest": max(map(len, stories)),
                      "bcubed": [round(p, 4), round(r, 4), round(f, 4)]}))


def run_grouping(folder: Path, timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="talkhis-stories-bench.") as tmp:
        env = {**os.environ, "TALKHIS_CACHE_DIR": str(Path(tmp) / "cache"), "PYTHONPATH": str(ROOT / "src")}
        try:
            done = subprocess.run([sys.executable, __file__, "--grouping-worker", str(folder)], env=env,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"error": f"over {timeout:.0f} s"}
        if done.returncode:
            return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
        return json.loads(done.stdout.strip().splitlines()[-1])


def table(results: dict) -> str:
    lines = ["| articles | run | time | peak memory | stories (summarised) | largest story |",
             "|---:|---|---:|---:|---:|---:|"]
    for n in sorted(results, key=int):
        for key, row in sorted(results[n].items()):
            if "error" in row:
                lines.append(f"| {int(n):,} | {key} | {row['error']} | {row.get('peak_mb', 0):,.0f} MB | | |")
                continue
            stories = f"{row['stories']:,}" + (f" ({row['summarised']:,})" if "summarised" in row else "")
            bc = f" · B-cubed F1 {row['bcubed'][2]:.3f}" if "bcubed" in row else ""
            lines.append(f"| {int(n):,} | {key} | {row['total_s']:,.1f} s | {row['peak_mb']:,} MB | {stories}{bc} | {row['largest']} |")
    return "\n".join(lines)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.5), layout="constrained")
    left, right = fig.subplots(1, 2)
    keys = sorted({k for r in results.values() for k in r})
    for key, style in zip(keys, ("o-", "s-", "^--", "x:")):
        pts = sorted((int(n), r[key]) for n, r in results.items() if key in r and "error" not in r[key])
        if pts:
            left.plot([p[0] for p in pts], [p[1]["total_s"] for p in pts], style, label=key)
            right.plot([p[0] for p in pts], [p[1]["peak_mb"] for p in pts], style, label=key)
    from matplotlib.ticker import NullFormatter

    sizes = sorted(int(n) for n in results)
    for ax, what in ((left, "seconds"), (right, "peak resident memory (process and workers), MB")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(sizes, [f"{n:,}" for n in sizes])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("articles")
        ax.set_ylabel(what)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    left.set_title("Time per run (cold embedding cache)")
    right.set_title("Peak memory per run")
    fig.suptitle("talkhis stories on 2 cores")
    fig.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality", action="store_true", help="B-cubed on the labelled mix against the baseline")
    parser.add_argument("--sizes", default="", help="comma-separated corpus sizes, e.g. 2000,10000,50000")
    parser.add_argument("--workers", default="1,2", help="worker counts (1: in-process)")
    parser.add_argument("--grouping", action="store_true", help="also time the grouping alone at each size")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "stories.json"))
    parser.add_argument("--plot", default=str(ROOT / "docs" / "stories_scale.png"))
    parser.add_argument("--table", action="store_true", help="print the table and draw the plot from --out, running nothing")
    parser.add_argument("--grouping-worker")
    args = parser.parse_args()
    if args.grouping_worker:
        grouping_worker(args.grouping_worker)
        return
    sys.path.insert(0, str(ROOT / "src"))
    if args.quality:
        quality()
    out = Path(args.out)
    results = json.loads(out.read_text()) if out.exists() else {}
    if args.table:
        print(table(results))
        plot(results, Path(args.plot))
        return
    if not args.sizes:
        return
    for n in (int(x) for x in args.sizes.split(",")):
        folder = build_corpus(n)
        print(f"{n:,} articles ({(folder / 'STORIES.txt').read_text().split()[0]} stories built); load {loadavg()}", flush=True)
        row = results.setdefault(str(n), {})
        if args.grouping:
            row["grouping only"] = run_grouping(folder, args.timeout)
            print("  grouping only", row["grouping only"], flush=True)
        for w in (int(x) for x in args.workers.split(",")):
            key = "in-process" if w == 1 else f"{w} workers"
            row[key] = run_stories(folder, w, args.timeout)
            print(f"  {key}", row[key], f"load {loadavg()}", flush=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    plot(results, Path(args.plot))


if __name__ == "__main__":
    main()

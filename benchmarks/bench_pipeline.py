"""The whole pipeline on the five seed articles: command-line time, memory, and where it goes.

Measurements, every one repeated (3 times, once with ``--quick``) and printed as the median
with the minimum and maximum:

1. first run on a machine: ``talkhis summarize data/articles --out <tmp> --no-cache`` with an
   empty cache folder, so the prepared copy of the USE model (:mod:`talkhis.embed.prepared`) is made
   during the run (once);
2. cold command line: the same with that prepared copy present and no cached vectors
   (``--no-cache``): interpreter start, imports, model load, the run and the outputs; wall
   seconds, CPU seconds (user + system) and peak resident memory of that one process, read with
   ``os.wait4`` (the same ``ru_maxrss`` that ``/usr/bin/time -v`` prints); each cold run is
   followed by a sumy LexRank process on the same articles (``bench_scale.py --worker lexrank``:
   interpreter, imports, loading the corpus, six sentences chosen), and the median ratio of the
   pairs is printed; then cold runs with the static PNG charts as well (``--png``);
3. warm command line: without ``--no-cache``, after one untimed run has filled a private
   embedding cache (``TALKHIS_CACHE_DIR`` set to a temporary folder);
4. stages, in a fresh process per repeat, timed with ``time.perf_counter``: one real
   ``summarize_folder(data/articles, Options(cache=False))`` whose stage functions are wrapped
   with timers where ``talkhis.pipeline`` looks them up — import, load corpus, embed
   (``get_embedder`` + ``encode``; the default model reads its weights on the first call, so
   model load is in this stage), cluster (fit + describe), select, translate (the shipped
   translation memory), whatever else ``summarize_folder`` does — then charts + report
   (``write_outputs``). The script checks that these runs chose the same summary as the
   command line did;
5. the default embedder against ``e5-small`` on the same sentences, the distinct texts of the
   segments the pipeline clusters: load seconds once, then encode seconds and sentences/second
   per repeat, cache off, each model in its own process.

The goals on 2 cores are a cold run within 1.5 s and 200 MB, a warm run within 0.8 s, and a
cold run no slower than sumy LexRank's process; the script prints whether the medians meet them. Inputs are the shipped files, so runs differ only
by timing noise; figures depend on the machine and on what else runs on it (the load average
is printed).

Usage: .venv/bin/python benchmarks/bench_pipeline.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _measure import loadavg

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
#: Goals on 2 cores: a cold run (no cached vectors) and a warm one (vectors cached).
COLD_S, COLD_MB, WARM_S = 1.5, 200, 0.8
#: sumy LexRank's whole process on the body sentences of the same articles (bench_scale's worker:
#: interpreter start, imports, loading the corpus, LexRank choosing six sentences).
LEXRANK = [sys.executable, str(Path(__file__).with_name("bench_scale.py")), "--worker", "lexrank", str(ARTICLES)]
RESULT = "RESULT "


def talkhis_command() -> list[str]:
    script = Path(sys.executable).with_name("talkhis")
    return [str(script)] if script.exists() else [sys.executable, "-m", "talkhis.cli"]


def offline_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
            **extra}


def timed_process(cmd: list[str], env: dict[str, str]) -> dict:
    """Run ``cmd`` to the end; its wall seconds, CPU seconds and peak RSS (MB) from ``wait4``."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode(errors="replace").strip().splitlines()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {tail[-1] if tail else ''}")
    peak = usage.ru_maxrss / 2**20 if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak}


def run_json(args: list[str]) -> dict:
    """Run this script in worker mode and return the JSON it prints."""
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=offline_env(),
                          cwd=ROOT)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT) :])
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    raise RuntimeError(f"worker {args} exited {proc.returncode}: {tail}")


# --------------------------------------------------------------------------------------------
# Workers (each in a fresh process)


def stages_worker(out: str) -> dict:
    """Time each stage of one real ``summarize_folder`` + ``write_outputs`` run.

    The stage functions that ``talkhis.pipeline`` calls are wrapped with timers in its
    namespace, so what is timed is the pipeline as it is, not a copy of it.
    """
    times: dict[str, float] = {}
    t = time.perf_counter()
    import talkhis.pipeline as pipeline
    from talkhis.report.write import write_outputs

    times["import"] = time.perf_counter() - t

    def timer(stage: str, fn):
        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                times[stage] = times.get(stage, 0.0) + time.perf_counter() - t

        return timed

    def patch(name: str, stage: str, method: str | None = None) -> None:
        """Time ``pipeline.<name>``, or the ``method`` of the object it returns, too."""
        if not hasattr(pipeline, name):
            raise RuntimeError(f"talkhis.pipeline no longer calls {name}; update bench_pipeline.py")
        original = getattr(pipeline, name)
        if method is None:
            setattr(pipeline, name, timer(stage, original))
            return

        def build(*args, **kwargs):
            obj = timer(stage, original)(*args, **kwargs)
            setattr(obj, method, timer(stage, getattr(obj, method)))
            return obj

        setattr(pipeline, name, build)

    patch("load_corpus", "load corpus")
    patch("get_embedder", "embed", "encode")
    patch("ContentClusterer", "cluster", "fit_predict")
    patch("describe_clusters", "cluster")
    patch("find_links", "links")
    patch("choose", "select")
    patch("get_translator", "translate", "translate")

    t = time.perf_counter()
    result = pipeline.summarize_folder(ARTICLES, pipeline.Options(cache=False))
    total = time.perf_counter() - t
    times = {name: times.get(name, 0.0) for name in ("import", "load corpus", "embed", "cluster", "links", "select", "translate")}
    times["other (in summarize_folder)"] = total - sum(v for k, v in times.items() if k != "import")
    t = time.perf_counter()
    write_outputs(result, out)
    times["charts + report"] = time.perf_counter() - t
    return {"times": times, "summary": [s.sentence.text for s in result.summary], "n_sentences": len(result.sentences)}


def embed_worker(spec: str, repeats: int) -> dict:
    """Load one embedder, then encode the pipeline's sentences ``repeats`` times, cache off."""
    from talkhis.corpus import load_corpus
    from talkhis.embed import get_embedder
    from talkhis.pipeline import clustered_sentences

    texts = list(dict.fromkeys(s.text for s in clustered_sentences(load_corpus(ARTICLES))))
    t = time.perf_counter()
    embedder = get_embedder(spec, cache=False)
    embedder.encode(texts[:1])
    load = time.perf_counter() - t
    encode = []
    for _ in range(repeats):
        t = time.perf_counter()
        embedder.encode(texts)
        encode.append(time.perf_counter() - t)
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"load": load, "encode": encode, "n": len(texts),
            "peak_mb": peak / 2**20 if sys.platform == "darwin" else peak / 1024}


# --------------------------------------------------------------------------------------------
# Driver


def spread(values: list[float], unit: str = "s", digits: int = 2) -> str:
    """``median (min–max)``, or the single value."""
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.{digits}f} {unit}"
    return f"{med:.{digits}f} {unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths))))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))


def cli_runs(cmd: list[str], env: dict[str, str], repeats: int) -> list[dict]:
    runs = []
    for _ in range(repeats):
        runs.append(timed_process(cmd, env))
        print(f"    {runs[-1]['wall']:.2f} s", flush=True)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat instead of three")
    parser.add_argument("--stages-worker", help=argparse.SUPPRESS)
    parser.add_argument("--embed-worker", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stages_worker:
        print(RESULT + json.dumps(stages_worker(args.stages_worker)), flush=True)
        return
    if args.embed_worker:
        print(RESULT + json.dumps(embed_worker(args.embed_worker, args.repeats)), flush=True)
        return

    repeats = 1 if args.quick else 3
    tmp = Path(tempfile.mkdtemp(prefix="talkhis-bench-"))
    print(f"bench_pipeline — {time.strftime('%Y-%m-%d %H:%M')}, {platform.node()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}; load average before: {loadavg()}")
    print(f"five seed articles in data/articles; {repeats} repeat(s) each; median (min–max)\n")
    try:
        cmd = [*talkhis_command(), "summarize", str(ARTICLES), "--out", str(tmp / "out")]
        model_env = offline_env(TALKHIS_CACHE_DIR=str(tmp / "model-cache"))
        print("  first run on a machine (--no-cache, nothing prepared: the USE copy is prepared during the run):", flush=True)
        first = cli_runs([*cmd, "--no-cache"], model_env, 1)
        print("  cold CLI runs (--no-cache; the prepared USE copy from the first run), each followed by a sumy LexRank "
              "process on the same articles:", flush=True)
        cold, lexrank = [], []
        for _ in range(repeats):
            cold += cli_runs([*cmd, "--no-cache"], model_env, 1)
            lexrank += cli_runs(LEXRANK, offline_env(), 1)
        cli_summary = [item["text"] for item in json.loads((tmp / "out" / "summary.json").read_text())["summary"]]
        warm_env = offline_env(TALKHIS_CACHE_DIR=str(tmp / "cache"))
        timed_process(cmd, warm_env)
        print("  warm CLI runs (embedding cache filled by one untimed run):", flush=True)
        warm = cli_runs(cmd, warm_env, repeats)
        print("  cold CLI runs with the static PNG charts (--no-cache --png):", flush=True)
        cold_png = cli_runs([*cmd, "--no-cache", "--png"], model_env, repeats)
        print("  stages:", flush=True)
        stages = []
        for i in range(repeats):
            stages.append(run_json(["--stages-worker", str(tmp / f"stages-{i}")]))
        print("  embedders:", flush=True)
        embedders = {name: run_json(["--embed-worker", spec, "--repeats", str(repeats)])
                     for name, spec in (("use (default)", "use"), ("e5-small", "e5-small"))}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("\nCommand line: talkhis summarize data/articles --out <tmp> [--no-cache]")
    rows = []
    for name, runs in (("first run on a machine", first), ("cold (--no-cache)", cold), ("warm (cache filled)", warm),
                       ("cold with PNG charts (--png)", cold_png), ("sumy LexRank process, same articles", lexrank)):
        rows.append((name, spread([r["wall"] for r in runs]), spread([r["cpu"] for r in runs]),
                     spread([r["peak_mb"] for r in runs], "MB", 0), f"{runs[0]['wall']:.2f} s"))
    table(("run", "wall", "CPU (user+sys)", "peak RSS", "first repeat"), rows)
    for label, runs, goal_s, goal_mb in (("cold", cold, COLD_S, COLD_MB), ("warm", warm, WARM_S, None)):
        med = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        peak = max(r["peak_mb"] for r in runs)
        ok = med <= goal_s and (goal_mb is None or peak <= goal_mb)
        print(f"goal {label}: <= {goal_s} s" + (f" and <= {goal_mb} MB" if goal_mb else "")
              + f" -> {'met' if ok else 'NOT met'} (median {med:.2f} s wall, {cpu:.2f} s CPU, peak {peak:.0f} MB)")

    ratio = statistics.median(c["wall"] / x["wall"] for c, x in zip(cold, lexrank))
    print(f"goal cold <= sumy LexRank in the same run: cold / LexRank = {ratio:.2f} (median of the paired runs) -> "
          f"{'met' if ratio <= 1 else 'NOT met'}")

    n = stages[0]["n_sentences"]
    print(f"\nStages in one process ({n} clustered segments, default embedder, cache off):")
    names = list(stages[0]["times"])
    totals = [sum(s["times"].values()) for s in stages]
    rows = [(name, spread([s["times"][name] for s in stages], digits=3),
             f"{statistics.median(s['times'][name] / t for s, t in zip(stages, totals)):.0%}") for name in names]
    rows.append(("total", spread(totals, digits=3), "100%"))
    table(("stage", "seconds", "share"), rows)
    same = all(s["summary"] == cli_summary for s in stages)
    print(f"the staged runs chose {'the same' if same else 'a DIFFERENT'} summary as the command line")

    n_texts = next(iter(embedders.values()))["n"]
    print(f"\nEmbedders on the same {n_texts} sentences (the distinct texts among the {n}; cache off, each in its own process):")
    rows = []
    for name, r in embedders.items():
        rows.append((name, f"{r['load']:.2f} s", spread(r["encode"]), spread([r["n"] / s for s in r["encode"]], "", 1),
                     f"{r['peak_mb']:.0f} MB"))
    table(("embedder", "load", "encode", "sentences/s", "peak RSS"), rows)
    print("  load = import + get_embedder + embedding one sentence")
    print(f"\nload average after: {loadavg()}")


if __name__ == "__main__":
    main()

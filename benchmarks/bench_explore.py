"""The explorer on the five seed articles: how long a change of threshold, budget or period takes.

For each embedder (``use`` and ``tfidf`` by default), in this process:

1. *embed once*: ``summarize_corpus(corpus, Options(embedder=..., cache=False))`` — the cost
   paid the first time the explorer shows an embedder (model load + encoding + the rest);
2. *re-run*: :func:`talkhis.explore.rerun` on the stored vectors for each setting of a fixed
   list (cluster thresholds 0.3-0.8, link thresholds 0.5 and 1.0, budgets of 3/9 sentences and
   60/120 words, each period),
   timed with ``time.perf_counter``, every setting repeated (5 times, once with ``--quick``);
3. *widget*: the same settings applied to an :class:`~talkhis.explore.Explorer` by setting its
   controls' values, so the figure also holds redrawing the summary, the cluster picker and the
   side-by-side articles (skipped when ipywidgets is not installed). A word budget is two
   changes, as in the notebook: the unit switches to words, then the slider moves.

Printed: median, minimum and maximum milliseconds over all settings and repeats, the slowest
setting, and whether the slowest single change stays under the one-second target. Inputs are
fixed (the shipped articles), so runs on one machine differ only by timing noise; the load
average is printed because the machine may be shared.

Usage: .venv/bin/python benchmarks/bench_explore.py [--quick] [--embedders use,tfidf]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from _measure import loadavg

from talkhis import load_corpus
from talkhis.explore import ALL_PERIODS, rerun
from talkhis.pipeline import Options, summarize_corpus
from talkhis.select import Budget

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"
TARGET_S = 1.0
SETTINGS = [
    *({"threshold": t} for t in (0.3, 0.4, 0.6, 0.7, 0.8)),
    *({"budget": Budget(sentences=k)} for k in (3, 9)),
    *({"budget": Budget(sentences=None, words=w)} for w in (60, 120)),
    {"period": "2021-07"}, {"period": "2024-01"}, {"period": ALL_PERIODS},
    {"link_threshold": 0.5}, {"link_threshold": 1.0},
]


def _name(setting: dict) -> str:
    (key, value), = setting.items()
    if isinstance(value, Budget):
        return f"budget {value.words} words" if value.words else f"budget {value.sentences} sentences"
    return f"{key} {value}"


def _row(label: str, times: dict[str, list[float]]) -> str:
    flat = [t for ts in times.values() for t in ts]
    slowest = max(times, key=lambda k: max(times[k]))
    ms = [1000 * t for t in flat]
    verdict = "yes" if max(flat) < TARGET_S else "NO"
    return (f"| {label} | {statistics.median(ms):.0f} | {min(ms):.0f} | {max(ms):.0f} | {slowest} | {verdict} |")


def _time_reruns(base, repeats: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for setting in SETTINGS:
        for _ in range(repeats):
            start = time.perf_counter()
            rerun(base, **setting)
            times.setdefault(_name(setting), []).append(time.perf_counter() - start)
    return times


def _time_widget(base, repeats: int) -> dict[str, list[float]] | None:
    try:
        from talkhis.explore import Explorer
    except ImportError:
        return None
    try:
        explorer = Explorer(base, embedders=[base.options.embedder])
    except ImportError:
        return None
    control = {"threshold": explorer.threshold, "period": explorer.period, "link_threshold": explorer.link_threshold}
    times: dict[str, list[float]] = {}
    for setting in SETTINGS:
        for _ in range(repeats):
            (key, value), = setting.items()
            # Start from the default view (for "period all", from one period), so each timed
            # step is a real change.
            explorer.threshold.value, explorer.unit.value, explorer.sentences.value = 0.5, "sentences", 6
            explorer.link_threshold.value = base.options.link_threshold
            explorer.period.value = "2021-07" if value == ALL_PERIODS else ALL_PERIODS
            start = time.perf_counter()
            if isinstance(value, Budget) and value.words:
                explorer.unit.value = "words"
                explorer.words.value = value.words
            elif isinstance(value, Budget):
                explorer.sentences.value = value.sentences
            else:
                control[key].value = value
            times.setdefault(_name(setting), []).append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat per setting instead of five")
    parser.add_argument("--embedders", default="use,tfidf", help="comma-separated embedder specs")
    args = parser.parse_args()
    repeats = 1 if args.quick else 5
    corpus = load_corpus(ARTICLES)
    print(f"explorer on {len(corpus.articles)} seed articles; {len(SETTINGS)} settings x {repeats} repeats; "
          f"load average {loadavg()}")
    print("\n| embedder | embed once (s) | sentences | clusters at 0.5 |\n|---|---|---|---|")
    bases = {}
    for spec in args.embedders.split(","):
        start = time.perf_counter()
        bases[spec] = summarize_corpus(corpus, Options(embedder=spec, cache=False))
        print(f"| {spec} | {time.perf_counter() - start:.2f} | {len(bases[spec].sentences)} | {len(bases[spec].clusters)} |")
    print(f"\n| what changes | median ms | min ms | max ms | slowest setting | every change < {TARGET_S:.0f} s |")
    print("|---|---|---|---|---|---|")
    for spec, base in bases.items():
        print(_row(f"rerun, {spec}", _time_reruns(base, repeats)))
        widget = _time_widget(base, repeats)
        if widget is not None:
            print(_row(f"widget (rerun + redraw), {spec}", widget))
        else:
            print(f"| widget, {spec} | ipywidgets not installed | | | | |")


if __name__ == "__main__":
    main()

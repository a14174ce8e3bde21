"""``talkhis stories``: group an archive into stories, summarise each story of two or more
distinct articles exactly as ``talkhis summarize`` would summarise a folder holding only its
articles, and write ``stories.json``, one folder per summarised story and ``index.html``.

Everything lands in the output folder whole or not at all (:func:`talkhis.outdir.output_dir`).
Per-story work runs in this process or as Dask tasks (:mod:`talkhis.stories.execute`); each
task returns its files' bytes, which are written here, so a cluster's workers need no shared
disk and the outputs are the same for any number of workers.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._version import __version__
from ..align.periods import period_order, periods
from ..corpus import Article, Corpus, load_corpus
from ..corpus.dates import as_date
from ..errors import InputError
from ..pipeline import Options
from ..progress import progress
from ..report.outdir import output_dir
from . import group as grouping
from . import vectors
from .cache import previous_stories, reuse, story_key
from .execute import Runner
from .index import FirstLine, index_html

__all__ = ["StoriesResult", "run_stories", "summarise_story", "grouping_config"]

#: Texts embedded per task when the leads are embedded in partitions.
EMBED_CHUNK = 4096
_TITLE_CHARS = 160


@dataclass
class StoriesResult:
    """What a run wrote: the story records of ``stories.json`` (largest first), how many
    stories were summarised afresh and how many were reused from the previous run."""

    out: Path
    stories: list[dict]
    corpus: Corpus
    summarised: int
    reused: int
    notes: list[str]


@dataclass(frozen=True)
class _Embed:
    spec: str
    cache: bool

    def __call__(self, texts: list[str]) -> np.ndarray:
        from ..embed import get_embedder

        return get_embedder(self.spec, cache=self.cache).encode(texts)


@dataclass(frozen=True)
class _Story:
    articles: tuple[Article, ...]
    options: Options


def summarise_story(task: _Story) -> dict[str, bytes]:
    """The files ``talkhis summarize`` writes for a folder of only ``task.articles`` (its
    marker included), by name; empty when nothing is long enough to summarise."""
    from ..pipeline import summarize_corpus
    from ..report.write import write_outputs

    fresh = [dataclasses.replace(a, duplicate_of=None) for a in task.articles]
    result = summarize_corpus(Corpus.from_articles(fresh), task.options)
    if not result.summary:
        return {}
    with tempfile.TemporaryDirectory(prefix="talkhis-story-") as tmp:
        folder = write_outputs(result, Path(tmp) / "story")
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def grouping_config() -> dict:
    """The grouping's settings, recorded in ``stories.json``."""
    return {"lead_weight": grouping.LEAD_WEIGHT, "text_min": grouping.TEXT_MIN, "threshold": grouping.THRESHOLD, "alone": grouping.ALONE,
            "facts": grouping.FACTS, "far_days": grouping.FAR_DAYS,
            "far_facts": grouping.FAR_FACTS, "neighbours": vectors.NEIGHBOURS,
            "lead_sentences": vectors.LEAD_SENTENCES}


def _title(articles: Sequence[Article]) -> str:
    first = sorted(articles, key=lambda a: (as_date(a.date) is None, as_date(a.date) or 0, a.id))
    for a in first:
        if a.title:
            return a.title
    text = next((t for a in first for t in vectors.body_texts(a)), "")
    return text if len(text) <= _TITLE_CHARS else text[:_TITLE_CHARS].rsplit(" ", 1)[0] + " …"


def _record(corpus: Corpus, ids: list[str]) -> dict:
    articles = [corpus.article(i) for i in ids]
    period_of = periods(articles)
    dated = sorted(d for a in articles if (d := as_date(a.date)))
    return {"id": f"story-{ids[0]}", "folder": None, "articles": ids, "title": _title(articles),
            "periods": period_order(period_of), "outlets": sorted({a.outlet for a in articles if a.outlet}),
            "size": len(ids), "_first": dated[0].isoformat() if dated else None,
            "_distinct": sum(1 for a in articles if not a.duplicate_of)}


def _order(record: dict) -> tuple:
    return (-record["size"], record["_first"] is None, record["_first"] or "", record["id"])


def _first_line(folder: Path) -> FirstLine | None:
    data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return (data["summary"][0]["text"], data["summary"][0]["translation"]) if data.get("summary") else None


def run_stories(folder: str | Path, out: str | Path = "stories", options: Options = Options(), *,
                workers: int | None = None, scheduler: str | None = None, force: bool = False,
                quiet: bool = False) -> StoriesResult:
    """Group the articles of ``folder`` into stories and write them to ``out`` (module
    docstring). ``workers`` starts a Dask ``LocalCluster`` of that many processes,
    ``scheduler`` uses the Dask cluster at that address; neither runs everything here.

    Raises:
        InputError: the folder cannot be read, ``out`` is the input folder or may not be written.
        MissingDependency: a cluster was asked for and ``dask.distributed`` is not installed.
    """
    corpus = load_corpus(folder, language=options.language, max_bytes=options.max_bytes, strict=options.strict)
    if Path(out).resolve() == Path(folder).resolve():
        raise InputError(f"{out}: is the input folder; choose another output folder")
    previous = previous_stories(out)
    summary_config = {k: v for k, v in dataclasses.asdict(options).items() if k != "cache"}
    config = {**summary_config, "grouping": grouping_config(), "talkhis_version": __version__}
    made = reused = 0
    notes: list[str] = []
    with output_dir(out, force=force) as tmp, Runner(workers, scheduler, quiet=quiet) as runner:
        embed = _Embed(options.embedder, options.cache)

        def lead_vectors(texts: list[str]) -> np.ndarray:  # embedded in partitions of a fixed size
            chunks = [texts[s : s + EMBED_CHUNK] for s in range(0, len(texts), EMBED_CHUNK)]
            return np.vstack(runner.map(embed, chunks)) if chunks else np.zeros((0, 1), dtype=np.float32)

        groups = grouping.group_articles(corpus, lead_vectors, embedder=options.embedder, cache=options.cache,
                                         map_fn=runner.map)
        records = sorted((_record(corpus, ids) for ids in groups), key=_order)
        todo = []
        for r in records:
            if r["_distinct"] < 2:
                continue
            articles = [corpus.article(i) for i in r["articles"]]
            r["key"] = story_key(articles, {**summary_config, "talkhis_version": __version__})
            if r["key"] in previous and reuse(previous[r["key"]], tmp / r["id"]):
                r["folder"] = r["id"]
                reused += 1
            else:
                todo.append(r)
        tasks = [_Story(tuple(corpus.article(i) for i in r["articles"]), options) for r in todo]
        with progress(len(tasks), "stories", unit="story") as bar:
            for k, files in runner.completed(summarise_story, tasks):
                r = todo[k]
                if files:
                    (tmp / r["id"]).mkdir()
                    for name, data in files.items():
                        (tmp / r["id"] / name).write_bytes(data)
                    r["folder"] = r["id"]
                    made += 1
                else:
                    del r["key"]
                    notes.append(f"{r['id']}: no sentence long enough to summarise; listed without a summary")
                bar.update()
        firsts = {r["id"]: line for r in records if r["folder"] and (line := _first_line(tmp / r["folder"]))}
        for r in records:
            del r["_first"], r["_distinct"]
        data = {"stories": records, "config": config}
        (tmp / "stories.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (tmp / "index.html").write_text(index_html(records, firsts, config), encoding="utf-8")
    return StoriesResult(Path(out), records, corpus, made, reused, notes)

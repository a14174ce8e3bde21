"""The command line's argument parser: one sub-command per job, the summary options shared by
``summarize`` and ``stories``."""

from __future__ import annotations

import argparse

from .._version import __version__

__all__ = ["build_parser"]


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {n}")
    return n


def _number_in(low: float, high: float, *, low_open: bool = False):
    """An argparse type: a number in ``[low, high]`` (``(low, high]`` with ``low_open``)."""

    def parse(value: str) -> float:
        try:
            x = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None
        if not (low < x <= high if low_open else low <= x <= high):
            raise argparse.ArgumentTypeError(
                f"expected a number {'greater than' if low_open else 'from'} {low:g} {'and at most' if low_open else 'to'} {high:g}, got {value}"
            )
        return x

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(prog="talkhis", description="Extractive Arabic multi-document summaries with sources, translations and coverage charts.")
    parser.add_argument("--version", action="version", version=f"talkhis {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    s = sub.add_parser("summarize", help="summarise a folder of Arabic .txt articles")
    s.add_argument("folder", help="folder holding the articles (.txt; UTF-8, UTF-16 or Windows-1256)")
    s.add_argument("--out", default="outputs", help="output folder (default: outputs); a folder talkhis wrote before is replaced, any other non-empty folder is refused")
    _add_summary_options(s)
    s.add_argument("--png", action="store_true",
                   help="also write the charts as static PNG images (report.html has them as interactive views)")

    t = sub.add_parser("stories", help="group an archive of Arabic .txt articles into stories and summarise each")
    t.add_argument("folder", help="folder holding the articles (.txt; UTF-8, UTF-16 or Windows-1256)")
    t.add_argument("--out", default="stories", help="output folder (default: stories); a folder talkhis wrote before is replaced (its stories reused where unchanged), any other non-empty folder is refused")
    where = t.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_positive, help="start a Dask LocalCluster of this many worker processes (needs the dask extra)")
    where.add_argument("--scheduler", help="address of an existing Dask scheduler to run the stories on, e.g. tcp://host:8786")
    _add_summary_options(t)

    e = sub.add_parser("evaluate", help="score summarisers against human summaries (EASC or MultiLing JSONL)")
    e.add_argument("file", help="JSONL file: EASC records {id, article, references[, title]} or MultiLing topics {topic, documents, models[, systems_2011]}")
    e.add_argument("--out", default="evaluation", help="output folder (default: evaluation); a folder talkhis wrote before is replaced, any other non-empty folder is refused")
    e.add_argument("--force", action="store_true", help="write into a non-empty folder talkhis did not write, beside its files (never over them)")
    e.add_argument("--systems", help="EASC only: comma-separated systems to compare (default: talkhis,talkhis-shipped,lead,lexrank,textrank,centroid,random)")
    e.add_argument("--embedder", default="use", help="embedding backend of the talkhis rows")
    e.add_argument("--cv", type=int, default=5, help="EASC only: score talkhis with K-fold cross-validation of its salience model (default 5; 0: the shipped model only)")
    e.add_argument("--seed", type=int, default=0, help="seed of the random baseline, the bootstrap and the cross-validation folds")

    _add_models_parser(sub)
    _add_translations_parser(sub)
    _add_cache_parser(sub)
    return parser


def _add_summary_options(parser: argparse.ArgumentParser) -> None:
    """The options that shape a summary, shared by ``summarize`` and ``stories``."""
    from ..align.cluster import METHODS
    from ..corpus.read import MAX_BYTES
    from ..embed import available_embedders

    parser.add_argument("--force", action="store_true", help="write into a non-empty folder talkhis did not write, beside its files (never over them)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--sentences", type=_positive, help="summary length in sentences (default 6)")
    size.add_argument("--words", type=_positive, help="summary length in words")
    parser.add_argument("--embedder", default="use", help=f"embedding backend: {', '.join(available_embedders())} (model backends as NAME:<model-or-path>)")
    _add_translation_options(parser)
    parser.add_argument("--cluster", default="agglomerative", choices=METHODS, help="clustering method")
    parser.add_argument("--threshold", type=_number_in(0, 2), default=0.5, help="cosine distance at which clusters stop merging (default 0.5)")
    parser.add_argument("--link-threshold", type=_number_in(0, 1), default=None,
                   help="probability a pair of sentences needs to be cited as the same fact (default: the shipped "
                        "link model's threshold; higher: fewer, surer sources)")
    parser.add_argument("--max-mb", type=_number_in(0, 1e6, low_open=True), default=MAX_BYTES / 1e6, help=f"largest article accepted, in MB (default {MAX_BYTES / 1e6:g})")
    parser.add_argument("--strict", action="store_true", help="stop at the first unusable file instead of skipping it")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")
    parser.add_argument("--seed", type=int, default=0, help="random seed (nearest-neighbour search on large inputs)")
    parser.add_argument("--quiet", action="store_true", help="print only warnings and errors")



def _add_cache_parser(sub) -> None:
    from ..report.cachedir import KINDS

    c = sub.add_parser("cache", help="show where the cache folder is, its size and entries per kind; or clear it")
    csub = c.add_subparsers(dest="cache_command")
    clear = csub.add_parser("clear", help="remove the cache's entries (asks nothing; prints what it removed)")
    clear.add_argument("--kind", action="append", choices=KINDS, help="only this kind (repeatable; default: all)")


def _add_translation_options(parser: argparse.ArgumentParser) -> None:
    """``--translator`` and ``--device`` for a sub-command that translates."""
    from ..translate import DEVICES, available_translators

    parser.add_argument("--translator", default="reference",
                        help=f"translation backend: {', '.join(available_translators())} (chain with '+', e.g. "
                             "reference:todo.tsv+reference or reference+opus-mt; see docs/translation.md)")
    parser.add_argument("--device", default="auto", choices=DEVICES,
                        help="where a translation model runs (default auto: the GPU when there is one)")


def _add_models_parser(sub) -> None:
    m = sub.add_parser("models", help="list the models talkhis knows by name, or fetch one into the Hugging Face cache")
    msub = m.add_subparsers(dest="models_command")
    msub.add_parser("list", help="list known embedders and translators and whether each is cached (the default)")
    f = msub.add_parser("fetch", help="download a model into the Hugging Face cache")
    f.add_argument("name", help="a name from 'talkhis models' (opus-mt, nllb, minilm) or a hub id such as org/name")


def _add_translations_parser(sub) -> None:
    t = sub.add_parser("translations", help="human translations: export what no backend covers, check a filled-in file")
    tsub = t.add_subparsers(dest="translations_command", required=True)
    x = tsub.add_parser("export", help="write the segments of a folder that no backend translates, for a person to fill in")
    x.add_argument("folder", help="folder holding the articles")
    x.add_argument("--out", default="todo.tsv", help="file to write (default todo.tsv; never replaced without --force)")
    x.add_argument("--translator", default="reference", help="backends whose translations count as done (default reference)")
    x.add_argument("--force", action="store_true", help="replace --out if it exists")
    c = tsub.add_parser("check", help="check a filled-in file as --translator reference:FILE will")
    c.add_argument("file", help="the filled-in TSV")
    c.add_argument("--folder", help="the articles folder it was exported from (checks the article ids)")
    k = tsub.add_parser("calibrate", help="measure the adequacy score on the shipped translation memory")
    k.add_argument("--out", help="also write the figures as JSON to this file")

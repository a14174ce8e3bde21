"""A quality signal for translations: does the English say what the Arabic says?

The score is the cosine similarity of the Arabic and the English under the multilingual
embedder ``use`` (Universal Sentence Encoder multilingual maps both languages into one space).
It is calibrated on the shipped translation memory: its faithful pairs (each Arabic segment with
its own reviewed English) against shuffled pairs (each Arabic segment with every other segment's
English, all from the same story, so near-paraphrases are among them). The cut is the lowest
score, on a grid of 0.01, that rejects at least 99% of the shuffled pairs; the figures ship as
package data (``data/translations/adequacy-calibration.json``) and
``talkhis translations calibrate`` measures them again.

Scores are stored rounded to two decimals and the below-cut decision is made on those
quantised values, so it does not depend on the last float digits of a CPU or BLAS kernel.
A low score is a warning, not a verdict: it says a person should read that line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from importlib import resources

import numpy as np

from ..stable import qkey, quantize
from .base import Translation

__all__ = [
    "Calibration",
    "AdequacyScorer",
    "SCORER",
    "calibrate",
    "calibration_json",
    "load_calibration",
    "passes",
    "rounded",
    "adequacy_fields",
    "adequacy_label",
    "adequacy_warning",
]

#: The embedder that scores adequacy.
SCORER = "use"
#: Scores are compared on this grid.
STEP = 0.01
#: Share of shuffled pairs the cut must reject.
TARGET_REJECT = 0.99
CALIBRATION_RESOURCE = ("data", "translations", "adequacy-calibration.json")


@dataclass(frozen=True)
class Calibration:
    """Where faithful and shuffled pairs score, and the cut chosen between them."""

    scorer: str
    cut: float
    target_reject: float
    faithful: dict[str, float]
    shuffled: dict[str, float]
    faithful_pass: float
    shuffled_reject: float
    pairs: str


def rounded(score: float) -> float:
    """``score`` on the 0.01 grid, as stored in a :class:`Translation`."""
    return qkey(score, STEP) / round(1 / STEP)


def passes(score: float, cut: float) -> bool:
    """Whether ``score`` reaches ``cut``, compared as whole numbers of hundredths."""
    return qkey(score, STEP) >= qkey(cut, STEP)


def _summary(x: np.ndarray) -> dict[str, float]:
    names = {"min": 0.0, "p01": 0.01, "p05": 0.05, "median": 0.5, "p95": 0.95, "p99": 0.99, "max": 1.0}
    return {"n": int(x.size), **{k: round(float(np.quantile(x, q)), 3) for k, q in names.items()}}


def calibrate(arabic: Sequence[str], english: Sequence[str], embedder=None, *, target_reject: float = TARGET_REJECT,
              pairs: str = "") -> Calibration:
    """Measure faithful pairs ``(arabic[i], english[i])`` against every mismatched pair
    ``(arabic[i], english[j]), i != j`` and choose the lowest grid cut that rejects at least
    ``target_reject`` of the mismatched ones."""
    if len(arabic) != len(english) or len(arabic) < 3:
        raise ValueError("calibration needs at least three aligned pairs")
    embedder = embedder or _use()
    sim = embedder.encode(list(arabic)) @ embedder.encode(list(english)).T
    off_diagonal = ~np.eye(len(arabic), dtype=bool)
    faithful, shuffled = np.diag(sim), sim[off_diagonal]
    q_shuffled = quantize(shuffled, STEP)
    cut_q = next(c for c in range(int(q_shuffled.min()), int(q_shuffled.max()) + 2)
                 if np.mean(q_shuffled < c) >= target_reject)
    cut = cut_q / round(1 / STEP)
    return Calibration(
        scorer=getattr(embedder, "name", SCORER),
        cut=cut,
        target_reject=target_reject,
        faithful=_summary(faithful),
        shuffled=_summary(shuffled),
        faithful_pass=round(float(np.mean(quantize(faithful, STEP) >= cut_q)), 4),
        shuffled_reject=round(float(np.mean(q_shuffled < cut_q)), 4),
        pairs=pairs,
    )


def calibration_json(calibration: Calibration) -> str:
    """``calibration`` as the JSON text stored as package data."""
    return json.dumps(asdict(calibration), indent=2, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def load_calibration() -> Calibration:
    """The calibration shipped as package data."""
    resource = resources.files("talkhis").joinpath(*CALIBRATION_RESOURCE)
    return Calibration(**json.loads(resource.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _use():
    from ..embed import get_embedder

    return get_embedder(SCORER, cache=False)


class AdequacyScorer:
    """Scores Arabic–English pairs and marks the translations that fall below the cut."""

    def __init__(self, embedder=None, calibration: Calibration | None = None) -> None:
        self._embedder = embedder
        self.calibration = calibration or load_calibration()

    @property
    def cut(self) -> float:
        return self.calibration.cut

    def scores(self, arabic: Sequence[str], english: Sequence[str]) -> list[float]:
        """The adequacy of each pair, rounded to the grid."""
        if len(arabic) != len(english):
            raise ValueError("arabic and english differ in length")
        if not arabic:
            return []
        embedder = self._embedder or _use()
        a, e = embedder.encode(list(arabic)), embedder.encode(list(english))
        return [rounded(x) for x in np.einsum("ij,ij->i", a, e)]

    def attach(self, arabic: Sequence[str], translations: Sequence[Translation]) -> list[Translation]:
        """``translations`` with ``adequacy`` and ``adequacy_ok`` filled in where there is English."""
        done = [i for i, t in enumerate(translations) if t.ok]
        scored = self.scores([arabic[i] for i in done], [translations[i].text for i in done])
        out = list(translations)
        for i, score in zip(done, scored):
            out[i] = replace(out[i], adequacy=score, adequacy_ok=passes(score, self.cut))
        return out


def adequacy_fields(t: Translation) -> dict:
    """The adequacy of ``t`` as ``summary.json`` fields."""
    return {"translation_adequacy": t.adequacy, "translation_adequacy_ok": t.adequacy_ok}


def adequacy_label(item: dict) -> str:
    """Where a summary item's English came from, with its adequacy when it was scored,
    e.g. ``model:opus-mt, adequacy 0.74``."""
    score = item.get("translation_adequacy")
    return item["translation_source"] + (f", adequacy {score:.2f}" if score is not None else "")


def adequacy_warning(item: dict) -> str | None:
    """A warning for a summary item whose English scored below the cut, else ``None``."""
    if item.get("translation_adequacy_ok") is not False:
        return None
    return (f"low adequacy ({item['translation_adequacy']:.2f}, cut {load_calibration().cut:.2f}): this English "
            "may not say what the Arabic says; have it checked before use")

"""Stable keys for discrete decisions made on floating-point scores.

The last digits of a similarity depend on the CPU, the BLAS kernel and the thread count, so two
scores that are equal in exact arithmetic (the two members of a pair, a sentence and its copy)
can come out in either order on different machines. Every choice talkhis makes on a score
(argmax, sort, tie-break) therefore compares *quantised* scores, integers on a grid of
:data:`STEP`, and breaks the remaining ties with an explicit secondary key such as the article id
and sentence index. Scores closer than one step count as equal, which is far above float noise
(about 1e-7) and far below any difference that means something.
"""

from __future__ import annotations

import numpy as np

__all__ = ["STEP", "quantize", "qkey", "argmax_stable"]

#: Grid on which scores are compared.
STEP = 1e-4


def quantize(values, step: float = STEP) -> np.ndarray:
    """``values`` as integers on a grid of ``step`` (rounded to the nearest grid point)."""
    return np.rint(np.asarray(values, dtype=np.float64) / step).astype(np.int64)


def qkey(value: float, step: float = STEP) -> int:
    """One score as an integer on the grid, for use inside sort keys."""
    return int(round(float(value) / step))


def argmax_stable(values, step: float = STEP) -> int:
    """Index of the largest value on the grid; ties go to the lowest index."""
    q = quantize(values, step)
    return int(np.flatnonzero(q == q.max())[0])

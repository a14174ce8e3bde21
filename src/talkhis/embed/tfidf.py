"""The no-model baseline: character n-gram TF-IDF over normalised Arabic."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..corpus.lang import normalize_arabic
from ..errors import UnknownBackend
from .base import normalise_rows

__all__ = ["CharTfidfEmbedder"]


class CharTfidfEmbedder:
    """Character 2–4-gram TF-IDF over normalised Arabic, hashed to a fixed width.

    It knows no meaning, only shared spelling: a baseline that shows what a real encoder adds.
    """

    cacheable = False

    def __init__(self, arg: str | None = None, *, n_features: int = 2048) -> None:
        if arg:
            raise UnknownBackend(f"the 'tfidf' embedder takes no model argument (got {arg!r})")
        self.name = "tfidf"
        self.n_features = n_features

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

        if not sentences:
            return np.zeros((0, self.n_features), dtype=np.float32)
        hashed = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 4),
            n_features=self.n_features,
            preprocessor=normalize_arabic,
            alternate_sign=False,
            norm=None,
        ).transform(sentences)
        weighted = TfidfTransformer(sublinear_tf=True).fit_transform(hashed)
        return normalise_rows(weighted.toarray())

"""The whole pipeline in one call: corpus → sentences → embeddings → clusters → summary →
translation. Notebooks and the command line both go through :func:`summarize_folder` or
:func:`summarize_corpus`, so they always agree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ._version import __version__
from .align import Cluster, ContentClusterer, Links, find_links
from .align.cluster import describe_clusters
from .align.links import THRESHOLD as LINK_THRESHOLD
from .corpus import HEADING, TITLE, Corpus, Sentence, load_corpus
from .corpus.read import MAX_BYTES
from .embed import get_embedder
from .select import Budget, Selected, Selection, choose
from .select.notes import selection_notes
from .translate import Translation, Translator, get_translator

__all__ = ["Options", "Result", "summarize_folder", "summarize_corpus", "summarize_vectors", "clustered_sentences"]


@dataclass(frozen=True)
class Options:
    """Every choice a run makes; recorded whole in ``summary.json``."""

    embedder: str = "use"
    translator: str = "reference"
    cluster_method: str = "agglomerative"
    threshold: float = 0.5
    link_threshold: float = LINK_THRESHOLD
    sentences: int | None = 6
    words: int | None = None
    #: Let the last sentence run past a word budget, for a reader who cuts the summary there
    #: (the MultiLing evaluation, as for its lead baselines).
    overflow: bool = False
    language: str = "ar"
    max_bytes: int = MAX_BYTES
    strict: bool = False
    cache: bool = True
    seed: int = 0
    device: str = "auto"

    def budget(self) -> Budget:
        if self.words:
            return Budget(sentences=None, words=self.words, overflow=self.overflow)
        return Budget(sentences=self.sentences)


@dataclass
class Result:
    """Everything a run produced, for reports, charts and notebooks."""

    corpus: Corpus
    options: Options
    sentences: list[Sentence]
    vectors: np.ndarray
    labels: np.ndarray
    clusters: list[Cluster]
    summary: list[Selected]
    translations: list[Translation]
    embedder: str
    translator: str
    periods: dict[str, str] = field(default_factory=dict)
    #: Every clustered sentence's score and the reason it was or was not chosen.
    selection: Selection | None = None
    #: Warnings about the summary (see :func:`talkhis.select.notes.selection_notes`).
    notes: list[str] = field(default_factory=list)
    #: The same-fact links between sentences of different articles that summary sentences cite.
    links: Links | None = None

    @property
    def n_stories(self) -> int:
        return len(set(self.corpus.story_map().values()))

    def config(self) -> dict:
        """Every option that shapes the result (the cache only saves time, so it is left out:
        a run with and without it writes the same bytes)."""
        options = {k: v for k, v in asdict(self.options).items() if k != "cache"}
        return {**options, "embedder_backend": self.embedder, "translator_backend": self.translator,
                "talkhis_version": __version__}


def clustered_sentences(corpus: Corpus) -> list[Sentence]:
    """The segments that carry content: every sentence and fragment, no headings or titles."""
    return [s for s in corpus.sentences if s.kind not in (HEADING, TITLE)]


def summarize_corpus(corpus: Corpus, options: Options = Options()) -> Result:
    """Embed, cluster, select and translate for an already loaded corpus."""
    # The translator comes first so that a model it cannot find fails before any work is done.
    translator = get_translator(options.translator, device=options.device, articles=[a.id for a in corpus.articles])
    sentences = clustered_sentences(corpus)
    embedder = get_embedder(options.embedder, cache=options.cache)
    # Each distinct text is embedded once, so the sentences of a copied article get exactly the
    # vectors of the sentences they copy (and TF-IDF weights are not skewed by the copy).
    texts = list(dict.fromkeys(s.text for s in sentences))
    row = {t: i for i, t in enumerate(texts)}
    vectors = embedder.encode(texts)[[row[s.text] for s in sentences]]
    return summarize_vectors(corpus, sentences, vectors, options, translator, embedder.name)


def summarize_vectors(corpus: Corpus, sentences: list[Sentence], vectors: np.ndarray, options: Options,
                      translator: Translator, embedder: str) -> Result:
    """Everything after embedding: cluster, link, select and translate ``sentences`` of
    ``corpus`` with their ``vectors`` (one unit row each). The explorer calls this to re-run a
    summary with other options without embedding again."""
    clusterer = ContentClusterer(options.cluster_method, threshold=options.threshold, random_state=options.seed)
    labels = clusterer.fit_predict(vectors)
    clusters = describe_clusters(labels, vectors, sentences, corpus)
    # Clusters (topics) weigh how widely something is reported; a summary sentence cites only
    # the sentences linked to it as the same fact.
    links = find_links(sentences, vectors, corpus, threshold=options.link_threshold)
    selection = choose(corpus, sentences, vectors, clusters, options.budget(), citations=links)
    notes = selection_notes(corpus, sentences, clusters, selection, options.budget(), threshold=options.threshold)
    translations = translator.translate([s.sentence.text for s in selection.summary])
    return Result(corpus, options, sentences, vectors, labels, clusters, selection.summary, translations,
                  embedder, translator.name, selection.period_of, selection, notes, links)


def summarize_folder(folder: str | Path, options: Options = Options()) -> Result:
    """Load the ``.txt`` articles of ``folder`` and summarise them (see :func:`summarize_corpus`)."""
    corpus = load_corpus(folder, language=options.language, max_bytes=options.max_bytes, strict=options.strict)
    return summarize_corpus(corpus, options)

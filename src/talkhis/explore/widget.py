"""The explorer widget: ipywidgets controls over :mod:`.rerun` and :mod:`.views`."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from ..errors import MissingDependency, TalkhisError
from ..pipeline import Result, summarize_corpus
from ..select import Budget
from .rerun import ALL_PERIODS, cluster_choices, count_of, embedder_choices, period_choices, rerun, translator_for
from .views import articles_html, highlighted, summary_html, summary_rows

__all__ = ["Explorer", "DESCRIPTION_WIDTH", "SLIDER_MAX_WIDTH"]

#: Width of the sliders' labels; the track and the readout share the rest of the row.
DESCRIPTION_WIDTH = "6em"
#: The widest a slider grows in a wide notebook.
SLIDER_MAX_WIDTH = "44em"


def _widgets() -> Any:
    try:
        import ipywidgets
    except ImportError:
        raise MissingDependency("the explorer needs ipywidgets: pip install 'talkhis[notebooks]'") from None
    return ipywidgets


class Explorer:
    """Controls and views over one corpus; ``widget`` is what a notebook displays.

    The controls (``embedder``, ``threshold``, ``link_threshold``, ``unit``, ``sentences``,
    ``words``, ``period``, ``cluster``) are ipywidgets; setting their ``value`` from code updates
    the views exactly as a click does. What is shown is kept in plain attributes too: ``result``
    (the current run), ``rows`` (:class:`SummaryRow` list), ``marks`` (:func:`highlighted`) and
    ``message``.

    Args:
        result: a finished run; its options set the controls' starting values.
        embedders: specs the embedder picker offers (default: :func:`embedder_choices`, plus
            the run's own embedder).
    """

    def __init__(self, result: Result, *, embedders: Sequence[str] | None = None) -> None:
        w = _widgets()
        options = result.options
        self._bases: dict[str, Result] = {options.embedder: result}
        self._translator = translator_for(result)
        self._busy = False
        self._shown = options.embedder
        self.message = ""
        choices = list(dict.fromkeys([*(embedders or embedder_choices()), options.embedder]))
        budget = options.budget()
        # Short labels in a fixed column and a track that takes the rest of the row, whatever the
        # notebook's width; the long explanation is the tooltip.
        def slider() -> dict:  # a Layout of its own per slider: the budget sliders are hidden one at a time
            return {"continuous_update": False, "style": {"description_width": DESCRIPTION_WIDTH},
                    "layout": w.Layout(width="100%", max_width=SLIDER_MAX_WIDTH)}

        self.embedder = w.Dropdown(options=choices, value=options.embedder, description="embedder")
        self.threshold = w.FloatSlider(value=options.threshold, min=0.05, max=1.0, step=0.05, description="clusters",
                                       tooltip="cluster threshold: cosine distance at which sentences stop joining a "
                                               "content cluster", readout_format=".2f", **slider())
        self.link_threshold = w.FloatSlider(value=options.link_threshold, min=0.05, max=0.95, step=0.05,
                                            readout_format=".2f", description="same fact",
                                            tooltip="same-fact link threshold: the probability a pair of sentences "
                                                    "needs to count as the same fact", **slider())
        self.unit = w.ToggleButtons(options=["sentences", "words"], value="words" if budget.words else "sentences",
                                    description="budget in")
        self.sentences = w.IntSlider(value=budget.sentences or 6, min=1, max=15, description="sentences",
                                     tooltip="summary length in sentences", **slider())
        self.words = w.IntSlider(value=budget.words or 120, min=20, max=400, step=10, description="words",
                                 tooltip="summary length in words", **slider())
        self.period = w.Dropdown(options=period_choices(result), value=ALL_PERIODS, description="period")
        self.cluster = w.Dropdown(options=[], description="cluster", layout=w.Layout(width="95%"))
        self.status = w.HTML()
        self.summary_view = w.HTML()
        self.articles_view = w.HTML()
        for control in (self.embedder, self.threshold, self.link_threshold, self.unit, self.sentences, self.words,
                        self.period):
            control.observe(self._changed, names="value")
        self.cluster.observe(self._picked, names="value")
        self.widget = w.VBox([
            w.HBox([self.embedder, self.period]), self.threshold, self.link_threshold, self.unit, self.sentences,
            self.words, self.status, self.summary_view, self.cluster, self.articles_view,
        ])
        self.widget.add_class("tk-explorer")
        self.update()

    # -- state

    def budget(self) -> Budget:
        """The budget the controls set."""
        if self.unit.value == "words":
            return Budget(sentences=None, words=self.words.value)
        return Budget(sentences=self.sentences.value)

    def _base(self, spec: str) -> Result:
        """The run over the whole corpus with embedder ``spec``: embedded once, then kept."""
        if spec not in self._bases:
            any_run = next(iter(self._bases.values()))
            self._bases[spec] = summarize_corpus(any_run.corpus, replace(any_run.options, embedder=spec))
        return self._bases[spec]

    def describe(self) -> str:
        """One line naming the run shown: embedder, threshold, budget, period and counts."""
        b = self.budget()
        budget = f"{b.words} words" if b.words else f"{b.sentences} sentences"
        r = self.result
        counts = ", ".join([count_of(len(r.corpus.articles), "article"), count_of(r.n_stories, "story", "stories"),
                            count_of(len(r.sentences), "sentence"), count_of(len(r.clusters), "cluster")])
        return (f"embedder {r.embedder} · threshold {r.options.threshold:.2f} · "
                f"links ≥ {self.link_threshold.value:.2f} · budget {budget} · period {self.period.value} · "
                f"{counts} · summary of {len(r.summary)}")

    # -- callbacks

    def _changed(self, _change: dict | None = None) -> None:
        if not self._busy:
            self.update()

    def _picked(self, _change: dict | None = None) -> None:
        if not self._busy:
            self._draw_articles()

    def update(self) -> None:
        """Recompute from the controls (embedding only for an embedder not used before) and
        redraw every view; an embedder that cannot be built is reported and the picker goes
        back to the previous one."""
        self.sentences.layout.display = "none" if self.unit.value == "words" else None
        self.words.layout.display = None if self.unit.value == "words" else "none"
        try:
            base = self._base(self.embedder.value)
        except TalkhisError as exc:
            self.message = f"{self.embedder.value}: {exc}"
            with self._quiet():
                self.embedder.value = self._shown
            self.status.value = f"<span style='color:#a33'>⚠ {html.escape(self.message)}</span>"
            return
        self._shown = self.embedder.value
        self.message = ""
        anchor = self._anchor()
        self.result = rerun(base, threshold=self.threshold.value, link_threshold=self.link_threshold.value,
                            budget=self.budget(), period=self.period.value, translator=self._translator)
        self.rows = summary_rows(self.result)
        self.status.value = f"<span class='tk-meta tk-status'>{html.escape(self.describe())}</span>"
        self.summary_view.value = summary_html(self.result)
        with self._quiet():
            choices = cluster_choices(self.result)
            self.cluster.options = choices
            ids = [c for _, c in choices]
            near = next((c.id for c in self.result.clusters if anchor in self._refs(c.members)), None)
            self.cluster.value = near if near in ids else (ids[0] if ids else None)
        self._draw_articles()

    def _draw_articles(self) -> None:
        self.marks = highlighted(self.result, self.cluster.value)
        self.articles_view.value = articles_html(self.result, self.cluster.value)

    def _refs(self, members: Sequence[int]) -> set[tuple[str, int]]:
        return {(self.result.sentences[i].article, self.result.sentences[i].index) for i in members}

    def _anchor(self) -> tuple[str, int] | None:
        """The label sentence of the cluster on show, so a re-run can show the cluster that now
        holds it (cluster ids are renumbered by every clustering)."""
        if not hasattr(self, "result") or self.cluster.value is None:
            return None
        c = next((c for c in self.result.clusters if c.id == self.cluster.value), None)
        if c is None:
            return None
        s = self.result.sentences[c.label_member]
        return (s.article, s.index)

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        """Change controls without triggering their callbacks."""
        self._busy = True
        try:
            yield
        finally:
            self._busy = False

    def snapshot_html(self) -> str:
        """What a notebook shows where the explorer was when no kernel drives it (a fresh or
        untrusted notebook): the settings, the summary table, and a line saying to run the cell."""
        return (f'<div class="tk-snapshot"><p><b>Run this cell to use the explorer</b> (a saved notebook shows '
                f'this snapshot of it).</p><p class="tk-meta">{html.escape(self.describe())}</p>'
                f"{summary_html(self.result)}</div>")

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/html"] = self.snapshot_html()
        bundle["text/plain"] = f"talkhis explorer: {self.describe()}"
        return bundle

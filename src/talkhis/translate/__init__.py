"""Stage 5, translate: Arabic summary sentences in; English, each with where it came from, out.

Backends, chosen by a name string (several can be chained with ``+``; the first that covers a
sentence wins, e.g. ``reference:todo.tsv+reference`` or ``reference+opus-mt``):

================================  =============================================================
``reference`` (default)           the translation memory shipped as package data
                                  (``talkhis/data/translations/``): reviewed English for every
                                  segment of the five articles in ``data/articles/``, looked up
                                  by normalised Arabic.
``reference:<file.tsv>``          a memory a person filled in (``talkhis translations export``),
                                  checked when loaded (see :mod:`.memory`).
``opus-mt``, ``nllb``             Helsinki-NLP/opus-mt-ar-en, facebook/nllb-200-distilled-600M,
                                  from the Hugging Face cache (downloaded once when allowed).
``transformers:<name-or-path>``   any MarianMT or NLLB model by hub id or local folder.
``none``                          no translation.
================================  =============================================================

A sentence no backend covers is returned untranslated with the reason; nothing is invented.
Every translation records its source (``reference`` or ``model:<name>``), and machine
translations carry an adequacy score (:mod:`.adequacy`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from ..embed.models import TRANSLATOR, known_models
from ..errors import UnknownBackend
from .adequacy import adequacy_fields, adequacy_label, adequacy_warning
from .base import MODEL_PREFIX, UNTRANSLATED, Translation, Translator
from .memory import MEMORY_RESOURCE, ReferenceTranslator, default_memory_path, read_memory
from .seq2seq import DEVICES, ModelTranslator

__all__ = [
    "Translation",
    "Translator",
    "ReferenceTranslator",
    "ModelTranslator",
    "NoTranslator",
    "ChainTranslator",
    "UNTRANSLATED",
    "MODEL_PREFIX",
    "MEMORY_RESOURCE",
    "DEVICES",
    "available_translators",
    "get_translator",
    "default_memory_path",
    "read_memory",
    "adequacy_fields",
    "adequacy_label",
    "adequacy_warning",
]


class NoTranslator:
    """Translates nothing; every sentence is marked untranslated."""

    def __init__(self, arg: str | None = None) -> None:
        if arg:
            raise UnknownBackend(f"the 'none' translator takes no argument (got {arg!r})")
        self.name = "none"

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        return [Translation(None, UNTRANSLATED, "translation was turned off") for _ in sentences]


class ChainTranslator:
    """Tries each translator in turn; a sentence keeps the first translation found."""

    def __init__(self, translators: Sequence[Translator]) -> None:
        self.translators = list(translators)
        self.name = "+".join(t.name for t in self.translators)

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        result: list[Translation | None] = [None] * len(sentences)
        reasons: list[list[str]] = [[] for _ in sentences]
        for translator in self.translators:
            todo = [i for i, r in enumerate(result) if r is None or not r.ok]
            if not todo:
                break
            for i, t in zip(todo, translator.translate([sentences[i] for i in todo])):
                result[i] = t
                if not t.ok:
                    reasons[i].append(f"{translator.name} ({t.note})" if t.note else translator.name)
        return [r if r.ok else Translation(None, UNTRANSLATED, "not covered by: " + "; ".join(why))
                for r, why in zip(result, reasons)]


def _named_model(name: str) -> Callable[..., Translator]:
    def build(arg: str | None = None, **options) -> Translator:
        if arg:
            raise UnknownBackend(f"the '{name}' translator takes no argument (got {arg!r}); use 'transformers:<name-or-path>' for another model")
        return ModelTranslator(name, **options)

    return build


_BACKENDS: dict[str, Callable[..., Translator]] = {
    "reference": ReferenceTranslator,
    "transformers": ModelTranslator,
    "none": NoTranslator,
    **{m.name: _named_model(m.name) for m in known_models(TRANSLATOR)},
}
_MODEL_BACKENDS = {"transformers", *(m.name for m in known_models(TRANSLATOR))}


def available_translators() -> list[str]:
    """The registered backend names."""
    return sorted(_BACKENDS)


def get_translator(spec: str = "reference", *, device: str = "auto", articles: Collection[str] | None = None) -> Translator:
    """Build the translator named by ``spec``; ``a+b`` chains backends (see the module docstring).

    Args:
        spec: backend names, ``+``-separated.
        device: where model backends run (``auto``, ``cpu``, ``cuda``).
        articles: ids of the articles being translated; a memory file naming others is refused.

    Raises:
        UnknownBackend: a part of ``spec`` names no registered backend (the message lists them).
        ModelNotFound: a model or memory file does not exist, or a hub model is neither cached
            nor downloadable (the message says how to fetch it).
        InputError: a memory file breaks a rule (the message names the line).
    """
    parts = [part.strip().partition(":")[::2] for part in spec.split("+")]
    for kind, _ in parts:
        if kind not in _BACKENDS:
            raise UnknownBackend(f"unknown translator {kind!r}; choose one of {', '.join(available_translators())}")
    built = []
    for kind, arg in parts:
        if kind in _MODEL_BACKENDS:
            built.append(_BACKENDS[kind](arg or None, device=device))
        elif kind == "reference":
            built.append(ReferenceTranslator(arg or None, articles=articles))
        else:
            built.append(_BACKENDS[kind](arg or None))
    return built[0] if len(built) == 1 else ChainTranslator(built)

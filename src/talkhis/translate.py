"""English translations of summary sentences, always with where they came from.

Backends, chosen by a name string (several can be chained with ``+``; the first that covers a
sentence wins, e.g. ``reference+transformers:./opus-mt-ar-en``):

================================  =============================================================
``reference`` (default)           the translation memory shipped as package data
                                  (``talkhis/data/translations/``):
                                  reference English for every segment of the five articles in
                                  ``data/articles/``, looked up by normalised Arabic.
``reference:<file.tsv>``          another translation memory (columns ``arabic`` and
                                  ``english``; ``#`` lines are comments).
``transformers:<name-or-path>``   a MarianMT or NLLB model from a local folder or the local
                                  Hugging Face cache (never downloaded).
``none``                          no translation.
================================  =============================================================

A sentence no backend covers is returned untranslated with the reason; nothing is invented.
Every translation records its source: ``reference`` or ``model:<name>``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Protocol, runtime_checkable

from .errors import InputError, MissingDependency, ModelNotFound, UnknownBackend
from .lang import normalize_arabic

__all__ = [
    "Translation",
    "Translator",
    "ReferenceTranslator",
    "ModelTranslator",
    "NoTranslator",
    "ChainTranslator",
    "UNTRANSLATED",
    "available_translators",
    "get_translator",
    "default_memory_path",
    "read_memory",
]

UNTRANSLATED = "untranslated"


@dataclass(frozen=True)
class Translation:
    """The English for one sentence, or ``None`` with the reason in ``source``/``note``."""

    text: str | None
    source: str
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.text is not None


@runtime_checkable
class Translator(Protocol):
    """Translates Arabic sentences into English, saying where each translation came from."""

    name: str

    def translate(self, sentences: Sequence[str]) -> list[Translation]: ...


def _key(text: str) -> str:
    return normalize_arabic(text)


#: Where the translation memory of the shipped articles sits inside the package.
MEMORY_RESOURCE = ("data", "translations", "seed-articles.en.tsv")


def default_memory_path() -> Path:
    """The translation memory for the shipped articles, read as package data so that it is
    found the same way in a checkout, an editable install and an installed wheel."""
    resource = resources.files("talkhis").joinpath(*MEMORY_RESOURCE)
    if not resource.is_file():
        raise ModelNotFound(f"the translation memory {'/'.join(MEMORY_RESOURCE)} is missing from the talkhis package; reinstall talkhis")
    return Path(str(resource))


def read_memory(path: str | Path) -> dict[str, str]:
    """Read a translation memory TSV (``#`` comment lines, then a header naming ``arabic`` and
    ``english`` columns) into ``{normalised Arabic: English}``."""
    path = Path(path)
    try:
        lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines() if not line.startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the translation memory ({exc})") from None
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or not {"arabic", "english"} <= set(rows[0]):
        raise InputError(f"{path}: a translation memory needs 'arabic' and 'english' columns")
    memory: dict[str, str] = {}
    for n, row in enumerate(rows, start=2):
        arabic, english = (row.get("arabic") or "").strip(), (row.get("english") or "").strip()
        if not arabic or not english:
            raise InputError(f"{path}: row {n} has an empty 'arabic' or 'english' field")
        memory.setdefault(_key(arabic), english)
    return memory


class ReferenceTranslator:
    """Looks sentences up in a translation memory of reference translations."""

    def __init__(self, arg: str | None = None) -> None:
        self.path = Path(arg) if arg else default_memory_path()
        self.name = f"reference:{self.path}" if arg else "reference"
        self.memory = read_memory(self.path)

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        out = []
        for s in sentences:
            english = self.memory.get(_key(s))
            if english is None:
                out.append(Translation(None, UNTRANSLATED, "no reference translation for this sentence"))
            else:
                out.append(Translation(english, "reference"))
        return out


class ModelTranslator:
    """A sequence-to-sequence translation model (MarianMT, NLLB) loaded without any download.

    Decoding is greedy, so the same input gives the same output.
    """

    def __init__(self, arg: str | None = None, *, device: str | None = None, max_length: int = 256) -> None:
        if not arg:
            raise ModelNotFound("the 'transformers' translator needs a model: 'transformers:<name-or-path>'")
        path = Path(arg).expanduser()
        if path.exists() and not (path / "config.json").is_file():
            raise ModelNotFound(f"{arg}: no model in this folder (no config.json)")
        if not path.exists() and (arg.startswith((".", "/", "~")) or arg.count("/") > 1):
            raise ModelNotFound(f"{arg}: no such model folder")
        try:
            import torch
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        except ImportError:
            raise MissingDependency(
                "the 'transformers' translator needs torch and transformers: pip install 'talkhis[models]'"
            ) from None
        self._torch = torch
        self.name = f"model:{arg}"
        self.max_length = max_length
        source = str(path) if path.exists() else arg
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
            self._model = AutoModelForSeq2SeqLM.from_pretrained(source, local_files_only=True).to(device or "cpu").eval()
        except (OSError, ValueError) as exc:
            raise ModelNotFound(f"{arg}: cannot load a translation model ({str(exc).strip().splitlines()[0]})") from None
        self._generate_kwargs: dict = {}
        if hasattr(self._tokenizer, "src_lang") and "arb_Arab" in getattr(self._tokenizer, "additional_special_tokens", []):
            self._tokenizer.src_lang = "arb_Arab"  # NLLB: say what goes in and what comes out
            self._generate_kwargs["forced_bos_token_id"] = self._tokenizer.convert_tokens_to_ids("eng_Latn")

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        out: list[Translation] = []
        for i in range(0, len(sentences), 16):
            batch = self._tokenizer(list(sentences[i : i + 16]), return_tensors="pt", padding=True,
                                    truncation=True, max_length=self.max_length)
            with self._torch.inference_mode():
                ids = self._model.generate(**batch, num_beams=1, do_sample=False, max_new_tokens=self.max_length,
                                           **self._generate_kwargs)
            for text in self._tokenizer.batch_decode(ids, skip_special_tokens=True):
                text = text.strip()
                out.append(Translation(text, self.name) if text else
                           Translation(None, UNTRANSLATED, f"{self.name} returned nothing"))
        return out


class NoTranslator:
    """Translates nothing; every sentence is marked untranslated."""

    def __init__(self, arg: str | None = None) -> None:
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
        for translator in self.translators:
            todo = [i for i, r in enumerate(result) if r is None or not r.ok]
            if not todo:
                break
            for i, t in zip(todo, translator.translate([sentences[i] for i in todo])):
                if t.ok or result[i] is None:
                    result[i] = t
        reasons = "; ".join(t.name for t in self.translators)
        return [r if r.ok else Translation(None, UNTRANSLATED, f"not covered by: {reasons}") for r in result]


_BACKENDS: dict[str, Callable[[str | None], Translator]] = {
    "reference": ReferenceTranslator,
    "transformers": ModelTranslator,
    "none": NoTranslator,
}


def available_translators() -> list[str]:
    """The registered backend names."""
    return sorted(_BACKENDS)


def get_translator(spec: str = "reference") -> Translator:
    """Build the translator named by ``spec``; ``a+b`` chains backends (see the module docstring).

    Raises:
        UnknownBackend: a part of ``spec`` names no registered backend (the message lists them).
        ModelNotFound: a model path or translation memory does not exist or holds no model.
    """
    parts = []
    for part in spec.split("+"):
        kind, _, arg = part.strip().partition(":")
        if kind not in _BACKENDS:
            raise UnknownBackend(f"unknown translator {kind!r}; choose one of {', '.join(available_translators())}")
        if kind == "reference" and arg and not Path(arg).is_file():
            raise ModelNotFound(f"{arg}: no such translation memory file")
        parts.append(_BACKENDS[kind](arg or None))
    return parts[0] if len(parts) == 1 else ChainTranslator(parts)

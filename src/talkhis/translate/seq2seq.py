"""Machine translation with a sequence-to-sequence model (MarianMT such as OPUS-MT, or NLLB).

The model is named by registry name (``opus-mt``, ``nllb``), hub id or local folder and found
through :func:`talkhis.embed.models.resolve` (hub cache first, one download when allowed). Sentences
are translated in batches, longest first so batches pad little, on the GPU when there is one,
with deterministic decoding (fixed beam search, no sampling); each output goes back to the
position of its input. Every output is labelled ``model:<name>`` and scored for adequacy.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..embed.models import TRANSLATOR, resolve
from ..errors import InputError, MissingDependency, ModelNotFound
from .base import MODEL_PREFIX, UNTRANSLATED, Translation

__all__ = ["ModelTranslator", "DEVICES", "resolve_device"]

DEVICES = ("auto", "cpu", "cuda")
#: Show a progress bar when translating at least this many sentences.
PROGRESS_FROM = 64
#: NLLB language codes for Modern Standard Arabic and English.
NLLB_SOURCE, NLLB_TARGET = "arb_Arab", "eng_Latn"


def resolve_device(device: str) -> str:
    """``auto`` becomes ``cuda`` when torch sees a GPU, else ``cpu``; ``cuda`` without a GPU
    is an error rather than a silent fall-back."""
    if device not in DEVICES and not device.startswith("cuda:"):
        raise InputError(f"unknown device {device!r}; choose one of {', '.join(DEVICES)}")
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise InputError(f"--device {device}: torch sees no CUDA device here; use --device cpu or auto")
    return device


class ModelTranslator:
    """A translation model from a local folder or the Hugging Face hub cache.

    Args:
        arg: registry name, hub id or folder.
        device: ``auto``, ``cpu`` or ``cuda``.
        batch_size: sentences per forward pass; results do not depend on it.
        num_beams: beam width (1 is greedy); decoding never samples.
        max_length: longest input kept and longest output made, in tokens (a model's own
            smaller ``max_new_tokens`` wins).
        adequacy: score each output against its Arabic (see :mod:`talkhis.translate.adequacy`).
        download: fetch a hub model that is not cached, when downloads are allowed.
    """

    def __init__(self, arg: str | None = None, *, device: str = "auto", batch_size: int = 16, num_beams: int = 4,
                 max_length: int = 256, adequacy: bool = True, download: bool = True) -> None:
        if not arg:
            raise ModelNotFound("the 'transformers' translator needs a model: 'transformers:<name-or-path>'")
        if batch_size < 1 or num_beams < 1:
            raise InputError("batch size and beam width must be at least 1")
        try:
            import torch
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        except ImportError:
            raise MissingDependency(
                "the 'transformers' translator needs torch and transformers: pip install 'talkhis[models]'"
            ) from None
        self._torch = torch
        self.device = resolve_device(device)  # before any download: a wrong device fails at once
        folder, self.hub_id = resolve(arg, TRANSLATOR, download=download)
        self.name = f"{MODEL_PREFIX}{arg}"
        self.folder = folder
        self.revision = folder.name if self.hub_id else None
        self.batch_size, self.num_beams, self.max_length = batch_size, num_beams, max_length
        self.adequacy = adequacy
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
            self._model = AutoModelForSeq2SeqLM.from_pretrained(str(folder), local_files_only=True).to(self.device).eval()
        except (OSError, ValueError) as exc:
            text = str(exc).strip()
            raise ModelNotFound(f"{arg}: cannot load a translation model ({text.splitlines()[0] if text else type(exc).__name__})") from None
        own_limit = getattr(self._model.generation_config, "max_new_tokens", None)
        self._max_new_tokens = min(max_length, own_limit) if own_limit else max_length
        self._generate_kwargs: dict = {}
        if NLLB_TARGET in self._tokenizer.get_vocab() and hasattr(self._tokenizer, "src_lang"):
            self._tokenizer.src_lang = NLLB_SOURCE  # NLLB: say what goes in and what comes out
            self._generate_kwargs["forced_bos_token_id"] = self._tokenizer.convert_tokens_to_ids(NLLB_TARGET)

    def _batches(self, n: int):
        starts = range(0, n, self.batch_size)
        if n < PROGRESS_FROM:
            return starts
        from tqdm.auto import tqdm

        return tqdm(starts, desc=self.name, unit="batch", leave=False)

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        texts = list(sentences)
        if not texts:
            return []
        lengths = [len(ids) for ids in self._tokenizer(texts, truncation=True, max_length=self.max_length)["input_ids"]]
        order = sorted(range(len(texts)), key=lambda i: (-lengths[i], i))
        english: list[str] = [""] * len(texts)
        for start in self._batches(len(texts)):
            rows = order[start : start + self.batch_size]
            batch = self._tokenizer([texts[i] for i in rows], return_tensors="pt", padding=True, truncation=True,
                                    max_length=self.max_length).to(self.device)
            with self._torch.inference_mode():
                ids = self._model.generate(**batch, do_sample=False, num_beams=self.num_beams,
                                           max_new_tokens=self._max_new_tokens, **self._generate_kwargs)
            for i, text in zip(rows, self._tokenizer.batch_decode(ids, skip_special_tokens=True)):
                english[i] = text.strip()
        out = [Translation(e, self.name) if e else Translation(None, UNTRANSLATED, f"{self.name} returned nothing")
               for e in english]
        if self.adequacy:
            from .adequacy import AdequacyScorer

            out = AdequacyScorer().attach(texts, out)
        return out

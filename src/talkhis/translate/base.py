"""What every translation backend returns and promises."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["Translation", "Translator", "UNTRANSLATED", "MODEL_PREFIX"]

#: ``source`` of a sentence no backend covered.
UNTRANSLATED = "untranslated"
#: ``source`` of a machine translation starts with this, followed by the model's name.
MODEL_PREFIX = "model:"


@dataclass(frozen=True)
class Translation:
    """The English for one sentence, or ``None`` with the reason in ``source``/``note``.

    ``adequacy`` is the cross-lingual similarity of the Arabic and this English (rounded to two
    decimals; see :mod:`talkhis.translate.adequacy`) and ``adequacy_ok`` whether it reaches the
    calibrated cut; both are ``None`` where nothing was scored (the shipped, reviewed memory).
    """

    text: str | None
    source: str
    note: str | None = None
    adequacy: float | None = None
    adequacy_ok: bool | None = None

    @property
    def ok(self) -> bool:
        return self.text is not None

    @property
    def machine(self) -> bool:
        """Whether a model wrote this English (as opposed to a person)."""
        return self.source.startswith(MODEL_PREFIX)


@runtime_checkable
class Translator(Protocol):
    """Translates Arabic sentences into English, saying where each translation came from."""

    name: str

    def translate(self, sentences: Sequence[str]) -> list[Translation]: ...

"""Read one article file and decode it, without ever writing to it.

UTF-8 (with or without BOM), UTF-16 (with or without BOM) and Windows-1256 are recognised; a
file that is empty, binary, too large or in none of these encodings is a one-line
:class:`~talkhis.errors.InputError`. :func:`read_bytes` turns every ``OSError`` into such a
line; every reader of user files (articles, evaluation files) goes through it.
"""

from __future__ import annotations

import codecs
import re
import stat
from pathlib import Path

from ..errors import InputError
from .lang import arabic_ratio

__all__ = ["MAX_BYTES", "MIN_ARABIC_RATIO", "decode_bytes", "read_bytes", "read_text"]

#: Files larger than this are refused before they are read (a news article is a few dozen KB).
MAX_BYTES = 2_000_000
#: Below this share of Arabic letters an article is reported as not Arabic.
MIN_ARABIC_RATIO = 0.5


def decode_bytes(data: bytes, name: str = "input") -> tuple[str, str]:
    """Decode the bytes of an article, returning ``(text, encoding)``.

    Tries, in order: a UTF-8 or UTF-16 byte-order mark, BOM-less UTF-16 (recognised by its NUL
    bytes), strict UTF-8, then Windows-1256 (accepted only if the result reads as Arabic).

    Raises:
        InputError: the file is empty, binary, or in none of these encodings.
    """
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", data)]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", data)]
    elif b"\x00" in data:
        # BOM-less UTF-16: ASCII characters put their NUL byte second (LE) or first (BE).
        le_first = data[1::2].count(0) >= data[0::2].count(0)
        candidates = [("utf-16-le", data), ("utf-16-be", data)][:: 1 if le_first else -1]
    else:
        candidates = [("utf-8", data), ("cp1256", data)]
    for encoding, raw in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding.startswith("utf-16") and not _plausible(text):
            continue
        if _looks_binary(text):
            raise InputError(f"{name}: binary file, not text")
        if encoding == "cp1256" and arabic_ratio(text) < MIN_ARABIC_RATIO:
            continue
        if not text.strip():
            raise InputError(f"{name}: file holds only white space")
        return text, encoding
    if b"\x00" in data:
        raise InputError(f"{name}: binary file, not text")
    raise InputError(f"{name}: cannot decode: not UTF-8, UTF-16 or Windows-1256 text")


_PLAUSIBLE = re.compile("[\u0000-\u024f\u0600-\u06ff\u0750-\u077f\u2000-\u206f\ufb50-\ufeff]")


def _plausible(text: str) -> bool:
    """True when nearly all characters are Latin, Arabic, punctuation or white space; a wrong
    UTF-16 byte order turns text into a jumble of unrelated scripts."""
    return len(_PLAUSIBLE.findall(text)) >= 0.95 * len(text)


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return "\x00" in text or controls > max(2, len(text) // 200)


def read_bytes(path: Path, *, max_bytes: int | None = None, what: str = "file") -> bytes:
    """The bytes of ``path``, read without ever writing to it.

    Raises:
        InputError: one line naming the file: missing, a folder, not a regular file, over
            ``max_bytes``, or unreadable (permission, I/O error).
    """
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{path}: not a regular file (a device, pipe or socket)")
        if max_bytes is not None and info.st_size > max_bytes:
            raise InputError(
                f"{path}: {info.st_size / 1e6:.1f} MB is over the limit of {max_bytes / 1e6:.1f} MB per article"
            )
        with path.open("rb") as handle:
            return handle.read()
    except PermissionError:
        raise InputError(f"{path}: cannot read the file (permission denied)") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a {what}") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from None


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """Read and decode one file without ever writing to it; see :func:`decode_bytes`."""
    return decode_bytes(read_bytes(path, max_bytes=max_bytes), str(path))

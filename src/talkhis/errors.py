"""The exceptions a user can cause.

Everything the command line reports as a one-line message derives from :class:`TalkhisError`;
any other exception is a bug and is allowed to show its traceback.
"""

from __future__ import annotations

__all__ = [
    "TalkhisError",
    "InputError",
    "UnknownBackend",
    "ModelNotFound",
    "MissingDependency",
    "OutputError",
]


class TalkhisError(Exception):
    """Base class of every error caused by input, options or the environment."""


class InputError(TalkhisError):
    """An input file or folder cannot be used (missing, empty, binary, undecodable, not Arabic)."""


class UnknownBackend(TalkhisError):
    """A backend name that is not registered; the message lists the registered ones."""


class ModelNotFound(TalkhisError):
    """A model path or name that holds no usable model."""


class MissingDependency(TalkhisError):
    """An optional library is not installed; the message names the pip extra that provides it."""


class OutputError(TalkhisError):
    """An output folder cannot be written: a full disk, no permission, or another run writing it."""

"""Where a sentence's content is also reported: the sources a summary sentence cites.

:class:`SourceFinder` is the one question selection asks: which other sentences report what
sentence ``i`` says. :class:`ClusterSources` answers it from content clusters (every other
member of the sentence's cluster); a finder built from links between facts answers the same
question more precisely and plugs in unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..align import Cluster

__all__ = ["SourceFinder", "ClusterSources"]


class SourceFinder(Protocol):
    """Which sentences report what a sentence says: indices into the clustered sentences of
    *other* sentences (the sentence itself is always its own first source)."""

    def sources_of(self, i: int) -> Sequence[int]: ...


class ClusterSources:
    """Sources from content clusters: every other member of a sentence's cluster."""

    def __init__(self, clusters: Sequence[Cluster]) -> None:
        self._members = {m: c.members for c in clusters for m in c.members}

    def sources_of(self, i: int) -> list[int]:
        return [m for m in self._members.get(i, []) if m != i]

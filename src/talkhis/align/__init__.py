"""Stage 3, align: sentences and their vectors in; what goes together across articles out.

Content clusters (topics, by average linkage at a cosine threshold), same-fact links between
sentences of different articles, the articles on the folder's main story (:mod:`.focus`), and
the time periods the articles fall in.
"""

from __future__ import annotations

from .cluster import Cluster, ContentClusterer
from .links import Links, find_links

__all__ = ["Cluster", "ContentClusterer", "Links", "find_links"]

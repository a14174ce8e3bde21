"""An archive's stories: group thousands of articles into stories and summarise each one.

``talkhis.stories(folder, out, options)`` runs :func:`talkhis.stories.run.run_stories` (the
package itself is callable, so the API reads like the command line ``talkhis stories``).
Modules: :mod:`~talkhis.stories.vectors` and :mod:`~talkhis.stories.group` (grouping),
:mod:`~talkhis.stories.execute` (in-process or Dask), :mod:`~talkhis.stories.cache` (re-runs),
:mod:`~talkhis.stories.index` (``index.html``), :mod:`~talkhis.stories.run` (the whole run).
"""

from __future__ import annotations

import sys
import types

from .run import StoriesResult, run_stories

__all__ = ["StoriesResult", "run_stories"]


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs) -> StoriesResult:
        return run_stories(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

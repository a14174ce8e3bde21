"""Stage 6, report: a :class:`~talkhis.pipeline.Result` in; files and figures a person reads out.

Marked output folders written whole or not at all (:mod:`.outdir`), ``summary.json``/``.md``,
``report.html`` and ``sentences.csv`` (:mod:`.write`, :mod:`.table`), the interactive views of
the report and the notebooks (:mod:`.interactive`), the static coverage charts (:mod:`.plots`,
cached by :mod:`.chartcache`, their data in :mod:`.chartdata`) with short labels and English
glosses (:mod:`.labels`), Arabic in HTML right to left (:mod:`.html`), Markdown tables
(:mod:`.markdown`), and the cache folder as a whole for ``talkhis cache`` (:mod:`.cachedir`).
Import the module you need; nothing is loaded here.
"""

"""Scanners, file import and the page pipeline (no Qt).

- :mod:`scanning.sources` / :mod:`scanning.sane_source` / :mod:`scanning.wia`:
  devices and scans, always in a spawned worker process (:mod:`scanning.job`).
- :mod:`scanning.importer`: JPEG, PNG, TIFF, PDF and phone photos, distrusted.
- :mod:`scanning.pipeline`: deskew, crop, orientation, blank flag, compression.
- :mod:`scanning.pages`: the page strip's operations; :mod:`scanning.pdf`: export.
- :mod:`scanning.attach`: storing pages into a case; :mod:`scanning.watch`: a
  watched folder; :mod:`scanning.profiles`: scan settings per document kind.
"""

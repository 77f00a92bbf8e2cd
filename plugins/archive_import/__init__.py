"""Importer: turns raw newsroom exports into archive articles (content/<desk>/<yyyy>/<yyyy-mm-dd>-<slug>.md).

Readers for each input kind (page-text dumps, HTML pages, WordPress WXR, RSS/Atom feeds, JSON lines)
produce `ExtractedStory` records; `pipeline.ImportRun` validates them against the front-matter
contract (archive_format), writes them atomically and reports every removed block. Run it as
`python -m archive_import SRC` or `make import SRC=...`.
"""

"""The archive's article format: one Markdown file per story with YAML front matter.

This package is the contract between the importer, the Pelican reader, the theme and
search (DESIGN.md §2). It holds the JSON Schema (``front_matter.schema.json``), and the
one implementation of reading, writing and validating an article's front matter.
"""
from __future__ import annotations

from archive_format.dates import format_datetime, known_zone, localize, text_mapping
from archive_format.document import (
    FIELD_ORDER,
    MISSING_FRONT_MATTER,
    FrontMatterSyntaxError,
    front_matter_lines,
    load_front_matter,
    parse_article,
    render_article,
)
from archive_format.files import write_atomic
from archive_format.slugs import article_relpath, slugify
from archive_format.validation import SCHEMA_PATH, FieldProblem, validate_front_matter

__all__ = [
    "FIELD_ORDER",
    "MISSING_FRONT_MATTER",
    "SCHEMA_PATH",
    "FieldProblem",
    "FrontMatterSyntaxError",
    "article_relpath",
    "format_datetime",
    "known_zone",
    "front_matter_lines",
    "load_front_matter",
    "localize",
    "parse_article",
    "render_article",
    "slugify",
    "text_mapping",
    "validate_front_matter",
    "write_atomic",
]

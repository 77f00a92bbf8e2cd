"""Reading and writing one article file: YAML front matter between ``---`` lines, then Markdown."""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import yaml

from archive_format.dates import format_datetime

# The order fields are written in, so a file's bytes depend only on its content.
FIELD_ORDER: tuple[str, ...] = (
    "headline", "date", "modified", "desk", "byline", "tags", "summary", "image",
    "source", "lang", "slug", "aliases", "corrections", "status",
)
_NESTED_ORDER = ("src", "caption", "credit", "alt", "url", "format", "sha256", "guid", "path",
                 "date", "text")

# The same rule as mdit-py-plugins' front_matter: a first line of three dashes, closed by
# the next line of three dashes.
_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)


MISSING_FRONT_MATTER = "is missing: start the file with a '---' line, the fields, and another '---' line"


class FrontMatterSyntaxError(ValueError):
    """Front matter that is missing or is not a YAML mapping; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


# libyaml's parser and emitter when PyYAML was built with them (several times faster on a
# large archive); the pure-Python ones otherwise. Both resolve and construct identically.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _ArchiveLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """SafeLoader that keeps dates as the strings written, so validation sees what the
    editor typed and a bare date is never silently read as midnight UTC."""


class _ArchiveDumper(_SafeDumper):  # type: ignore[misc,valid-type]
    """SafeDumper that writes ISO dates unquoted, as editors write them."""


for _cls in (_ArchiveLoader, _ArchiveDumper):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def load_front_matter(text: str) -> dict[str, Any]:
    """Parse the YAML of a front-matter block into a dict (dates stay strings).

    Raises FrontMatterSyntaxError (with the 1-based line in the article file) when it is not
    valid YAML or not a mapping.
    """
    try:
        data = yaml.load(text, Loader=_ArchiveLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark else None  # file line: the block starts after '---' 
        raise FrontMatterSyntaxError(f"is not valid YAML: {error.problem}", line) from None
    except yaml.YAMLError as error:
        raise FrontMatterSyntaxError(f"is not valid YAML: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterSyntaxError("must be a mapping of field: value lines", 2)
    return data


def front_matter_lines(text: str) -> dict[str, int]:
    """Return the 1-based line in the article file of each top-level field of a front-matter
    block, for error messages (the block starts on line 2, after the opening ``---``)."""
    try:
        node = yaml.compose(text, Loader=_ArchiveLoader)  # noqa: S506
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: key.start_mark.line + 2 for key, _ in node.value if isinstance(key, yaml.ScalarNode)}


def parse_article(text: str, source: str = "<article>") -> tuple[dict[str, Any], str]:
    """Split an article file into its front matter (a dict) and its Markdown body.

    Raises FrontMatterSyntaxError when the file has no front matter or it is not YAML;
    ``source`` is accepted for symmetry with validate_front_matter and unused.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise FrontMatterSyntaxError(MISSING_FRONT_MATTER, 1)
    return load_front_matter(match.group(1)), text[match.end():]


def _plain(value: Any) -> Any:
    """Turn values into what the YAML should hold: datetimes as ISO strings, mappings ordered."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        keys = sorted(value, key=lambda k: (_NESTED_ORDER.index(k) if k in _NESTED_ORDER else 99, k))
        return {k: _plain(value[k]) for k in keys if value[k] is not None}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def render_article(meta: Mapping[str, Any], body: str) -> str:
    """Return the text of an article file: front matter in FIELD_ORDER, then the body.

    The same input always gives the same bytes (fields ordered, no line wrapping, a
    single trailing newline), so re-importing a story changes nothing on disk.
    """
    ordered = {k: _plain(meta[k]) for k in FIELD_ORDER if meta.get(k) not in (None, "", [], {})}
    extra = sorted(k for k in meta if k not in FIELD_ORDER and meta[k] not in (None, "", [], {}))
    ordered.update({k: _plain(meta[k]) for k in extra})
    front = yaml.dump(ordered, Dumper=_ArchiveDumper, sort_keys=False, allow_unicode=True,
                      default_flow_style=None, width=10**6)
    return f"---\n{front}---\n\n{body.strip()}\n"

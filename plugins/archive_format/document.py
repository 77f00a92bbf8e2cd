"""Reading and writing one article file: YAML front matter between ``---`` lines, then Markdown."""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache, lru_cache
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
    editor typed and a bare date is never silently read as midnight UTC, and refuses a field
    written twice (YAML would keep the last value and lose the other without a word)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, int] = {}
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                # File lines: the block starts on line 2, after the opening '---'.
                line = key.start_mark.line + 2
                if key.value in seen:
                    lines = f"line {line}" if seen[key.value] == line else f"lines {seen[key.value]} and {line}"
                    raise yaml.constructor.ConstructorError(
                        None, None, f'"{key.value}" is given twice ({lines}); keep one of them', key.start_mark)
                seen[key.value] = line
        return super().construct_mapping(node, deep)


class _ArchiveDumper(_SafeDumper):  # type: ignore[misc,valid-type]
    """SafeDumper that writes ISO dates unquoted, as editors write them."""


for _cls in (_ArchiveLoader, _ArchiveDumper):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


# One `field: value` line as render_article writes it: a lowercase field, one space, and a value
# with no tab, no comment sign and no ": " (which YAML would read as something else).
_PLAIN_LINE = re.compile(r"([a-z_]+): ([^\t#]+)")
# A flow list of plain items, "[a, b]" (an item with a colon, brackets or braces is left to YAML).
_PLAIN_LIST = re.compile(r"\[([^\t#\[\]{}:?]+)\]")


def _plain_text(value: str) -> bool:
    """Whether YAML reads `value`, a whole plain scalar, as that very text (a string)."""
    if not value or not value[0].isalnum() or value != value.strip() or not value.isprintable():
        return False
    if ": " in value or value.endswith(":"):
        return False
    return not any(pattern.match(value) for pattern in _resolvers_of(value[0]))


# Field names, bylines and tags recur from story to story: each is looked at once.
_plain_name = lru_cache(maxsize=8192)(_plain_text)


@cache
def _resolvers_of(first: str) -> tuple[re.Pattern[str], ...]:
    """The patterns YAML tries on a plain scalar starting with `first` (yaml.resolver's order)."""
    resolvers = _ArchiveLoader.yaml_implicit_resolvers
    return tuple(pattern for _, pattern in [*resolvers.get(first, []), *resolvers.get(None, [])])


def _plain_front_matter(text: str) -> dict[str, Any] | None:
    """The front matter of a block of plain `field: value`, `field: 'quoted'` and `field: [a, b]`
    lines (what render_article writes for a story without image, source or corrections), read
    without a YAML parser; None for anything else, which is left to YAML.

    Each value is taken only when YAML would read it as the same text (see `_plain_text`), so
    what this returns is what YAML returns: 0.1 ms less per story.
    """
    meta: dict[str, Any] = {}
    for line in text.split("\n"):
        if not line:
            continue
        read = _plain_line(line)
        if read is None or read[0] in meta:
            return None
        field, value = read
        meta[field] = list(value) if type(value) is tuple else value
    return meta or None


@lru_cache(maxsize=8192)
def _plain_line(line: str) -> tuple[str, str | tuple[str, ...]] | None:
    """(field, value) of one plain front-matter line (a list's items as a tuple: each story gets
    a list of its own), or None when YAML must read it. Lines recur from story to story (the
    desk, the byline, the language, the status): each is read once (18.5 → 11 µs a story)."""
    match = _PLAIN_LINE.fullmatch(line)
    if match is None:
        return None
    field, value = match.groups()
    if not _plain_name(field):
        return None
    listed = _PLAIN_LIST.fullmatch(value)
    if listed is not None:
        items = listed.group(1).split(", ")
        if not all(_plain_name(item) and "," not in item for item in items):
            return None
        return field, tuple(items)
    if _plain_text(value):
        return field, value
    quoted = _single_quoted(value)
    return None if quoted is None else (field, quoted)


def _single_quoted(value: str) -> str | None:
    """The text of `value` when it is one whole single-quoted YAML scalar (`'it''s'`, as
    render_article writes a headline YAML would otherwise misread); None otherwise.

    Inside single quotes YAML reads every printable character as itself and `''` as one
    quote, and the value is always a string.
    """
    if len(value) < 2 or value[0] != "'" or value[-1] != "'":
        return None
    inner = value[1:-1]
    if "'" in inner.replace("''", "") or not inner.isprintable():
        return None
    return inner.replace("''", "'")


def load_front_matter(text: str) -> dict[str, Any]:
    """Parse the YAML of a front-matter block into a dict (dates stay strings).

    Raises FrontMatterSyntaxError (with the 1-based line in the article file) when it is not
    valid YAML or not a mapping.
    """
    plain = _plain_front_matter(text)
    if plain is not None:
        return plain
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

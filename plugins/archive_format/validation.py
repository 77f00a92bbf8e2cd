"""Validation of front matter against the schema, with messages an editor can act on."""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive_format.dates import NotIsoDate, localize

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError

SCHEMA_PATH = Path(__file__).with_name("front_matter.schema.json")

_DATE_FIELDS = ("date", "modified")
_DATE_HINT = "is not ISO 8601 with an offset (write 2023-03-16T21:08:00+02:00, or 2023-03-16 to use the site's TIMEZONE)"


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one article: where, which field, and what to do about it."""

    source: str
    """The article's path as the user knows it (e.g. content/news/2023/2023-03-16-x.md)."""
    field: str
    """The field, dotted for nested ones (``corrections.0.date``); ``front matter`` for the block."""
    message: str
    """What is wrong and how to fix it."""
    line: int | None = None
    """1-based line in the file, when known."""

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.field}: {self.message}"


def _inline_definitions(node: Any, definitions: Mapping[str, Any]) -> Any:
    """`node` with every `{"$ref": "#/$defs/x", ...}` replaced by definition x and its siblings.

    Keywords beside a reference apply together with the definition, so they are merged into it
    (or kept side by side in an `allOf` when both name the same keyword): same meaning, but the
    validator no longer resolves a reference per field of every story (half its time).
    """
    if isinstance(node, list):
        return [_inline_definitions(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _inline_definitions(value, definitions) for key, value in node.items() if key != "$defs"}
    reference = node.pop("$ref", None)
    if reference is None:
        return node
    target = _inline_definitions(definitions[reference.removeprefix("#/$defs/")], definitions)
    # Annotations ("description") are not checked: the field's own wins over the definition's.
    clash = (set(target) & set(node)) - {"description", "title"}
    return {"allOf": [target, node]} if clash else {**target, **node}


@cache
def _schema() -> dict[str, Any]:
    """The schema with its definitions inlined: what the validator and the quick check read."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return _inline_definitions(schema, schema.get("$defs", {}))


@cache
def _validator() -> Draft202012Validator:
    # Imported here: jsonschema takes several hundredths of a second to import, and a build whose stories
    # all pass the quick check (every rebuild of a clean archive) never needs it.
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    return Draft202012Validator(_schema())


# Keywords that only annotate a schema: they never make a value invalid.
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "default", "examples"})
_TYPES: dict[str, type] = {"string": str, "array": list, "object": dict}

Check = Callable[[Any], bool]


def _all(checks: list[Check]) -> Check:
    """True when every check is: one call per check, no generator (the quick check runs per story)."""
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda value: first(value) and second(value)

    def every(value: Any) -> bool:
        for check in checks:
            if not check(value):
                return False
        return True

    return every


def _keyword_check(keyword: str, argument: Any, schema: Mapping[str, Any]) -> Check | None:
    """The check of one keyword, or None when it is not one `_quick_check` knows."""
    if keyword == "type" and argument in _TYPES:
        kind = _TYPES[argument]
        return lambda value: isinstance(value, kind)
    if keyword == "required":
        names = tuple(argument)
        return lambda value: isinstance(value, dict) and all(name in value for name in names)
    if keyword == "properties":
        fields = {name: _quick_check(sub) for name, sub in argument.items()}
        if any(check is None for check in fields.values()):
            return None
        def each_field(value: Any) -> bool:
            if not isinstance(value, dict):
                return False
            for name, item in value.items():
                check = fields.get(name)
                if check is not None and not check(item):
                    return False
            return True

        return each_field
    if keyword == "additionalProperties" and argument is False:
        known = frozenset(schema.get("properties", {}))
        return lambda value: isinstance(value, dict) and known.issuperset(value)
    if keyword == "items" and "prefixItems" not in schema:
        item_check = _quick_check(argument)
        if item_check is None:
            return None
        def each_item(value: Any) -> bool:
            if not isinstance(value, list):
                return False
            for item in value:
                if not item_check(item):
                    return False
            return True

        return each_item
    if keyword == "pattern":
        expression = re.compile(argument)
        return lambda value: isinstance(value, str) and expression.search(value) is not None
    if keyword == "minLength":
        return lambda value: isinstance(value, str) and len(value) >= argument
    if keyword == "maxLength":
        return lambda value: isinstance(value, str) and len(value) <= argument
    if keyword == "minProperties":
        return lambda value: isinstance(value, dict) and len(value) >= argument
    if keyword == "enum" and all(isinstance(choice, str) for choice in argument):
        choices = frozenset(argument)
        return lambda value: isinstance(value, str) and value in choices
    if keyword == "uniqueItems" and argument is True:
        return lambda value: (isinstance(value, list) and all(isinstance(item, str) for item in value)
                              and len(set(value)) == len(value))
    if keyword == "allOf":
        parts = [_quick_check(sub) for sub in argument]
        return None if any(part is None for part in parts) else _all(parts)  # type: ignore[arg-type]
    return None


def _quick_check(schema: Any) -> Check | None:
    """A check that is True only for values the schema accepts, or None when the schema uses a
    keyword it does not know.

    Strict where JSON Schema is lenient (a pattern on a value that is not text, an enum of other
    kinds): False then only means "ask the validator", which names every problem.
    """
    if not isinstance(schema, dict):
        return None
    checks = []
    for keyword, argument in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        check = _keyword_check(keyword, argument, schema)
        if check is None:
            return None
        checks.append(check)
    return _all(checks)


@cache
def _accepted() -> Check:
    """True for front matter the schema plainly accepts: the validator's answer without its
    walk of every field (a sixth of reading a story), for the stories that have no problem."""
    return _quick_check(_schema()) or (lambda meta: False)


def _field_name(error: ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path) or "front matter"


def _describe(error: ValidationError) -> tuple[str, str]:
    """Return (field, message) for one schema error, in the editor's terms."""
    field = _field_name(error)
    value = error.instance
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return (f"{field}.{missing}" if error.absolute_path else missing,
                "is missing; every story needs one")
    if error.validator == "additionalProperties":
        known = ", ".join(error.schema.get("properties", {}))
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        name = ".".join([*(str(p) for p in error.absolute_path), extra[0]]) if extra else field
        return name, f"is not a known field (known fields: {known})"
    if error.validator == "pattern" and field.split(".")[-1] in _DATE_FIELDS:
        return field, f"{json.dumps(value, ensure_ascii=False)} {_DATE_HINT}"
    if error.validator == "pattern" and "a-z0-9" in error.validator_value:
        return field, (f"{json.dumps(value, ensure_ascii=False)} is not a slug "
                       "(use lowercase letters, digits and hyphens, e.g. \"city-hall\")")
    if error.validator == "pattern" and error.validator_value.startswith("^/"):
        return field, f"{json.dumps(value, ensure_ascii=False)} must be a site path starting with /"
    if error.validator in ("pattern", "minLength", "minProperties"):
        return field, "must not be empty"
    if error.validator == "type":
        expected = {"array": "a list, e.g. [a, b]", "string": "text", "object": "a mapping of field: value"}
        wanted = error.validator_value
        return field, f"must be {expected.get(wanted, wanted)}, not {json.dumps(value, ensure_ascii=False, default=str)}"
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return field, f"{json.dumps(value, ensure_ascii=False, default=str)} is not one of: {allowed}"
    if error.validator == "uniqueItems":
        return field, "lists the same value twice"
    return field, error.message


def _check_dates(meta: Mapping[str, Any], source: str, tz_name: str) -> list[tuple[str, str]]:
    """Dates that match the schema's shape but are not real dates (2023-02-30)."""
    found: list[tuple[str, str]] = []
    candidates = [(name, meta.get(name)) for name in _DATE_FIELDS]
    corrections = meta.get("corrections")
    if isinstance(corrections, list):
        candidates += [(f"corrections.{i}.date", c.get("date")) for i, c in enumerate(corrections)
                       if isinstance(c, Mapping)]
    for name, value in candidates:
        if isinstance(value, str):
            try:
                localize(value, tz_name)
            except NotIsoDate:
                found.append((name, f"{json.dumps(value)} is not a real date or time"))
    return found


def validate_front_matter(
    meta: Mapping[str, Any],
    source: str,
    *,
    desks: Collection[str] | None = None,
    tz_name: str = "UTC",
    lines: Mapping[str, int] | None = None,
) -> list[FieldProblem]:
    """Return every problem with one article's front matter (empty when it is valid).

    ``desks`` (the slugs of DESKS in pelicanconf.py) makes an unknown desk a problem, so a
    typo does not create a new desk; ``lines`` maps top-level fields to file lines
    (see front_matter_lines).
    """
    lines = lines or {}
    instance = dict(meta)
    problems = [] if _accepted()(instance) else [
        _describe(error) for error in
        sorted(_validator().iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))]
    reported = {field for field, _ in problems}
    problems += [p for p in _check_dates(meta, source, tz_name) if p[0] not in reported]
    desk = meta.get("desk")
    if desks is not None and isinstance(desk, str) and desk not in desks and not any(
        field == "desk" for field, _ in problems
    ):
        problems.append(("desk", f"{json.dumps(desk)} is not a desk of this archive "
                                 f"(known: {', '.join(desks)}; add new desks to DESKS in pelicanconf.py)"))
    return [FieldProblem(source, field, message, lines.get(field.split(".")[0]))
            for field, message in problems]

"""The attributes generators add to a story, hashed without pickle for the kinds they are.

A story's token (page_keys.py) is the digest kept for what the story was made with plus the
attributes the generators added or replaced since: its desk and bylines as shared objects,
neighbours and related stories, its JSON-LD, its pinned address. Those were pickled on every
build for every story, with a Python call per story, desk or byline met (about 70 µs a story,
0.7 CPU s of a "+1" at 10,000 stories). They are of few kinds, so `quick_digest` writes them
as nested tuples that `marshal` encodes in C: text as text, HTML marked safe as a tagged text,
a story as its reference, a desk, tag or byline as its kind and fields, lists and tuples item by
item. Each kind carries its own tag, and marshal frames every part with its type and length,
so two different sets of attributes cannot give the same parts (the pickled way tells the same
values apart: `tests/test_speed_rebuild.py` checks both agree on which attributes are equal).
A value of any other kind makes `quick_digest` answer None, and the token is pickled as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from archive_speed.fingerprint import Unfingerprintable, hash_parts

# What a desk, tag or byline holds besides its state (its name and slug as copied by Pelican's
# as_dict(), next to the fields they come from); the pickled token leaves out the same.
WRAPPER_COPIES = frozenset({"settings", "name", "slug"})
# How deep lists may nest inside an attribute before the pickled way is taken instead.
MAX_DEPTH = 4
# Kinds marshal writes as they are (each with its own type code: True is not 1, 1 is not 1.0).
PLAIN = frozenset({str, int, float, bool, type(None), bytes})


class _NotQuick(Exception):
    """A value of a kind quick_digest does not write."""


def wrapper_fields(wrapper: URLWrapper) -> list[tuple[str, Any]]:
    """A desk's, tag's or byline's state, sorted by name: its fields but the copies Pelican
    makes of its name and slug, and a slug that was only worked out from the name."""
    fields = {name: item for name, item in vars(wrapper).items() if name not in WRAPPER_COPIES}
    if fields.get("_slug_from_name"):
        fields.pop("_slug", None)
    return sorted(fields.items())


def _part(value: Any, reference: Callable[[Content], bytes], depth: int) -> Any:
    kind = type(value)
    if kind in PLAIN:
        return value
    if kind is Markup:
        return ("markup", str(value))
    if isinstance(value, Content):
        return ("story", reference(value))
    if depth < MAX_DEPTH:
        if kind is list or kind is tuple:
            return ("list" if kind is list else "tuple", *(_part(item, reference, depth + 1) for item in value))
        if isinstance(value, URLWrapper):
            return ("wrapper", kind.__qualname__,
                    *((name, _part(item, reference, depth + 1)) for name, item in wrapper_fields(value)))
    raise _NotQuick(kind.__qualname__)


def quick_digest(kind: str, made: bytes, added: Mapping[str, Any],
                 reference: Callable[[Content], bytes]) -> bytes | None:
    """The digest of a story of class `kind`, made with what digests to `made`, holding the
    attributes `added` since (other stories named by `reference`); None when a value is of a
    kind not written here."""
    try:
        # Text, numbers and None (most of what is added) written as they are without a call.
        parts = [(name, value if type(value) in PLAIN else _part(value, reference, 0))
                 for name, value in sorted(added.items())]
    except (_NotQuick, Unfingerprintable):
        return None
    return hash_parts(b"added attributes", kind, made, tuple(parts))

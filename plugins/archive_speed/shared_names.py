"""One desk, tag or byline object per name, shared by the stories that carry it.

Pelican's reader makes every story its own Category, Tag and Author objects, each with its own
dictionary and copies of the name: about 1.9 KB per story (four tags, a byline and a desk), the
largest part of a story in memory after its text. Objects of the same kind with the same state
under the same settings are interchangeable (their names, slugs and addresses are made from
that state), so each story's lists are pointed at one of them. The lists are changed in place:
a story's `tags` and `metadata["tags"]` are the same list.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from pelican.urlwrappers import URLWrapper

# Copies Pelican writes into a wrapper's dictionary when it formats an address (as_dict).
COPIES = frozenset({"settings", "name", "slug"})


def _state(wrapper: URLWrapper) -> Hashable | None:
    """What makes two wrappers interchangeable, or None when some field is not hashable."""
    fields = vars(wrapper)
    name = fields.get("_name")
    if (len(fields) == 4 and fields.get("_slug_from_name") is True and type(name) is str and "_slug" in fields
            and "settings" in fields):
        # As the reader makes them (a name, its slug made from it): the key `_any_state` gives
        # such a wrapper, without sorting its fields (66,000 wrappers at 10,000 stories).
        return (type(wrapper), id(fields["settings"]), ("_name", name), ("_slug_from_name", True))
    return _any_state(wrapper)


def _any_state(wrapper: URLWrapper) -> Hashable | None:
    """`_state` of any wrapper, whatever its fields."""
    fields = vars(wrapper)
    state = [(name, value) for name, value in fields.items() if name not in COPIES]
    if fields.get("_slug_from_name"):
        state = [(name, value) for name, value in state if name != "_slug"]  # made from the name
    try:
        key = (type(wrapper), id(fields.get("settings")), *sorted(state))
        hash(key)
    except TypeError:
        return None
    return key


def share_names(stories: Iterable[Any], shared_already: Iterable[URLWrapper] = ()) -> None:
    """Point every story's category, tags and authors at one object per kind and state: one of
    `shared_already` (held by stories not given here) when it has that kind and state."""
    shared: dict[Hashable, URLWrapper] = {}
    for wrapper in shared_already:
        key = _state(wrapper)
        if key is not None:
            shared.setdefault(key, wrapper)

    def one(wrapper: Any) -> Any:
        if not isinstance(wrapper, URLWrapper):
            return wrapper
        key = _state(wrapper)
        return wrapper if key is None else shared.setdefault(key, wrapper)

    for story in stories:
        fields = vars(story)
        for name in ("tags", "authors"):
            values = fields.get(name)
            if isinstance(values, list):
                values[:] = [one(value) for value in values]
        # Pelican's `author` is the first byline, `category` the desk, each also in the metadata.
        for name in ("author", "category"):
            if name in fields:
                old = fields[name]
                fields[name] = new = one(old)
                if story.metadata.get(name) is old:
                    story.metadata[name] = new

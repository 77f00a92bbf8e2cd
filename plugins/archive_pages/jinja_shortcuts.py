"""The theme's Jinja shortcuts: each page's template lookups in plain dictionaries (a
template's globals and the loaded templates), and `striptags` answered directly for plain text.

Jinja 3 gives every template its globals as a `collections.ChainMap` (the template's own over
the environment's), and a page reads it in Python code several times: to make the page's
context (`dict(globals, **vars)`), to list the globals' names (`set(globals)`), and for each
`{% from ... import %}` (`ctx.globals_keys - template.globals.keys()`, a ChainMap membership
test per name). That is about 25 µs of the 100–140 an article page takes warm. Here a template
gets its globals as one dictionary, the template's own over a copy of the environment's made
when the template is loaded: what Jinja 2 did, and what Jinja 3's documentation still asks for
("avoid modifying any globals after a template is loaded"; Pelican and the plugins set theirs
when a generator is made, before any template is loaded). A template's own globals still never
reach the environment's.

Loaded templates are kept in a plain dictionary instead of Jinja's LRU cache (400 entries, a
lock and a reordering on every look-up), which the theme's 20-odd templates never fill: each
`{% extends %}` and `{% from ... import %}` of every page looks a template up.

`striptags` (on a story's summary: twice on its page, once in its desk's listing and in its
JSON-LD) removes tags and comments, joins whitespace and unescapes entities: a text with no `<`
and no `&` comes out of it with its whitespace joined and nothing else changed, which
`plain_striptags` gives without Markup's scan and `html.unescape` (about 2.6 → 0.8 µs).

With archive_speed in PLUGINS, its fix switch `theme_jinja` (ARCHIVE_SPEED_FIXES) turns these
off, so that a build can be compared with Jinja's own ways.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from jinja2 import Environment
from jinja2.filters import do_striptags

from .settings import speed_fixes


def flat_globals(environment: Environment, own: MutableMapping[str, Any] | None) -> dict[str, Any]:
    """What `environment.make_globals(own)` looks up, as one dictionary: `own` over the
    environment's globals as they are now."""
    return {**environment.globals, **(own or {})}


def plain_striptags(value: Any) -> str:
    """What Jinja's `striptags` filter returns for `value`, a plain text (a `str`, no `<`, no `&`)
    read directly."""
    if type(value) is str and "<" not in value and "&" not in value:
        return " ".join(value.split())
    return do_striptags(value)


def quicker_jinja(generator: Any) -> None:
    """`generator_init` receiver: the generator's templates loaded from now on get their
    globals as one dictionary, loaded templates are kept in a plain dictionary, and Jinja's own
    `striptags` (not one the settings give) reads plain text directly."""
    fixes = speed_fixes(generator.settings)
    if fixes is not None and "theme_jinja" not in fixes:
        return
    environment: Environment = generator.env
    if environment.filters.get("striptags") is do_striptags:
        environment.filters["striptags"] = plain_striptags
    environment.make_globals = lambda own: flat_globals(environment, own)  # type: ignore[method-assign]
    if environment.cache is not None and not isinstance(environment.cache, dict):
        environment.cache = dict(environment.cache.items())

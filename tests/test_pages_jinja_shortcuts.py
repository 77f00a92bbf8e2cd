"""The theme's Jinja shortcuts (archive_pages/jinja_shortcuts.py): a template's globals and the
loaded templates in plain dictionaries, `striptags` on plain text read directly; pages print as
with Jinja's own ways."""

from __future__ import annotations

import random
from pathlib import Path
from types import SimpleNamespace

import jinja2
from jinja2.filters import do_striptags
from jinja2.utils import LRUCache
from markupsafe import Markup

from archive_pages.jinja_shortcuts import plain_striptags, quicker_jinja
from archive_speed.settings import FIXES
from conftest import FIXTURES, run_build

TEMPLATES = {
    "macros.html": "{% macro shout(text) %}{{ text|upper }}{{ mark }}{% endmacro %}",
    "base.html": "[{{ mark }}|{{ site }}|{% block body %}{% endblock %}]",
    "page.html": ("{% extends 'base.html' %}{% from 'macros.html' import shout %}"
                  "{% block body %}{{ shout(title) }}{% for n in range(3) %}{{ n }}{% endfor %}"
                  "{% set ns = namespace(total=0) %}{% for n in [1, 2] %}{% set ns.total = ns.total + n %}"
                  "{% endfor %}{{ ns.total }}{{ own }}{% endblock %}"),
}


def _environment(quick: bool) -> jinja2.Environment:
    """An environment as Pelican makes one: globals of its own added before templates load."""
    environment = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), trim_blocks=True, lstrip_blocks=True)
    environment.globals.update({"mark": "!", "site": "Ledger"})
    if quick:
        quicker_jinja(SimpleNamespace(env=environment, settings={"PLUGINS": ["archive_pages"]}))
    return environment


def _pages(environment: jinja2.Environment) -> list[str]:
    page = environment.get_template("page.html", globals={"own": "(own)"})
    own_over_environment = environment.from_string("{{ mark }}{{ site }}", globals={"mark": "?"})
    return [
        page.render(title="harbour"),
        page.render(title="budget", site="Context wins"),
        own_over_environment.render(),
        environment.from_string("{{ mark }}{{ own is defined }}").render(),
    ]


def test_templates_print_as_with_jinjas_own_lookups() -> None:
    """Environment globals, a template's own globals over them, the page's values over both,
    imports, `range` and `namespace`: the same text either way, and a template's own globals
    never reach the environment's."""
    stock, plain = _environment(False), _environment(True)
    assert isinstance(stock.cache, LRUCache) and type(plain.cache) is dict
    assert _pages(plain) == _pages(stock)
    assert _pages(plain)[1] == "[!|Context wins|BUDGET!0123(own)]"
    assert type(plain.get_template("page.html").globals) is dict
    assert "own" not in plain.globals and plain.globals["mark"] == "!"
    # Loaded once, then found in the plain dictionary.
    assert plain.get_template("base.html") is plain.get_template("base.html")


# Pieces of text around what striptags reads: tags, comments, entities, every kind of whitespace
# `str.split` knows (the no-break space and the information separators among them).
STRIPTAGS_PIECES = ["harbour", "é", " ", "  ", "\t", "\n", "\r", "\xa0", "\u2028", "\x1c", "\x1f", "\u3000",
                    "<", ">", "&", "&amp;", "&lt;b&gt;", "&nbsp;", "&#39;", "&bogus;", "<b>", "</b>",
                    "<!-- note -->", "<!--", "-->", "<a href='x'>", ";", "#"]


def test_plain_striptags_is_jinjas_striptags() -> None:
    """Random texts of tags, comments, entities and whitespace, as str and as Markup, and values
    that are not text: the same result as Jinja's filter."""
    chance = random.Random(2225)
    values: list[object] = [None, 12, "", " ", Markup("a &amp; <b>b</b>"), "plain words  here"]
    for _ in range(4000):
        text = "".join(chance.choice(STRIPTAGS_PIECES) for _ in range(chance.randint(0, 12)))
        values += [text, Markup(text)]
    for value in values:
        assert plain_striptags(value) == do_striptags(value), repr(value)
        assert type(plain_striptags(value)) is type(do_striptags(value))


def test_a_striptags_filter_from_the_settings_is_kept() -> None:
    environment = jinja2.Environment()
    own = environment.filters["striptags"] = lambda value: "own"
    quicker_jinja(SimpleNamespace(env=environment, settings={"PLUGINS": []}))
    assert environment.filters["striptags"] is own
    assert _environment(True).filters["striptags"] is plain_striptags


def test_the_fixture_archive_is_the_same_with_jinjas_own_lookups(tmp_path: Path) -> None:
    """The theme's every page, built with the plain lookups and with the fix switched off."""
    builds = {}
    for name, fixes in (("plain", list(FIXES)), ("jinja", [fix for fix in FIXES if fix != "theme_jinja"])):
        build = run_build(FIXTURES / "archive", tmp_path / name, settings={"ARCHIVE_SPEED_FIXES": fixes})
        assert build.returncode == 0, build.log
        builds[name] = {str(path.relative_to(build.output)): path.read_bytes()
                        for path in sorted(build.output.rglob("*")) if path.is_file()}
    assert len(builds["plain"]) > 20
    assert builds["plain"] == builds["jinja"]

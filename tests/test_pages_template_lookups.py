"""A template's globals and the loaded templates in plain dictionaries
(archive_pages/template_lookups.py): pages print as with Jinja's own lookups."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import jinja2
from jinja2.utils import LRUCache

from archive_pages.template_lookups import plain_template_lookups
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


def _environment(plain: bool) -> jinja2.Environment:
    """An environment as Pelican makes one: globals of its own added before templates load."""
    environment = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), trim_blocks=True, lstrip_blocks=True)
    environment.globals.update({"mark": "!", "site": "Ledger"})
    if plain:
        plain_template_lookups(SimpleNamespace(env=environment, settings={"PLUGINS": ["archive_pages"]}))
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


def test_the_fixture_archive_is_the_same_with_jinjas_own_lookups(tmp_path: Path) -> None:
    """The theme's every page, built with the plain lookups and with the fix switched off."""
    builds = {}
    for name, fixes in (("plain", list(FIXES)), ("jinja", [fix for fix in FIXES if fix != "template_lookups"])):
        build = run_build(FIXTURES / "archive", tmp_path / name, settings={"ARCHIVE_SPEED_FIXES": fixes})
        assert build.returncode == 0, build.log
        builds[name] = {str(path.relative_to(build.output)): path.read_bytes()
                        for path in sorted(build.output.rglob("*")) if path.is_file()}
    assert len(builds["plain"]) > 20
    assert builds["plain"] == builds["jinja"]

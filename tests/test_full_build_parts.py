"""Parts of a full build made cheaper without changing a byte: markdown-it's line index made
line by line, its line ends and plain text taken in fewer steps, page fingerprints reading a context value every page shows once, templates
loaded once per build."""

from __future__ import annotations

import random
from types import SimpleNamespace

import jinja2
import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_block.state_block import StateBlock
from mdit_py_plugins.front_matter import front_matter_plugin
from pelican.contents import Content

from archive_reader.block_state import LineIndexedStateBlock
from archive_reader.markdown import archive_markdown
from archive_reader.text_rules import text_rule_for
from archive_speed.fingerprint import PageFingerprints
from archive_speed.template_checks import load_templates_once
from archive_speed.template_reads import template_reads

LINE_INDEX = ("bMarks", "eMarks", "tShift", "sCount", "bsCount", "lineMax", "src", "line", "level")
# Texts where the line index has edge cases: no final newline, a last line of spaces or tabs,
# tabs inside the indentation (expanded to the next multiple of four), blank lines.
EDGE_TEXTS = ["", "\n", " ", "\t", "a", "a\n", "a\n  ", "a\n\t", " \n ", "\t \tb\n", "  \t x\n\n\ty",
              "---\nheadline: x\n---\n\n    code\n\n> quote\n- item\n\t- nested", "x  ", "\n\n\n"]


def _random_texts(count: int) -> list[str]:
    pieces = ["a", " ", "\t", "\n", "- ", "# ", "> ", "1. ", "`", "| b |", "\n\n", "    ", "*"]
    rng = random.Random(7)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(3000)]


@pytest.mark.parametrize("texts", [EDGE_TEXTS, _random_texts(3000)], ids=["edges", "random"])
def test_line_index_is_markdown_its_own(texts: list[str]) -> None:
    md = archive_markdown()
    for text in texts:
        theirs, ours = StateBlock(text, md, {}, []), LineIndexedStateBlock(text, md, {}, [])
        for field in LINE_INDEX:
            assert getattr(ours, field) == getattr(theirs, field), (text, field)


def test_archive_markdown_parses_with_the_line_index() -> None:
    md = archive_markdown()
    text = "---\nheadline: Tabs\n---\n\n\tindented code\n\n- one\n  - two\n\n| a | b |\n|---|--:|\n| 1 | 2 |"
    html = md.render(text)
    assert "<pre><code>indented code" in html and "<ul>" in html and '<td style="text-align:right">2' in html


def _markdown_its_own() -> MarkdownIt:
    """The archive's dialect with every one of markdown-it-py's own rules."""
    md = MarkdownIt("commonmark", {"html": True}).use(front_matter_plugin).enable(["table", "strikethrough"])
    md.normalizeLink = archive_markdown().normalizeLink  # type: ignore[method-assign]
    return md


def _inline_texts(count: int) -> list[str]:
    """Texts made of every character an inline rule or markdown-it-py's text list names, with
    links, images, emphasis, code, entities, autolinks, HTML, line ends of three kinds and NUL."""
    pieces = ["word ", "a-b", ": ", "%", "$", "+", "=", "#", "^", "{", "}", "@", "~", "~~", "*", "**",
              "_", "__", "`", "``", "[", "]", "[x](/y)", "![alt](i.png \"t\")", "[a [b] c](u)",
              "[ref]", "\n\n[ref]: /r", "<a href='x'>", "</a>", "<http://e.invalid>", "<x@y.z>",
              "&amp;", "&#35;", "&bogus;", "\\", "\\*", "\n", "\r\n", "\r", "\0", "  \n", "> ",
              "- ", "1. ", "| c |\n|---|\n| d |\n", "{filename}/x.md", "![", "](", "<", ">", "!", "&"]
    rng = random.Random(11)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(count)]


@pytest.mark.parametrize("texts", [EDGE_TEXTS, _inline_texts(4000)], ids=["edges", "random"])
def test_line_ends_and_plain_text_give_markdown_its_tokens(texts: list[str]) -> None:
    theirs, ours = _markdown_its_own(), archive_markdown()
    assert ours.inline.ruler.get_active_rules() == theirs.inline.ruler.get_active_rules()
    for text in texts:
        assert ours.parse(text) == theirs.parse(text), text


def test_an_unknown_inline_rule_keeps_markdown_its_text_rule() -> None:
    md = MarkdownIt("commonmark").enable("linkify")
    assert text_rule_for(md) is not None
    md.inline.ruler.push("mention", lambda state, silent: False)
    assert text_rule_for(md) is None


def test_a_context_value_read_page_after_page_gives_each_page_its_own_fingerprint() -> None:
    """The front page's desks are read by every page's navigation and remembered from the
    second page on: each page still gets the fingerprint it has alone, and the stories read
    through the remembered value still count among the page's sources."""
    environment = jinja2.Environment(loader=jinja2.DictLoader({
        "page.html": "{% for desk in front_desks %}{{ desk.title }}{% for s in desk.stories %}{{ s.title }}"
                     "{% endfor %}{% endfor %}{{ page_title }}"}))
    reads = template_reads(environment, "page.html")
    lead = Content("<p>Harbour reopens.</p>", {"title": "Harbour reopens", "slug": "harbour-reopens"},
                   source_path="/site/content/news/harbour.md")
    lead.relative_source_path = "news/harbour.md"
    desks = [SimpleNamespace(title="News", stories=[lead])]
    build = PageFingerprints()
    pages = []
    for title in ("One", "Two", "Three"):
        sources: set[str] = set()
        context = {"front_desks": desks, "page_title": title}
        pages.append(build.of("page.html", reads, context, sources))
        alone: set[str] = set()
        assert pages[-1] == PageFingerprints().of("page.html", reads, context, alone)
        assert sources == alone == {"Content:news/harbour.md"}
    assert len(set(pages)) == 3
    # Another desk list (a new object) is read again, not taken from memory.
    other = [SimpleNamespace(title="Sport", stories=[lead])]
    assert build.of("page.html", reads, {"front_desks": other, "page_title": "One"}) != pages[0]


def test_templates_loaded_once_are_not_checked_again() -> None:
    sources = {"page.html": "first"}
    environment = jinja2.Environment(loader=jinja2.DictLoader(sources))
    load_templates_once(SimpleNamespace(env=environment))
    assert environment.get_template("page.html").render() == "first"
    sources["page.html"] = "second"  # an environment checking its templates would reload it
    assert environment.get_template("page.html").render() == "first"

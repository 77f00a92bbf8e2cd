"""The Markdown dialect of the archive: CommonMark with tables and strikethrough, front
matter parsed in the same pass, and Pelican's ``{filename}`` links left intact."""
from __future__ import annotations

import re

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

# Pelican resolves links written as {filename}/path, {static}/path, |filename|path, ...;
# markdown-it would percent-encode the braces, and Pelican would no longer see them.
_PELICAN_LINK = re.compile(r"^(\{\w+\}|\|\w+\|)(.*)$", re.S)


def _normalize_link(url: str) -> str:
    match = _PELICAN_LINK.match(url)
    if match is None:
        return normalizeLink(url)
    return match.group(1) + normalizeLink(match.group(2))


# A line's indentation: the spaces and tabs it starts with.
_INDENT = re.compile(r"[ \t]*")


def line_marks(src: str) -> tuple[list[int], list[int], list[int], list[int], list[int]]:
    """markdown-it's line tables of `src` (begin and end offsets, indent in characters and
    in columns with tabs expanded, block-quote column), with its closing fake line.

    StateBlock computes them looping over every character in Python (an eighth of reading an
    article); this finds each line and its indent with string methods. Same rules: a line is
    recorded at its newline, or at the end of the text unless that last line is only spaces
    and tabs.
    """
    begins: list[int] = []
    ends: list[int] = []
    indents: list[int] = []
    columns: list[int] = []
    length = len(src)
    start = 0
    while start < length:
        newline = src.find("\n", start)
        end = length if newline < 0 else newline
        indent_end = _INDENT.match(src, start, end).end()  # type: ignore[union-attr]
        if newline < 0 and indent_end == length:
            break  # a last line of only spaces and tabs, without a newline
        indent = src[start:indent_end]
        column = len(indent)
        if "\t" in indent:
            column = 0
            for character in indent:
                column += 4 - column % 4 if character == "\t" else 1
        begins.append(start)
        ends.append(end)
        indents.append(indent_end - start)
        columns.append(column)
        start = end + 1
    return [*begins, length], [*ends, length], [*indents, 0], [*columns, 0], [0] * (len(begins) + 1)


class _LineIndexedState(StateBlock):
    """markdown-it's block state, with its line tables made by `line_marks`."""

    def __init__(self, src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> None:
        super().__init__("", md, env, tokens)  # every other field, with no text to scan
        self.src = src
        self.bMarks, self.eMarks, self.tShift, self.sCount, self.bsCount = line_marks(src)
        self.lineMax = len(self.bMarks) - 1  # the fake closing line is not counted


class _ArchiveBlockParser(ParserBlock):
    """markdown-it's block parser, starting from a `_LineIndexedState`."""

    def parse(self, src: str, md: MarkdownIt, env: Any, outTokens: list[Token]) -> list[Token] | None:
        if not src:
            return None
        state = _LineIndexedState(src, md, env, outTokens)
        self.tokenize(state, state.line, state.lineMax)
        return state.tokens


def archive_markdown() -> MarkdownIt:
    """Return a markdown-it parser for article files; raw HTML is parsed (and sanitized later)."""
    md = MarkdownIt("commonmark", {"html": True}).use(front_matter_plugin).enable(["table", "strikethrough"])
    md.normalizeLink = _normalize_link  # type: ignore[method-assign]
    block = _ArchiveBlockParser()
    block.ruler = md.block.ruler  # the rules as configured above
    md.block = block
    return md

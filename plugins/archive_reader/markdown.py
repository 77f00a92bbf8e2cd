"""The Markdown dialect of the archive: CommonMark with tables and strikethrough, front
matter parsed in the same pass, and Pelican's ``{filename}`` links left intact."""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from mdit_py_plugins.front_matter import front_matter_plugin

from archive_reader.block_state import LineIndexedParserBlock
from archive_reader.text_rules import use_text_rules

# Pelican resolves links written as {filename}/path, {static}/path, |filename|path, ...;
# markdown-it would percent-encode the braces, and Pelican would no longer see them.
_PELICAN_LINK = re.compile(r"^(\{\w+\}|\|\w+\|)(.*)$", re.S)


def _normalize_link(url: str) -> str:
    match = _PELICAN_LINK.match(url)
    if match is None:
        return normalizeLink(url)
    return match.group(1) + normalizeLink(match.group(2))


def archive_markdown() -> MarkdownIt:
    """Return a markdown-it parser for article files; raw HTML is parsed (and sanitized later)."""
    md = MarkdownIt("commonmark", {"html": True}).use(front_matter_plugin).enable(["table", "strikethrough"])
    md.normalizeLink = _normalize_link  # type: ignore[method-assign]
    md.block = LineIndexedParserBlock(md.block)  # same tokens, line index made faster
    use_text_rules(md)  # same tokens, line ends and plain text taken in fewer steps
    return md

"""A story of plain paragraphs read without markdown-it: the same front matter and HTML, cheaper.

Most stories of the archive are front matter and paragraphs of plain text: no headings, lists,
quotes, links, emphasis, code, tables or HTML. markdown-it-py still tries every block rule on
every line and every inline rule at each stop character, 0.16 ms a story (half of reading one).
For such a text its output is known: each run of non-blank lines is one paragraph, rendered
as `<p>` + the lines joined by newlines, HTML-escaped, + `</p>\\n`, the first after a newline.

`plain_story(text)` gives (front matter block, HTML) only when it can tell that markdown-it
would give exactly that, and None for anything else (the caller then parses with markdown-it):

- the front matter opens with a line of exactly `---` and closes at the first line of exactly
  `---`; no line between starts with three dashes other than that one (however indented) or
  with `...` (the front matter plugin reads those in ways of its own);
- no line of the body starts or ends with whitespace (indented code, hard breaks and
  markdown-it's trimming of Unicode spaces stay with markdown-it), and none starts with a
  heading's `#`, a quote's `>`, a list's `-` or `+` or digits and `.` or `)`, a setext
  underline's `=` or a link reference's `[` (the other marks of a block are refused anywhere,
  below);
- the body holds none of the characters an inline rule (or a fence, list, rule or HTML block)
  starts at (backslash, backtick, `~`, `*`, `_`, `<`), no `](` (a link or image: with no
  reference definition `[label]` and `[a][b]` are text), no `&` that could begin an entity
  and no `|` (a table's first line has one), and the story no carriage return or NUL.

`!`, `[` and `]` may appear: with no destination or reference definition no image or link
can form, and markdown-it adds them as text. The tests compare it with markdown-it on random
texts made of every such character.
"""

from __future__ import annotations

import re


FENCE = "---"
# Characters an inline rule (or a fence, list, rule, HTML block or table) starts at; a line
# start markdown-it could read as a heading, quote, list, underline or link reference; an
# ordered list's number; `&` that may begin an entity.
UNPLAIN_CHARACTERS = "\\`~*_<|"
UNPLAIN_LINE_STARTS = "#>-+=["
# A bracket makes a link or image only when a destination follows it (`[label]`, `[a][b]` and
# `[a][]` need a reference definition, which starts a line): `[` is text otherwise.
LINK_DESTINATION = "]("
_ORDERED_ITEM = re.compile(r"\d+[.)]")
_ENTITY = re.compile(r"&#?\w+;")
# A front matter line the plugin reads in a way of its own: dashes that may close it, or `...`.
_ODD_FRONT_LINE = re.compile(r"^[ \t]*(?:---|\.\.\.)", re.M)
_BLANK_LINES = re.compile(r"\n\n+")


# markdown-it's escapeHtml for a plain text (which has no `<`), in its order: "&" first.
MARKDOWN_IT_ESCAPES = (("&", "&amp;"), (">", "&gt;"), ('"', "&quot;"))
# What the sanitizer (html5ever's serializer) writes for the same text: quotes as themselves, a
# no-break space as &nbsp;. With these the HTML is already what sanitize_html makes of it.
SANITIZED_ESCAPES = (("&", "&amp;"), (">", "&gt;"), ("\u00a0", "&nbsp;"))
Escapes = tuple[tuple[str, str], ...]


def plain_story(text: str, escapes: Escapes = MARKDOWN_IT_ESCAPES) -> tuple[str, str] | None:
    """(front matter block, rendered HTML) of `text` as markdown-it renders it with the archive's
    dialect (with SANITIZED_ESCAPES: as sanitize_html then writes it), when the body is plain
    paragraphs; None when markdown-it must read it."""
    if not text.startswith(FENCE + "\n") or "\r" in text or "\0" in text:
        return None  # markdown-it first rewrites line ends and NUL
    opened = len(FENCE)  # the newline ending the opening fence
    closing = text.find("\n" + FENCE + "\n", opened)  # the newline before the closing fence
    if closing < 0:
        return None  # unclosed, or closed by the text's last line: left to markdown-it
    if _ODD_FRONT_LINE.search(text, opened + 1, closing):
        return None
    body = text[closing + len(FENCE) + 2:]
    if _has_marks(body):
        return None
    for line in body.split("\n"):
        if line and (line[0].isspace() or line[-1].isspace() or line[0] in UNPLAIN_LINE_STARTS
                     or (line[0].isdigit() and _ORDERED_ITEM.match(line))):
            return None
    # Escaping adds no line end: the paragraphs of the escaped body are those of the body.
    paragraphs = _BLANK_LINES.split(_escape(body, escapes).strip("\n"))
    html = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs if paragraph)
    # markdown-it starts a block after a hidden token (the front matter) on a new line.
    return text[opened + 1:closing], "\n" + html if html else ""


def plain_inline(text: str, escapes: Escapes = MARKDOWN_IT_ESCAPES) -> str | None:
    """markdown-it's renderInline of `text` (a summary) when it is one line of plain text, which
    markdown-it renders escaped (see plain_story for `escapes`); None when markdown-it must read it."""
    if "\n" in text or "\r" in text or "\0" in text or text.startswith("\ufeff") or _has_marks(text):
        return None  # (the sanitizer drops a byte order mark at the start)
    return _escape(text, escapes)


def _has_marks(text: str) -> bool:
    """Whether an inline rule may start somewhere in `text` (see UNPLAIN_CHARACTERS)."""
    return (any(character in text for character in UNPLAIN_CHARACTERS) or LINK_DESTINATION in text
            or ("&" in text and bool(_ENTITY.search(text))))


def _escape(text: str, escapes: Escapes) -> str:
    """`text` with each character of `escapes` replaced, in their order (only those it has)."""
    for character, entity in escapes:
        if character in text:
            text = text.replace(character, entity)
    return text

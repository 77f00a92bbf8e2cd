"""CMS HTML (WordPress post bodies, feed content) → clean Markdown, and plain text → safe Markdown.

Only the structure a story needs survives: paragraphs, headings, lists, quotes, links, emphasis,
line breaks and images. Scripts, styles, embeds' wrappers, Gutenberg block comments and inline
styling are dropped.
"""

from __future__ import annotations

import re

from lxml import etree, html

__all__ = ["html_to_markdown", "html_to_text", "escape_markdown", "strip_shortcodes", "text_block_to_markdown"]

_DROP = {"script", "style", "noscript", "iframe", "form", "button", "svg", "template", "object", "embed"}
_BLOCKS = {"p", "div", "section", "article", "figure", "header", "footer", "main", "aside", "table", "dl"}
_GUTENBERG = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
# WordPress shortcodes: [caption]...[/caption] keeps its picture and text; others are removed
_CAPTION_SHORTCODE = re.compile(r"\[caption[^\]]*\](.*?)\[/caption\]", re.S | re.I)
_SHORTCODE = re.compile(r"\[(/?)([a-z][\w-]*)((?:\s[^\]]*)?)\]", re.I)
_SPACES = re.compile(r"[ \t\r\n\u00a0]+")
_MARKDOWN_START = re.compile(r"^(\s*)([#>+\-*]|\d+[.)])(\s)")


def escape_markdown(text: str) -> str:
    """Plain text made safe as a Markdown paragraph: a leading "#", "-", "1." stays literal.

    Only line starts are escaped, so the paragraph reads as typed in the file an editor opens.
    """
    return _escape_start(text)


def text_block_to_markdown(block: str) -> str:
    """A block of page text as Markdown: tab-separated rows become a table, prose stays as typed."""
    rows = [line.split("\t") for line in block.split("\n")]
    if len(rows) < 2 or any(len(row) < 3 for row in rows):
        return escape_markdown(block)
    width = max(len(row) for row in rows)

    def cells(row: list[str]) -> str:
        padded = [cell.strip().replace("|", "\\|") for cell in row] + [""] * (width - len(row))
        return "| " + " | ".join(padded) + " |"

    return "\n".join([cells(rows[0]), "|" + " --- |" * width, *(cells(row) for row in rows[1:])])


def _escape_start(text: str) -> str:
    def escaped(match: re.Match[str]) -> str:
        marker = match.group(2)
        marker = marker[:-1] + "\\" + marker[-1] if marker[0].isdigit() else "\\" + marker
        return match.group(1) + marker + match.group(3)

    return _MARKDOWN_START.sub(escaped, text)


def _inline(node: etree._Element) -> str:
    """Markdown for the inline content of `node` (its text, children and their tails)."""
    parts = [escape_inline(node.text or "")]
    for child in node:
        if isinstance(child.tag, str):
            parts.append(_inline_element(child))
        parts.append(escape_inline(child.tail or ""))
    return "".join(parts)


def _inline_element(element: etree._Element) -> str:
    """Markdown for one inline element (without its tail)."""
    tag = element.tag.lower()
    if tag in _DROP:
        return ""
    inner = _inline(element).strip()
    if tag in ("strong", "b") and inner:
        return f"**{inner}**"
    if tag in ("em", "i") and inner:
        return f"*{inner}*"
    if tag == "a" and inner:
        href = (element.get("href") or "").strip()
        return f"[{inner}]({href})" if href and not href.lower().startswith("javascript:") else inner
    if tag == "br":
        return "  \n"
    if tag == "img":
        src = element.get("src")
        return f"![{escape_inline(element.get('alt') or '')}]({src})" if src else ""
    if tag == "code" and inner:
        return f"`{element.text_content()}`"
    return inner if tag not in _BLOCKS else f" {inner} "


def escape_inline(text: str) -> str:
    """Collapse whitespace and escape Markdown punctuation inside a run of text."""
    text = _SPACES.sub(" ", text)
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("[", "\\[").replace("`", "\\`")


def _blocks(node: etree._Element, out: list[str], depth: int = 0) -> None:
    """Append the Markdown blocks of `node`'s children to `out`."""
    loose = [escape_inline(node.text or "")]

    def flush() -> None:
        text = "".join(loose).strip()
        if text:
            out.append(_escape_start(text))
        loose.clear()

    for child in node:
        if not isinstance(child.tag, str):
            loose.append(escape_inline(child.tail or ""))
            continue
        tag = child.tag.lower()
        if tag in _DROP:
            pass
        elif re.fullmatch(r"h[1-6]", tag):
            flush()
            text = _inline(child).strip()
            if text:
                out.append("#" * max(2, int(tag[1])) + " " + text)
        elif tag in ("ul", "ol"):
            flush()
            items = [li for li in child if isinstance(li.tag, str) and li.tag.lower() == "li"]
            lines = []
            for number, item in enumerate(items, start=1):
                marker = f"{number}." if tag == "ol" else "-"
                text = _inline(item).strip()
                if text:
                    lines.append("  " * depth + f"{marker} {text}")
            if lines:
                out.append("\n".join(lines))
        elif tag == "blockquote":
            flush()
            inner: list[str] = []
            _blocks(child, inner, depth)
            if inner:
                out.append("\n>\n".join("> " + block.replace("\n", "\n> ") for block in inner))
        elif tag == "pre":
            flush()
            out.append("```\n" + child.text_content().rstrip() + "\n```")
        elif tag == "hr":
            flush()
            out.append("---")
        elif tag in _BLOCKS or tag in ("figcaption", "li", "tr", "td", "th", "dd", "dt", "tbody", "thead"):
            flush()
            _blocks(child, out, depth)
        else:
            loose.append(_inline_element(child))
        loose.append(escape_inline(child.tail or ""))
    flush()


def strip_shortcodes(fragment: str) -> tuple[str, list[str]]:
    """The fragment without WordPress shortcodes, and the shortcodes removed (for the report).

    A [caption] keeps its image and caption text as a figure; [embed]URL[/embed] keeps the URL
    as a paragraph; any other shortcode tag is dropped, its inner text kept.
    """
    removed: list[str] = []

    def caption(match: re.Match[str]) -> str:
        return f"<figure>{match.group(1)}</figure>"

    def embed(match: re.Match[str]) -> str:
        removed.append(match.group(0))
        return f"<p>{match.group(1).strip()}</p>"

    fragment = _CAPTION_SHORTCODE.sub(caption, fragment)
    fragment = re.sub(r"\[embed[^\]]*\](.*?)\[/embed\]", embed, fragment, flags=re.S | re.I)

    def other(match: re.Match[str]) -> str:
        removed.append(match.group(0))
        return ""

    return _SHORTCODE.sub(other, fragment), removed


def html_to_markdown(fragment: str) -> str:
    """Markdown for an HTML fragment (WordPress block comments removed); "" when it has no text."""
    fragment = _GUTENBERG.sub("", fragment or "")
    if not fragment.strip():
        return ""
    if "<" not in fragment:
        # classic WordPress: plain text with blank lines between paragraphs
        return "\n\n".join(escape_markdown(escape_inline(part.strip())) for part in re.split(r"\n\s*\n", fragment) if part.strip())
    if not re.search(r"<(p|div|h[1-6]|ul|ol|blockquote|figure|table|pre)\b", fragment, re.I):
        # wpautop: paragraphs are blank-line separated text with inline tags
        fragment = "".join(f"<p>{part}</p>" for part in re.split(r"\n\s*\n", fragment) if part.strip())
    root = html.fragment_fromstring(fragment, create_parent="div")
    out: list[str] = []
    _blocks(root, out)
    return "\n\n".join(block for block in out if block.strip())


def html_to_text(fragment: str) -> str:
    """The plain text of an HTML fragment, whitespace collapsed (for summaries and excerpts)."""
    fragment = _GUTENBERG.sub("", fragment or "")
    if not fragment.strip():
        return ""
    if "<" not in fragment:
        return _SPACES.sub(" ", fragment).strip()
    return _SPACES.sub(" ", html.fragment_fromstring(fragment, create_parent="div").text_content()).strip()

"""Two of markdown-it-py's rules doing the same work in fewer steps: the same tokens, cheaper.

- Line ends: markdown-it-py's `normalize` runs a regular expression over the whole story that
  matches at every line end (15 µs for a 2,600-character story) to turn `\\r\\n` and `\\r` into
  `\\n`; stories written by the importer never have a `\\r`. `normalize_line_ends` does the same
  replacements with `str.replace`, and only when a `\\r` (or a NUL) is there at all.
- Plain text: the inline `text` rule takes text up to the next character that markdown-it-py's
  list says another rule may start at. That list also holds characters no enabled rule starts
  at (`-`, `:`, `%`, `$`, `+`, `=`, `#`...: kept for rules this archive does not enable), and
  every hyphen of a story then stops the text, tries every rule in turn and adds the one
  character after all. `text_rule_for` makes a rule that stops only where an enabled rule may
  start (and at `]`, which link labels look for): what it skips, every rule would have refused
  and the parser would have added as text, so the text and the tokens are the same.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

# The characters each of markdown-it-py's inline rules can start at (its own first checks).
RULE_STARTS = {
    "text": "",
    "linkify": ":",
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "*_",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
}
# Link labels are scanned token by token and must see each bracket.
LABEL_MARKS = "[]"


def normalize_line_ends(state: StateCore) -> None:
    """markdown-it-py's `normalize` core rule: `\\r\\n` and `\\r` become `\\n`, NUL becomes U+FFFD."""
    text = state.src
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    state.src = text


def text_rule_for(md: MarkdownIt) -> Callable[[StateInline, bool], bool] | None:
    """A `text` rule for `md`'s enabled inline rules, or None when one of them is not in
    RULE_STARTS (its start characters are unknown: markdown-it-py's own rule stays)."""
    active = md.inline.ruler.get_active_rules()
    if any(name not in RULE_STARTS for name in active):
        return None
    stops = "".join(sorted(set("".join(RULE_STARTS[name] for name in active) + LABEL_MARKS)))
    stop = re.compile("[" + re.escape(stops) + "]")

    def text(state: StateInline, silent: bool) -> bool:
        # markdown-it-py's rule, with its list of characters replaced by `stops`.
        found = stop.search(state.src, state.pos)
        end = found.start() if found else state.posMax
        if end == state.pos:
            return False
        if not silent:
            state.pending += state.src[state.pos:end]
        state.pos = end
        return True

    return text


def use_text_rules(md: MarkdownIt) -> None:
    """Put both rules in place of markdown-it-py's (call after enabling every rule)."""
    md.core.ruler.at("normalize", normalize_line_ends)
    text = text_rule_for(md)
    if text is not None:
        md.inline.ruler.at("text", text)

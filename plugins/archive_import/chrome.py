"""What site chrome looks like in page text: a table of line patterns and the reason each is removed.

A page dump mixes the article with navigation, newsletter forms, share buttons, related links and
footers. Each entry below recognises one kind of chrome from its vocabulary alone, so the same
table works on sites the importer has never seen; per-source hints (pelicanconf.py
IMPORT_CHROME_HINTS) add exact lines for one site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ChromeRule", "CHROME_RULES", "SECTION_BREAKS", "chrome_reason", "section_break_reason"]


@dataclass(frozen=True)
class ChromeRule:
    """One kind of site chrome: a pattern for short lines and the reason reported when removed."""

    reason: str
    pattern: re.Pattern[str]
    max_words: int = 14
    """Longer lines are prose that happens to use the word (a story about newsletters)."""


def _rule(reason: str, pattern: str, max_words: int = 14) -> ChromeRule:
    return ChromeRule(reason, re.compile(pattern, re.I), max_words)


CHROME_RULES: tuple[ChromeRule, ...] = (
    _rule("navigation", r"^(skip to (main )?(content|navigation|footer|search)|jump to|back to top|main menu|"
          r"menu|search|home|sections?|toggle navigation|open navigation|close( menu)?|"
          r"- menu -|sign ?in|log ?in|log ?out|my account|register|account)\b\W*$"),
    _rule("editing control", r"^(edit( post| this| article)?|preview|publish)$"),
    _rule("reading time", r"^\W*\d+\s*(-\s*)?(min(ute)?s?|minutes?)\.?\s*(read|reading|listen)\b.*$", 6),
    _rule("audio notice", r"(this audio is|listen to (this|the) (article|story)|audio (version|is created)|"
          r"text[- ]to[- ]speech|ai[- ]generated audio|play audio|listen now)", 12),
    _rule("newsletter form", r"(newsletter|subscribe|subscription|sign(ing)? up|sign-up|your email|e-?mail address|"
          r"inbox|indicates required|successful+y subscribed|confirmation email|unsubscribe|"
          r"breaking news (emails|alerts)|news alerts|daily digest|opt[- ]in)", 24),
    _rule("share buttons", r"^(share|share (this|on|via)|tweet|pin( it)?|email|e-mail|print|whatsapp|facebook|"
          r"twitter|linkedin|reddit|copy link|copied|comments?|\d+ comments?|flipboard|messenger|"
          r"share this (article|story|page)|share on \w+)\b\W*(\w+\W*){0,3}$", 6),
    _rule("cookie notice", r"(cookie|cookies|privacy (policy|settings|notice)|consent|gdpr|tracking technolog|"
          r"terms? (of (use|service)|and conditions)|do not sell)", 40),
    _rule("call to action", r"^(click|tap) here\b|\b(share panel|navigation|navigation menu|how to advertise|advertise with us|copy (this )?link)\b", 12),
    _rule("advertisement", r"^\W*(advertisement|advertising|sponsored( content)?|ad choices|adchoices|"
          r"story continues (below|after)|continue reading( below| the main story)?|"
          r"article continues (below|after)( advertisement)?|ad|paid content|promoted|partner content)\W*$", 8),
    _rule("related link", r"^(related|related (articles?|stories|content|coverage|news|posts|topics|links)|"
          r"read (more|also|next)|see also|more (from|on|about|stories|like this)|you (may|might) (also )?like|"
          r"recommended( for you| stories| reading)?|trending( now| stories)?|what to read next|"
          r"also read|further reading|latest (news|stories|articles|headlines)|top stories|"
          r"most (popular|read|viewed|shared|emailed|watched)( articles| stories| videos)?|popular( now)?|"
          r"editors'? ?(picks|choice)|more news|news feed|in other news|don't miss|must read|"
          r"from (around|across) the web|more stories|up next|watch next|next (article|story|up))\b.*$", 8),
    _rule("related link", r"^(related|read more|also read|read also|see also|see more|more|watch|listen|recommended)\s*[:|»>–-]", 30),
    # a teaser link labelled with its kind in capitals: "... eating marmot [INSIGHT]"
    _rule("related link", r"\[[A-Z]{3,12}\]\W*$", 30),
    _rule("footer", r"(©|\(c\)\s*\d{4}|copyright\s*(©|\(c\)|\d{4})|all rights reserved|contact us|about us|careers|"
          r"site ?map|accessibility|advertise with us|terms of (use|service)|privacy policy|follow us)", 20),
    _rule("footer", r"(©|all rights reserved|registered trademarks?|trademarks? of)", 80),
    _rule("social prompt", r"^(follow|like) (us|me) (on|at)\b|^(join|connect with) us\b", 12),
    _rule("comment form", r"(leave a (comment|reply)|post a comment|comments are closed|your comment|"
          r"add a comment|join the (conversation|discussion)|view comments|show comments|"
          r"community guidelines)", 16),
    _rule("photo gallery control", r"^(view|open|enlarge|expand) (image|gallery|photos?|slideshow)|"
          r"^(image|photo|picture) \d+ (of|/) \d+$|^\d+\s*/\s*\d+$", 8),
    _rule("truncated teaser", r"(\.\.\.|…)\s*(more|read more|continue reading)\W*$", 80),
    _rule("tag list", r"^(tags?|topics?|filed under|posted in|categories|keywords|subjects?|names in this article)\s*[:|]", 30),
    _rule("article credits", r"^(researched|edited|reported|written|produced|fact[- ]checked|additional reporting)( by)?\s*:", 20),
    _rule("photo credit", r"\b(getty images|shutterstock|ap photo|istock(photo)?|alamy|(photo|image|picture)s?( credit)?\s*:)", 10),
)

# Headings that open a block of non-article material below the story (a news feed, related
# stories): once the body has ended at one of these, everything up to the next heading keeps the
# same reason.
SECTION_BREAKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("news feed item", re.compile(r"^(news feed|latest news|live updates|breaking news|just in|news ticker)\W*$", re.I)),
    ("related link", re.compile(
        r"^(related( \w+){0,2}|more news|more stories|more from .{1,40}|editors'? ?picks|read (more|next)|"
        r"recommended( \w+){0,2}|most (popular|read|viewed|shared)( \w+){0,2}|you (may|might) also like|"
        r"top stories|trending( now)?|popular( now)?|further reading|see also|in other news|"
        r"what to read next|more on this story|more (in|on) .{1,40})\W*$", re.I)),
    ("comment form", re.compile(r"^(\d+\s+)?(comments?|responses?|replies|discussion|join the conversation)\W*(\(\d+\))?$"
                                r"|^\d+ (thoughts|comments|responses|replies) (on|to)\b", re.I)),
    ("source list", re.compile(r"^(our )?(sources|references|bibliography)\W*$", re.I)),
    ("footer", re.compile(r"^(about( us)?|contact( us)?|company|legal|footer|site map|sitemap)\W*$", re.I)),
)

_WORD = re.compile(r"\w+")


def chrome_reason(line: str) -> str | None:
    """The reason a line is site chrome, or None when its vocabulary says nothing."""
    words = len(_WORD.findall(line))
    for rule in CHROME_RULES:
        if words <= rule.max_words and rule.pattern.search(line):
            return rule.reason
    return None


def section_break_reason(line: str) -> str | None:
    """The reason for the block a heading line opens (news feed, related links...), or None."""
    for reason, pattern in SECTION_BREAKS:
        if pattern.match(line.strip()):
            return reason
    return None

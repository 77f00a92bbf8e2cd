"""One line of a page dump and what it looks like: a sentence, a menu item, a dateline, a caption.

`read_lines` turns the dump into `Line` records with the features the body finder scores and
the header reader looks for; the other helpers answer questions about one line's text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from archive_import.chrome import chrome_reason, section_break_reason
from archive_import.dates import RelativeDateError, find_dates, looks_like_dateline

WORD = re.compile(r"\w+")
# Chinese, Japanese and Korean runs count as one \w+ token; two characters make about a word.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"[.!?…:;。！？][\"'”’»)\]」』]*\s*$|[\"”’»」』]\s*$")
TIME_ONLY = re.compile(r"^\W*\d{1,2}[:.]\d\d\s*([ap]\.?m\.?)?\W*$", re.I)
# "Title Of A Teaser" glued to its blurb ("...In Troy SteakhouseA party of six left...") is how a
# teaser card reads once the browser drops the block boundary between title and text.
_GLUED = re.compile(r"(?<=[a-z0-9?!.’')”])(?=[A-Z][a-z])")
_HAS_DIGIT = re.compile(r"\d")
RELATIVE_TIME = re.compile(r"\b(ago|yesterday|just now)\b", re.I)
# "By", and its German, French and Spanish forms, opening a byline
BYLINE_START = re.compile(r"^(?:(?:written|posted|reported)\s+)?(?:by|von|par|por)[:\s]+(?=(?-i:[^\W\d_a-z]))", re.I)
_CREDIT_WORDS = (
    r"photo|photograph|image|getty|afp|\bap\b|reuters|epa|shutterstock|courtesy|credit|via|"
    r"file|xinhua|anadolu|alamy|pool|bloomberg|nurphoto|sopa|tass|ria novosti|istock|unsplash"
)
_PAREN_CREDIT = re.compile(r"^(?P<caption>.*?)\s*\((?P<credit>[^()]*(?:" + _CREDIT_WORDS + r")[^()]*)\)\s*(?:\w+\s*){0,2}$", re.I)
_LABEL_CREDIT = re.compile(
    r"^(?P<caption>.*?)\s*(?:(?:image|photo|picture)\s+)?(?:credit|photo|photograph|source)\s*:\s*(?P<credit>[^.]{2,80})$",
    re.I,
)
# inside the story only an unmistakable photo credit marks a caption ("... (AP Photo/Jane Roe)")
PHOTO_CREDIT = re.compile(r"\((?:[^()]*\b(?:photo|photograph|getty|images|shutterstock|credit|afp|epa)\b[^()]*)\)\s*(?:\w+\s*){0,2}$", re.I)
# a photographer's credit on its own line: "Anna Moneymaker/The New York Times"
_CREDIT_LINE = re.compile(r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}\s?/\s?(?:The )?[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,4}$")
# "Analysis by Jane Roe", "Photograph by Jane Roe/Getty Images": credits, not headlines
_CREDITED = re.compile(r"^\w+ by (?-i:[A-Z])|\b(photograph|photo|image|picture)s? by\b|\bgetty\b", re.I)
_SLASH_CREDIT = re.compile(r"^(?P<caption>.*?[.!?])\s*(?P<credit>[^.]{2,60}\s/\s[^.]{2,40})$")


@dataclass
class Line:
    """One line of the dump (stripped) with the features that tell article text from chrome."""

    number: int
    """1-based line number in the raw file."""
    text: str
    words: int
    """Words (two CJK characters count as one)."""
    sentence: bool
    """Ends like a sentence (3+ words, closing punctuation or quote)."""
    chrome: str | None
    """The chrome reason its vocabulary gives (newsletter form, navigation...), or None."""
    repeated: bool
    """A short line that appears more than once on the page."""
    section_break: str | None
    """The reason for the block a heading such as "News Feed" opens, or None."""
    header: bool
    """A dateline or byline: the story's body starts below such a line."""
    packed: bool
    """Prose with another long line right above or below (a teaser list, a footer block)."""
    isolated: bool
    """A line with blank lines around it: a paragraph of its own, not an item of a menu or list."""
    score: float = 0.0


def is_glued_teaser(text: str) -> bool:
    """True for a teaser card: a Title Case title run straight into its blurb.

    The glued word must be a whole word on its left (5+ letters), so brand names such as
    "MacBook" or "YouTube" are not mistaken for a glued title.
    """
    for match in _GLUED.finditer(text, 0, 200):
        title = text[: match.start()].split()
        if len(title) < 4 or len(title[-1]) < 5 or title[-1].isupper() or not title[-1][:1].isupper():
            continue
        if sum(word[:1].isupper() or word[:1].isdigit() for word in title) >= 0.7 * len(title):
            return True
    return False


def is_table_row(line: Line) -> bool:
    """A row of a table copied from the page: cells separated by tabs."""
    return line.text.count("\t") >= 2 and line.words >= 3


def word_count(text: str) -> int:
    """Words in a line, counting two CJK characters as a word."""
    cjk = len(_CJK.findall(text))
    return len(WORD.findall(text)) + (cjk // 2 if cjk > 3 else 0)


def is_header_line(text: str, words: int) -> bool:
    """A byline ("By Jane Roe", maybe with its date) or a line that is little more than a date."""
    if not text or words > 24:
        return False
    if BYLINE_START.match(text) and (words <= 10 or (_HAS_DIGIT.search(text) and has_date(text))):
        return True
    return words <= 14 and bool(_HAS_DIGIT.search(text)) and looks_like_dateline(text)


def read_lines(lines: list[str], hints: frozenset[str]) -> list[Line]:
    stripped = [line.strip() for line in lines]
    counts = Counter(text.lower() for text in stripped if text)
    word_counts = [word_count(text) if text else 0 for text in stripped]
    result = []
    last = len(stripped) - 1
    for number, text in enumerate(stripped, start=1):
        index = number - 1
        words = word_counts[index]
        isolated = (index == 0 or not stripped[index - 1]) and (index == last or not stripped[index + 1])
        packed = not isolated and any(word_counts[i] >= 6 for i in (index - 1, index + 1) if 0 <= i <= last)
        chrome = "site chrome (configured)" if text.lower() in hints else (chrome_reason(text) if text else None)
        result.append(Line(
            number=number,
            text=text,
            words=words,
            sentence=bool(_SENTENCE_END.search(text)) and words >= 3,
            chrome=chrome,
            repeated=bool(text) and counts[text.lower()] > 1 and words < 12,
            section_break=section_break_reason(text) if text and words <= 8 else None,
            header=is_header_line(text, words),
            isolated=isolated,
            packed=packed,
        ))
    return result


def caption_parts(text: str) -> tuple[str, str] | None:
    """(caption, credit) when the line is a photo caption carrying a credit."""
    # cheap tests first: most lines have none of the marks a credit needs
    for mark, pattern in ((")", _PAREN_CREDIT), (":", _LABEL_CREDIT), (" / ", _SLASH_CREDIT)):
        if mark not in text:
            continue
        match = pattern.match(text)
        if match:
            return match.group("caption").strip(), match.group("credit").strip()
    return None


def has_date(text: str) -> bool:
    """Whether a line holds a date (relative ones included)."""
    try:
        return bool(find_dates(text, "UTC"))
    except RelativeDateError:
        return True


def is_title_like(line: Line) -> bool:
    """Could this line be a headline: 3-30 words, no closing period, not chrome, date or credit."""
    text = line.text
    # a repeated line may be the headline itself (a sticky title bar repeats it)
    if not 3 <= line.words <= 30 or line.chrome or line.section_break or (line.repeated and line.words < 4):
        return False
    if text.endswith((".", ",", ";", ":")) and not text.endswith("..."):
        return False
    if BYLINE_START.match(text) or TIME_ONLY.match(text) or caption_parts(text) or _CREDIT_LINE.match(text) \
            or _CREDITED.search(text):
        return False
    if line.header or (any(ch.isdigit() for ch in text) and has_date(text)):
        return False
    first = text.split()[0]
    initial = text[:1]
    # scripts without capitals (Arabic, Hebrew, CJK) and brands such as "iTunes" open headlines too
    return (initial.isupper() or not initial.isalpha() or initial.upper() == initial.lower()
            or any(ch.isupper() for ch in first[1:]))



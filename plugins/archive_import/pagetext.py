"""Extract one story from a plain-text page dump ("select all, copy" of a news page).

The dump is a column of lines: site navigation, the headline, a byline and date line, a photo
caption, the article paragraphs, then related links, news feeds, newsletter forms and footers.
Each line gets a score from generic features (is it a sentence? how long? does its vocabulary
say chrome? is it repeated on the page?) and the article body is the best-scoring run of lines
that does not cross a section heading such as "News Feed" or "Related". The header above the run
gives the headline, byline, dates, section and photo caption. Every line that does not end up in
the story is reported with the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from archive_import.chrome import chrome_reason, section_break_reason
from archive_import.dates import FoundDate, RelativeDateError, find_dates, looks_like_dateline
from archive_import.records import RemovedBlock

__all__ = ["PageText", "extract_page_text"]

_WORD = re.compile(r"\w+")
# Chinese, Japanese and Korean runs count as one \w+ token; two characters make about a word.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"[.!?…:;。！？][\"'”’»)\]」』]*\s*$|[\"”’»」』]\s*$")
_TIME_ONLY = re.compile(r"^\W*\d{1,2}[:.]\d\d\s*([ap]\.?m\.?)?\W*$", re.I)
# "Title Of A Teaser" glued to its blurb ("...In Troy SteakhouseA party of six left...") is how a
# teaser card reads once the browser drops the block boundary between title and text.
_GLUED = re.compile(r"(?<=[a-z0-9?!.’')”])(?=[A-Z][a-z])")
_HAS_DIGIT = re.compile(r"\d")
_RELATIVE_TIME = re.compile(r"\b(ago|yesterday|just now)\b", re.I)
_READING_TIME = re.compile(r"\b\d+\s*(?:-\s*)?min(?:ute)?s?\.?\s*(?:read|reading|listen)\b", re.I)
# "By", and its German, French and Spanish forms, opening a byline
_BYLINE_START = re.compile(r"^(?:(?:written|posted|reported)\s+)?(?:by|von|par|por)[:\s]+(?=(?-i:[^\W\d_a-z]))", re.I)
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
_PHOTO_CREDIT = re.compile(r"\((?:[^()]*\b(?:photo|photograph|getty|images|shutterstock|credit|afp|epa)\b[^()]*)\)\s*(?:\w+\s*){0,2}$", re.I)
# a photographer's credit on its own line: "Anna Moneymaker/The New York Times"
_CREDIT_LINE = re.compile(r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}\s?/\s?(?:The )?[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,4}$")
_SLASH_CREDIT = re.compile(r"^(?P<caption>.*?[.!?])\s*(?P<credit>[^.]{2,60}\s/\s[^.]{2,40})$")
_BYLINE_SPLIT = re.compile(r"\s*(?:,|\band\b|&|\||／|/)\s*", re.I)
_BYLINE_TAIL = re.compile(r"\s*(?:[-–—|,/]|\bon\b|\bat\b|\bupdated\b|\bpublished\b|\bposted\b)\s*$", re.I)
_NOT_A_NAME = re.compile(r"\d|^(updated|published|posted|modified)\b", re.I)
_NAME_TAIL = re.compile(r"\s+(?:publiziert|aktualisiert|updated|published|posted|on|at|am|le|el)\b.*$", re.I)
# a job title after a name ("Jane Roe, Staff Writer") is not a name of its own
_JOB_TITLE = re.compile(
    r"^(?:(?:senior|chief|staff|contributing|special|deputy|associate)\s+)*"
    r"(?:reporter|correspondent|editor|writer|columnist|contributor|analyst|producer|author)\b", re.I
)

# Scores of a line's evidence of being article text (a maximum-sum run of lines is the body).
_CHROME_SCORE = -6.0
_REPEATED_SCORE = -4.0
_SHORT_LINE_SCORE = -3.0
_FEED_TIME_SCORE = -8.0
_HEADER_SCORE = -25.0
_TEASER_SCORE = -2.0
_PACKED_PROSE_FACTOR = 0.3
_EARLY_RUN_SHARE = 0.5
_CONTINUATION_SHARE = 0.3
_MAX_BOX_LINES = 6
_HEADER_CUT_SHARE = 0.5


@dataclass
class _Line:
    number: int
    text: str
    words: int
    sentence: bool
    chrome: str | None
    repeated: bool
    section_break: str | None
    header: bool
    """A dateline or byline: the story's body starts below such a line."""
    packed: bool
    """Prose with another long line right above or below (a teaser list, a footer block)."""
    isolated: bool
    """A line with blank lines around it: a paragraph of its own, not an item of a menu or list."""
    score: float = 0.0


@dataclass
class PageText:
    """What a page dump says about its story; every raw line is in the story or in `removed`."""

    headline: str | None = None
    byline: list[str] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    section: str | None = None
    """A short label above the headline ("World", "Tech"), used to pick the desk."""
    dek: str | None = None
    caption: str | None = None
    credit: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    removed: list[RemovedBlock] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Why a headline, date or body could not be found (empty when all were found)."""
    confidence: float = 0.0


def _is_glued_teaser(text: str) -> bool:
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


def word_count(text: str) -> int:
    """Words in a line, counting two CJK characters as a word."""
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(text)) + (cjk // 2 if cjk > 3 else 0)


def _is_header_line(text: str, words: int) -> bool:
    """A byline ("By Jane Roe", maybe with its date) or a line that is little more than a date."""
    if not text or words > 24:
        return False
    if _BYLINE_START.match(text) and (words <= 10 or (_HAS_DIGIT.search(text) and _has_date(text))):
        return True
    return words <= 14 and bool(_HAS_DIGIT.search(text)) and looks_like_dateline(text)


def _features(lines: list[str], hints: frozenset[str]) -> list[_Line]:
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
        result.append(_Line(
            number=number,
            text=text,
            words=words,
            sentence=bool(_SENTENCE_END.search(text)) and words >= 3,
            chrome=chrome,
            repeated=bool(text) and counts[text.lower()] > 1 and words < 12,
            section_break=section_break_reason(text) if text and words <= 8 else None,
            header=_is_header_line(text, words),
            isolated=isolated,
            packed=packed,
        ))
    return result


def _score(line: _Line) -> float:
    """Evidence that a line is article text: sentences score by length, chrome and menus lose.

    Browsers copy each <p> with blank lines around it, so prose packed into a block of long
    lines is a teaser list or a footer more often than the story: it counts for less.
    """
    value = _line_score(line)
    if value > 0 and line.packed:
        return value * _PACKED_PROSE_FACTOR
    return value


def _line_score(line: _Line) -> float:
    if not line.text:
        return 0.0
    if line.section_break:
        return float("-inf")
    if line.header:
        # a relative time ("2 days ago") stamps comments and feed items, not the story
        return float("-inf") if _RELATIVE_TIME.search(line.text) else _HEADER_SCORE
    if line.chrome:
        return _CHROME_SCORE
    if _TIME_ONLY.match(line.text):
        return _FEED_TIME_SCORE
    if line.repeated:
        return _REPEATED_SCORE / (3 if line.isolated else 1)
    if _is_glued_teaser(line.text):
        return _TEASER_SCORE
    if line.sentence and line.words >= 6:
        return float(min(line.words, 80))
    if line.words >= 20:
        return line.words * 0.6
    if line.sentence:
        return 1.0
    return _SHORT_LINE_SCORE / (3 if line.isolated else 1)


def _runs(lines: list[_Line]) -> list[tuple[float, int, int]]:
    """The best run (sum, start, end) of each stretch of lines between section breaks."""
    runs = []
    stretch_start = 0
    for index in range(len(lines) + 1):
        if index == len(lines) or lines[index].score == float("-inf"):
            best = _best_sum(lines, stretch_start, index)
            if best is not None:
                runs.append(best)
            stretch_start = index + 1
    return runs


def _best_sum(lines: list[_Line], low: int, high: int) -> tuple[float, int, int] | None:
    """The maximum-sum run (sum, start, end) of lines[low:high] (Kadane), None if none is positive."""
    best: tuple[float, int, int] | None = None
    total, start = 0.0, low
    for index in range(low, high):
        if total <= 0:
            total, start = 0.0, index
        total += lines[index].score
        if total > 0 and (best is None or total > best[0]):
            best = (total, start, index)
    return best


def _crossable(gap: list[_Line]) -> bool:
    """True for a short related-links box between two parts of one story."""
    filled = [line for line in gap if line.text]
    breaks = [line for line in filled if line.section_break]
    return (
        len(filled) <= _MAX_BOX_LINES
        and all(line.section_break == "related link" for line in breaks)
        and all(line.score < 0 or line.section_break for line in filled)
    )


def _after_header(lines: list[_Line], start: int, end: int) -> int:
    """Where the story starts in a run: after a dateline/byline inside it, when what comes
    before that line (teasers, a dek, menus) weighs much less than what follows."""
    scores = [max(line.score, -50.0) for line in lines[start: end + 1]]
    total = sum(scores)
    before = 0.0
    for offset, line in enumerate(lines[start: end + 1]):
        if line.header and before < _HEADER_CUT_SHARE * (total - before):
            return start + offset + 1 if before > 0 else start
        before += scores[offset]
    return start


def _best_run(lines: list[_Line]) -> tuple[int, int] | None:
    """Indices [start, end] of the story's body: the first run that scores near the page's best.

    Comments and footers below a story can outscore a short story, so an earlier run that
    scores at least _EARLY_RUN_SHARE of the best one wins: the story comes first.
    """
    runs = _runs(lines)
    if not runs:
        return None
    top = max(run[0] for run in runs)
    chosen = next(index for index, run in enumerate(runs) if run[0] >= _EARLY_RUN_SHARE * top)
    _, start, end = runs[chosen]
    # an in-story box ("RELATED STORIES", "Read more") interrupts the story; it goes on below it
    for step in (1, -1):
        index = chosen + step
        while 0 <= index < len(runs):
            score, other_start, other_end = runs[index]
            gap = lines[end + 1: other_start] if step == 1 else lines[other_end + 1: start]
            prose = sum(1 for line in lines[other_start: other_end + 1] if line.sentence and line.isolated)
            # a bare heading ("Trending") between paragraphs interrupts the story less than a box
            small_gap = sum(1 for line in gap if line.text) <= 2 and prose >= 2
            if not _crossable(gap) or (score < _CONTINUATION_SHARE * runs[chosen][0] and not small_gap):
                break
            start, end = min(start, other_start), max(end, other_end)
            index += step
    start = _after_header(lines, start, end)
    # trim non-positive edges: the run starts and ends on article text
    while start < end and lines[start].score <= 0:
        start += 1
    while end > start and lines[end].score <= 0:
        end -= 1
    return start, end


def _caption_parts(text: str) -> tuple[str, str] | None:
    """(caption, credit) when the line is a photo caption carrying a credit."""
    # cheap tests first: most lines have none of the marks a credit needs
    for mark, pattern in ((")", _PAREN_CREDIT), (":", _LABEL_CREDIT), (" / ", _SLASH_CREDIT)):
        if mark not in text:
            continue
        match = pattern.match(text)
        if match:
            return match.group("caption").strip(), match.group("credit").strip()
    return None


def _has_date(text: str) -> bool:
    """Whether a line holds a date (relative ones included)."""
    try:
        return bool(find_dates(text, "UTC"))
    except RelativeDateError:
        return True


def _is_title_like(line: _Line) -> bool:
    """Could this line be a headline: 3-30 words, no closing period, not chrome, date or credit."""
    text = line.text
    # a repeated line may be the headline itself (a sticky title bar repeats it)
    if not 3 <= line.words <= 30 or line.chrome or line.section_break or (line.repeated and line.words < 4):
        return False
    if text.endswith((".", ",", ";", ":")) and not text.endswith("..."):
        return False
    if _BYLINE_START.match(text) or _TIME_ONLY.match(text) or _caption_parts(text) or _CREDIT_LINE.match(text):
        return False
    if line.header or (any(ch.isdigit() for ch in text) and _has_date(text)):
        return False
    first = text.split()[0]
    initial = text[:1]
    # scripts without capitals (Arabic, Hebrew, CJK) and brands such as "iTunes" open headlines too
    return (initial.isupper() or not initial.isalpha() or initial.upper() == initial.lower()
            or any(ch.isupper() for ch in first[1:]))


def _clean_byline(text: str) -> list[str]:
    """Names from what is left of a byline once dates and reading time are cut out."""
    text = _BYLINE_START.sub("", text.strip())
    text = _BYLINE_TAIL.sub("", text).strip(" -–—|,")
    names = []
    for part in _BYLINE_SPLIT.split(text):
        part = _NAME_TAIL.sub("", part).strip(" -–—|,.")
        if _JOB_TITLE.match(part) or not part[:1].isalpha() or len(_WORD.findall(part)) > 7 or _NOT_A_NAME.search(part):
            continue
        # "JANE ROE" reads better as "Jane Roe"; "IGN" or "AP" stay as written
        names.append(part.title() if part.isupper() and len(part) > 4 else part)
    return names


class _Header:
    """Reads the lines above the body: dates, byline, caption, headline, section, dek."""

    def __init__(self, lines: list[_Line], body_start: int, site_tz: str, captured_at: datetime | None) -> None:
        self.lines = lines
        self.body_start = body_start
        self.site_tz = site_tz
        self.captured_at = captured_at
        self.used: dict[int, str] = {}
        self.page = PageText()
        self.relative_dates: list[str] = []

    def _dates_in(self, line: _Line) -> list[FoundDate]:
        try:
            return find_dates(line.text, self.site_tz, self.captured_at)
        except RelativeDateError as error:
            self.relative_dates.append(f"line {line.number}: {error}")
            return []

    def read(self) -> PageText:
        window = [line for line in self.lines[max(0, self.body_start - 40): self.body_start] if line.text]
        date_index = self._find_dates(window)
        byline_index = self._find_byline(window, date_index)
        anchor = min(i for i in (date_index, byline_index, len(window)) if i is not None)
        self._find_caption(window)
        self._find_headline(window, anchor)
        if self.page.published is None:
            # a relative date is only a problem when the page gives no absolute one
            self.page.problems.extend(self.relative_dates)
        return self.page

    def _find_dates(self, window: list[_Line]) -> int | None:
        """Index in `window` of the line that gives the publication date (nearest the body).

        Datelines and bylines are read first; any other short line only when they give none,
        and never a photo caption (its date is when the photo was taken).
        """
        candidates = [i for i in range(len(window) - 1, -1, -1)
                      if window[i].words <= 30 and not _caption_parts(window[i].text)]
        preferred = [i for i in candidates if window[i].header or _BYLINE_START.match(window[i].text)
                     or re.match(r"^\W*(published|posted|updated|first published|last updated)\b", window[i].text, re.I)]
        for index in preferred + [i for i in candidates if i not in preferred]:
            line = window[index]
            dates = self._dates_in(line)
            if not dates:
                continue
            for found in dates:
                if found.role == "updated":
                    self.page.updated = self.page.updated or found.value
                elif self.page.published is None:
                    self.page.published = found.value
            self.used[line.number] = "dateline"
            self._split_byline_from_dateline(line, dates)
            if self.page.published is None:
                # only an "Updated" date is shown: look on for the publication date
                continue
            return index
        if self.page.published is None and self.page.updated is not None:
            # only an "Updated" date is shown: it is the best publication date the page gives
            self.page.published, self.page.updated = self.page.updated, None
        return next((i for i in candidates if window[i].number in self.used), None)

    def _split_byline_from_dateline(self, line: _Line, dates: list[FoundDate]) -> None:
        """A line like "by Jane Doe March 16, 2023 9:08 PM 2 min read" carries the byline too."""
        before = line.text[: dates[0].start]
        after = line.text[dates[-1].end:]
        reading = _READING_TIME.search(after) or _READING_TIME.search(before)
        if reading:
            self.page.removed.append(RemovedBlock(line.number, reading.group(0), "reading time"))
        before = _READING_TIME.sub("", before)
        before = re.sub(r"\b(published|posted|updated|first published|last updated)\b\W*(on|at)?\W*$", "", before,
                        flags=re.I).strip()
        words = len(_WORD.findall(before))
        if 1 <= words <= 12 and (_BYLINE_START.match(before) or before[:1].isupper()):
            names = _clean_byline(before)
            if names:
                self.page.byline = names

    def _find_byline(self, window: list[_Line], date_index: int | None) -> int | None:
        if self.page.byline:
            return date_index
        for index in range(len(window) - 1, max(-1, len(window) - 12), -1):
            line = window[index]
            if _BYLINE_START.match(line.text) and line.words <= 14:
                text = line.text
                dates = self._dates_in(line)
                if dates:
                    text = text[: dates[0].start]
                names = _clean_byline(text)
                if names:
                    self.page.byline = names
                    self.used[line.number] = "byline"
                    return index
        return None

    def _find_caption(self, window: list[_Line]) -> None:
        for line in window[-8:]:
            if line.number in self.used:
                continue
            parts = _caption_parts(line.text)
            if parts and line.words >= 2:
                caption, credit = parts
                if self.page.caption is None and self.page.credit is None:
                    self.page.caption, self.page.credit = caption or None, credit
                    self.used[line.number] = "image caption"
                    continue
            if re.match(r"^(image|photo)\s+credit\s*:", line.text, re.I) and self.page.credit is None:
                self.page.credit = line.text.split(":", 1)[1].strip()
                self.used[line.number] = "image credit"

    def _find_headline(self, window: list[_Line], anchor: int) -> None:
        """The headline is the nearest title-like line above the body: above the byline/date
        when the page prints them first, else between them and the body."""
        def candidates(lines: range) -> list[int]:
            return [i for i in lines if window[i].number not in self.used and _is_title_like(window[i])]

        found = candidates(range(anchor - 1, max(-1, anchor - 25), -1))
        if not any(window[i].words >= 4 for i in found):
            found = candidates(range(len(window) - 1, anchor, -1)) + found
        if not found:
            return
        # prefer a line of 4+ words; a two-word label right above is more often a section name
        chosen = next((i for i in found if window[i].words >= 4), found[0])
        headline = window[chosen]
        self.page.headline = headline.text
        self.used[headline.number] = "headline"
        if chosen > 0:
            label = window[chosen - 1]
            if label.number == headline.number - 1 and label.words <= 4 and not label.chrome \
                    and not label.sentence and label.number not in self.used:
                self.page.section = label.text
        after = window[chosen + 1] if chosen + 1 < len(window) else None
        if after and after.number not in self.used and after.sentence and 6 <= after.words <= 60 \
                and not _caption_parts(after.text) and not after.chrome:
            self.page.dek = after.text
            self.used[after.number] = "dek"


def extract_page_text(
    text: str,
    site_tz: str,
    captured_at: datetime | None = None,
    chrome_hints: frozenset[str] = frozenset(),
) -> PageText:
    """Split a page dump into the story's fields, its paragraphs and the removed lines.

    `chrome_hints` are lowercase exact lines known to be chrome on this source.
    Fields that cannot be found stay None and `problems` says which and why.
    """
    lines = _features(text.splitlines(), chrome_hints)
    for line in lines:
        line.score = _score(line)
    run = _best_run(lines)
    if run is None:
        page = PageText(problems=["no article text found (no run of sentences)"])
        page.removed = [RemovedBlock(line.number, line.text, line.chrome or "not article text")
                        for line in lines if line.text]
        return page
    start, end = run
    header = _Header(lines, start, site_tz, captured_at)
    page = header.read()
    used = header.used
    # the dateline/byline/caption may sit just inside the run: they are fields, not body
    for line in lines[start: end + 1]:
        if line.number not in used:
            parts = _caption_parts(line.text) if line.words <= 60 else None
            if parts and line.number - lines[start].number <= 3 and page.caption is None:
                page.caption, page.credit = parts
                used[line.number] = "image caption"
    paragraphs = []
    for line in lines[start: end + 1]:
        if not line.text or line.number in used:
            continue
        if line.chrome:
            page.removed.append(RemovedBlock(line.number, line.text, line.chrome))
        elif _TIME_ONLY.match(line.text):
            page.removed.append(RemovedBlock(line.number, line.text, "timestamp"))
        elif line.repeated and not line.sentence:
            page.removed.append(RemovedBlock(line.number, line.text, "repeated page chrome"))
        elif (_caption_parts(line.text) and not line.sentence) or _PHOTO_CREDIT.search(line.text):
            page.removed.append(RemovedBlock(line.number, line.text, "photo caption"))
        elif line.words < 3 and not line.sentence:
            page.removed.append(RemovedBlock(line.number, line.text, "short label inside article"))
        else:
            paragraphs.append(line.text)
    page.paragraphs = paragraphs
    _report_outside(lines, start, end, used, page)
    # lines read into fields are reported too, so the report accounts for every line
    page.removed.extend(RemovedBlock(number, lines[number - 1].text, f"{what} (in the front matter)")
                        for number, what in used.items())
    page.removed.sort(key=lambda block: block.line)
    if page.headline is None:
        page.problems.append("no headline found above the article text")
    if page.published is None:
        page.problems.append("no publication date found near the headline")
    page.confidence = _confidence(page, lines, start, end)
    return page


def _report_outside(lines: list[_Line], start: int, end: int, used: dict[int, str], page: PageText) -> None:
    """Give every line outside the body a reason; sections below the story keep their heading's."""
    reported = {block.line for block in page.removed if block.reason != "reading time"}
    headline_number = next((n for n, what in used.items() if what == "headline"), None)
    for line in lines[:start]:
        if not line.text or line.number in used or line.number in reported:
            continue
        before_headline = headline_number is not None and line.number < headline_number
        reason = line.chrome or ("navigation" if before_headline else _header_reason(line))
        page.removed.append(RemovedBlock(line.number, line.text, reason))
    section: str | None = None
    for line in lines[end + 1:]:
        if not line.text or line.number in used:
            continue
        if line.section_break:
            section = line.section_break
            page.removed.append(RemovedBlock(line.number, line.text, f"{section} heading"))
            continue
        if line.chrome:
            reason = line.chrome
        elif section:
            reason = section
        elif _TIME_ONLY.match(line.text):
            reason = "timestamp"
        elif _is_title_like(line):
            reason = "related article teaser"
        else:
            reason = "after the article"
        page.removed.append(RemovedBlock(line.number, line.text, reason))
    page.removed.sort(key=lambda block: block.line)


def _header_reason(line: _Line) -> str:
    if _TIME_ONLY.match(line.text):
        return "timestamp"
    if _caption_parts(line.text):
        return "photo caption"
    if line.sentence:
        return "text above the article"
    return "page chrome above the article"


def _confidence(page: PageText, lines: list[_Line], start: int, end: int) -> float:
    """A rough 0..1: found fields, and how much of the page's sentence text the body holds."""
    prose_total = sum(line.words for line in lines if line.sentence and line.words >= 6 and not line.chrome)
    prose_body = sum(line.words for line in lines[start: end + 1] if line.sentence and line.words >= 6)
    share = prose_body / prose_total if prose_total else 0.0
    found = sum(x is not None for x in (page.headline, page.published)) + bool(page.byline)
    return round(0.5 * share + 0.5 * found / 3, 2)

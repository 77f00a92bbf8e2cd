"""Read the lines above a page dump's body: dates, byline, photo caption, headline, section, dek."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from archive_import.dates import FoundDate, RelativeDateError, find_dates
from archive_import.pagetext.lines import BYLINE_START, WORD, Line, caption_parts, is_title_like
from archive_import.records import RemovedBlock

# how far above the body the header may start (share bars and photo credits sit in between)
_HEADER_WINDOW = 80
_READING_TIME = re.compile(r"\b\d+\s*(?:-\s*)?min(?:ute)?s?\.?\s*(?:read|reading|listen)\b", re.I)
_BYLINE_SPLIT = re.compile(r"\s*(?:,|\band\b|&|\||／|/)\s*", re.I)
_BYLINE_TAIL = re.compile(r"\s*(?:[-–—|,/]|\bon\b|\bat\b|\bupdated\b|\bpublished\b|\bposted\b)\s*$", re.I)
_NOT_A_NAME = re.compile(r"\d|^(updated|published|posted|modified)\b", re.I)
_NAME_TAIL = re.compile(r"\s+(?:publiziert|aktualisiert|updated|published|posted|on|at|am|le|el)\b.*$", re.I)
# a job title after a name ("Jane Roe, Staff Writer") is not a name of its own
_JOB_TITLE = re.compile(
    r"^(?:(?:senior|chief|staff|contributing|special|deputy|associate)\s+)*"
    r"(?:reporter|correspondent|editor|writer|columnist|contributor|analyst|producer|author)\b", re.I
)


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


def clean_byline(text: str) -> list[str]:
    """Names from what is left of a byline once dates and reading time are cut out."""
    text = BYLINE_START.sub("", text.strip())
    text = _BYLINE_TAIL.sub("", text).strip(" -–—|,")
    names = []
    for part in _BYLINE_SPLIT.split(text):
        part = _NAME_TAIL.sub("", part).strip(" -–—|,.")
        if _JOB_TITLE.match(part) or not part[:1].isalpha() or len(WORD.findall(part)) > 7 or _NOT_A_NAME.search(part):
            continue
        # "JANE ROE" reads better as "Jane Roe"; "IGN" or "AP" stay as written
        names.append(part.title() if part.isupper() and len(part) > 4 else part)
    return names


def _sentence_case(text: str) -> bool:
    """Mostly lower-case words: how a dek reads, where a Title Case headline would not."""
    words = [word for word in text.split() if word[:1].isalpha()]
    return bool(words) and sum(word[:1].isupper() for word in words) < 0.4 * len(words)


class Header:
    """Reads the lines above the body: dates, byline, caption, headline, section, dek."""

    def __init__(self, lines: list[Line], body_start: int, site_tz: str, captured_at: datetime | None) -> None:
        self.lines = lines
        self.body_start = body_start
        self.site_tz = site_tz
        self.captured_at = captured_at
        self.used: dict[int, str] = {}
        self.page = PageText()
        self.relative_dates: list[str] = []

    def _dates_in(self, line: Line) -> list[FoundDate]:
        try:
            return find_dates(line.text, self.site_tz, self.captured_at)
        except RelativeDateError as error:
            self.relative_dates.append(f"line {line.number}: {error}")
            return []

    def read(self) -> PageText:
        window = [line for line in self.lines[max(0, self.body_start - _HEADER_WINDOW): self.body_start] if line.text]
        date_index = self._find_dates(window)
        byline_index = self._find_byline(window, date_index)
        anchor = min(i for i in (date_index, byline_index, len(window)) if i is not None)
        self._find_caption(window)
        self._find_headline(window, anchor)
        if self.page.published is None:
            # a relative date is only a problem when the page gives no absolute one
            self.page.problems.extend(self.relative_dates)
        return self.page

    def _find_dates(self, window: list[Line]) -> int | None:
        """Index in `window` of the line that gives the publication date (nearest the body).

        Datelines and bylines are read first; any other short line only when they give none,
        and never a photo caption (its date is when the photo was taken).
        """
        candidates = [i for i in range(len(window) - 1, -1, -1)
                      if window[i].words <= 30 and not caption_parts(window[i].text)]
        preferred = [i for i in candidates if window[i].header or BYLINE_START.match(window[i].text)
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

    def _split_byline_from_dateline(self, line: Line, dates: list[FoundDate]) -> None:
        """A line like "by Jane Doe March 16, 2023 9:08 PM 2 min read" carries the byline too."""
        before = line.text[: dates[0].start]
        after = line.text[dates[-1].end:]
        reading = _READING_TIME.search(after) or _READING_TIME.search(before)
        if reading:
            self.page.removed.append(RemovedBlock(line.number, reading.group(0), "reading time"))
        before = _READING_TIME.sub("", before)
        before = re.sub(r"\b(published|posted|updated|first published|last updated)\b\W*(on|at)?\W*$", "", before,
                        flags=re.I).strip()
        words = len(WORD.findall(before))
        if 1 <= words <= 12 and (BYLINE_START.match(before) or before[:1].isupper()):
            names = clean_byline(before)
            if names:
                self.page.byline = names

    def _find_byline(self, window: list[Line], date_index: int | None) -> int | None:
        if self.page.byline:
            return date_index
        for index in range(len(window) - 1, max(-1, len(window) - 12), -1):
            line = window[index]
            if BYLINE_START.match(line.text) and line.words <= 14:
                text = line.text
                dates = self._dates_in(line)
                if dates:
                    text = text[: dates[0].start]
                names = clean_byline(text)
                if names:
                    self.page.byline = names
                    self.used[line.number] = "byline"
                    return index
        return None

    def _find_caption(self, window: list[Line]) -> None:
        for line in window[-8:]:
            if line.number in self.used:
                continue
            parts = caption_parts(line.text)
            if parts and line.words >= 2:
                caption, credit = parts
                if self.page.caption is None and self.page.credit is None:
                    self.page.caption, self.page.credit = caption or None, credit
                    self.used[line.number] = "image caption"
                    continue
            if re.match(r"^(image|photo)\s+credit\s*:", line.text, re.I) and self.page.credit is None:
                self.page.credit = line.text.split(":", 1)[1].strip()
                self.used[line.number] = "image credit"

    def _find_headline(self, window: list[Line], anchor: int) -> None:
        """The headline is the nearest title-like line above the body: above the byline/date
        when the page prints them first, else between them and the body."""
        def candidates(lines: range) -> list[int]:
            return [i for i in lines if window[i].number not in self.used and is_title_like(window[i])]

        found = candidates(range(anchor - 1, max(-1, anchor - 25), -1))
        if not any(window[i].words >= 4 for i in found):
            found = candidates(range(len(window) - 1, anchor, -1)) + found
        if not found:
            return
        # prefer a line of 4+ words; a two-word label right above is more often a section name
        chosen = next((i for i in found if window[i].words >= 4), found[0])
        above = window[chosen - 1] if chosen > 0 else None
        if above is not None and above.number == window[chosen].number - 1 and above.number not in self.used \
                and is_title_like(above) and not above.text.isupper() \
                and (above.repeated or (_sentence_case(window[chosen].text) and window[chosen].words >= 8)):
            # two title lines in a row: the upper one is the headline, the sentence below its dek
            chosen -= 1
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
                and not caption_parts(after.text) and not after.chrome:
            self.page.dek = after.text
            self.used[after.number] = "dek"



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

from datetime import datetime

from archive_import.pagetext.body import best_run, score
from archive_import.pagetext.header import Header, PageText
from archive_import.pagetext.lines import (
    PHOTO_CREDIT,
    TIME_ONLY,
    Line,
    caption_parts,
    is_table_row,
    is_title_like,
    read_lines,
)
from archive_import.records import RemovedBlock

__all__ = ["PageText", "extract_page_text"]


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
    lines = read_lines(text.splitlines(), chrome_hints)
    for line in lines:
        line.score = score(line)
    run = best_run(lines)
    if run is None:
        page = PageText(problems=["no article text found (no run of sentences)"])
        page.removed = [RemovedBlock(line.number, line.text, line.chrome or "not article text")
                        for line in lines if line.text]
        return page
    start, end = run
    header = Header(lines, start, site_tz, captured_at)
    page = header.read()
    used = header.used
    # the dateline/byline/caption may sit just inside the run: they are fields, not body
    for line in lines[start: end + 1]:
        if line.number not in used:
            parts = caption_parts(line.text) if line.words <= 60 else None
            if parts and line.number - lines[start].number <= 3 and page.caption is None:
                page.caption, page.credit = parts
                used[line.number] = "image caption"
    paragraphs: list[str] = []
    table_row_above = False
    for line in lines[start: end + 1]:
        if not line.text or line.number in used:
            continue
        if line.chrome:
            page.removed.append(RemovedBlock(line.number, line.text, line.chrome))
        elif TIME_ONLY.match(line.text):
            page.removed.append(RemovedBlock(line.number, line.text, "timestamp"))
        elif line.repeated and not line.sentence:
            page.removed.append(RemovedBlock(line.number, line.text, "repeated page chrome"))
        elif (caption_parts(line.text) and not line.sentence) or PHOTO_CREDIT.search(line.text):
            page.removed.append(RemovedBlock(line.number, line.text, "photo caption"))
        elif line.words < 3 and not line.sentence:
            page.removed.append(RemovedBlock(line.number, line.text, "short label inside article"))
        elif is_table_row(line) and table_row_above and paragraphs:
            # the rows of one table stay one block (a Markdown table when written)
            paragraphs[-1] += "\n" + line.text
        else:
            paragraphs.append(line.text)
        table_row_above = is_table_row(line)
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


def _report_outside(lines: list[Line], start: int, end: int, used: dict[int, str], page: PageText) -> None:
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
        elif TIME_ONLY.match(line.text):
            reason = "timestamp"
        elif is_title_like(line):
            reason = "related article teaser"
        else:
            reason = "after the article"
        page.removed.append(RemovedBlock(line.number, line.text, reason))
    page.removed.sort(key=lambda block: block.line)


def _header_reason(line: Line) -> str:
    if TIME_ONLY.match(line.text):
        return "timestamp"
    if caption_parts(line.text):
        return "photo caption"
    if line.sentence:
        return "text above the article"
    return "page chrome above the article"


def _confidence(page: PageText, lines: list[Line], start: int, end: int) -> float:
    """A rough 0..1: found fields, and how much of the page's sentence text the body holds."""
    prose_total = sum(line.words for line in lines if line.sentence and line.words >= 6 and not line.chrome)
    prose_body = sum(line.words for line in lines[start: end + 1] if line.sentence and line.words >= 6)
    share = prose_body / prose_total if prose_total else 0.0
    found = sum(x is not None for x in (page.headline, page.published)) + bool(page.byline)
    return round(0.5 * share + 0.5 * found / 3, 2)

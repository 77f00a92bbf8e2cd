"""Find the story's body in a page dump: the best-scoring run of lines.

Each line scores its evidence of being article text (sentences by length; chrome, menus and
datelines lose). The body is the first run that scores near the page's best without crossing a
section heading ("News Feed", "Related"); a short in-story box is stepped over, and text above
a dateline inside the run (teasers, a dek) is left to the header.
"""

from __future__ import annotations

from archive_import.pagetext.lines import RELATIVE_TIME, TIME_ONLY, Line, is_glued_teaser, is_table_row

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
_TABLE_ROW_FACTOR = 0.5


def score(line: Line) -> float:
    """Evidence that a line is article text: sentences score by length, chrome and menus lose.

    Browsers copy each <p> with blank lines around it, so prose packed into a block of long
    lines is a teaser list or a footer more often than the story: it counts for less.
    """
    value = _line_score(line)
    if value > 0 and line.packed and not is_table_row(line):
        return value * _PACKED_PROSE_FACTOR
    return value


def _line_score(line: Line) -> float:
    if not line.text:
        return 0.0
    if line.section_break:
        return float("-inf")
    if line.header:
        # a relative time ("2 days ago") stamps comments and feed items, not the story
        return float("-inf") if RELATIVE_TIME.search(line.text) else _HEADER_SCORE
    if line.chrome:
        return _CHROME_SCORE
    if TIME_ONLY.match(line.text):
        return _FEED_TIME_SCORE
    if line.repeated:
        return _REPEATED_SCORE / (3 if line.isolated else 1)
    if is_glued_teaser(line.text):
        return _TEASER_SCORE
    if is_table_row(line):
        # a table in the story (results, standings): its rows are cells, not sentences
        return line.words * _TABLE_ROW_FACTOR
    if line.sentence and line.words >= 6:
        return float(min(line.words, 80))
    if line.words >= 20:
        return line.words * 0.6
    if line.sentence:
        return 1.0
    return _SHORT_LINE_SCORE / (3 if line.isolated else 1)


def _runs(lines: list[Line]) -> list[tuple[float, int, int]]:
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


def _best_sum(lines: list[Line], low: int, high: int) -> tuple[float, int, int] | None:
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


def _crossable(gap: list[Line]) -> bool:
    """True for a short related-links box between two parts of one story."""
    filled = [line for line in gap if line.text]
    breaks = [line for line in filled if line.section_break]
    return (
        len(filled) <= _MAX_BOX_LINES
        and all(line.section_break == "related link" for line in breaks)
        and all(line.score < 0 or line.section_break for line in filled)
    )


def _after_header(lines: list[Line], start: int, end: int) -> int:
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


def best_run(lines: list[Line]) -> tuple[int, int] | None:
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



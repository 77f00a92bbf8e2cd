"""Tags and a summary for a story that came without them (page dumps, HTML without keywords).

Tags are the names a story keeps coming back to: capitalised phrases counted across the headline
and the paragraphs, with demonyms folded into their country ("Russian" → Russia), titles dropped
("CIA Director Bill Burns" → Bill Burns) and the outlets a story only cites ("Politico reported",
"according to Reuters") left out, because attribution is not a topic.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["suggest_tags", "summarize"]

MAX_TAGS = 6
_TOKEN = r"[A-Z](?:[\w&-]|\.(?=\w))*"
_PHRASE = re.compile(r"(?<![\w'’-])(" + _TOKEN + r"(?:[ \t]+(?:(?:of|de|la|al|bin|van|von|der|&)[ \t]+)?" + _TOKEN + r")*)")
_POSSESSIVE = re.compile(r"(\w)[’']s\b")
MAX_NAME_WORDS = 4
_STOP = frozenset(
    """a an the this that these those there here it its he she they we you i his her their our my
    and but or if then when while after before as at by for from in into of on to with without
    however but also according although because since during despite meanwhile mr mrs ms dr
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    one two three four five six seven eight nine ten first second last more most some many
    what who why how where which western eastern northern southern read share subscribe
    updated published photo image video advertisement related""".split()
)
_TITLES = frozenset(
    """president prime minister chancellor director secretary general spokesperson spokesman
    spokeswoman chief executive ceo chairman head leader governor mayor senator representative
    ambassador commander king queen prince princess pope judge professor minister's deputy
    foreign defense defence interior finance state former acting cia fbi""".split()
)
_DEMONYMS = {
    "Russian": "Russia", "Chinese": "China", "Ukrainian": "Ukraine", "American": "United States",
    "British": "United Kingdom", "German": "Germany", "French": "France", "Polish": "Poland",
    "Iranian": "Iran", "Israeli": "Israel", "Turkish": "Turkey", "Japanese": "Japan",
    "Indian": "India", "Italian": "Italy", "Spanish": "Spain", "Belarusian": "Belarus",
    "European": "European Union", "Canadian": "Canada", "Australian": "Australia",
    "Swiss": "Switzerland", "Dutch": "Netherlands", "Swedish": "Sweden", "Georgian": "Georgia",
    "Moldovan": "Moldova", "Lithuanian": "Lithuania", "Latvian": "Latvia", "Estonian": "Estonia",
}
# outlets a story cites ("Politico reported", "according to the Ledger"); people who "said" stay
_ATTRIBUTION_AFTER = re.compile(r"^\s+(reported|reports|noted|wrote|writes|first reported)\b")
_ATTRIBUTION_BEFORE = re.compile(r"\b(according to|reported by|cited by|via|citing)\s+(the\s+)?$", re.I)
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|[\"“]\s*|\n\s*)$")


def _starts_sentence(text: str, start: int) -> bool:
    """Whether position `start` opens a sentence (only the few characters before it matter)."""
    return start == 0 or bool(_SENTENCE_START.search(text[max(0, start - 4): start]))


def _candidates(text: str) -> tuple[Counter[str], set[str]]:
    """(count of each name, names only ever used as attribution)."""
    counts: Counter[str] = Counter()
    cited: Counter[str] = Counter()
    text = _POSSESSIVE.sub(r"\1 ,", text)
    matches = list(_PHRASE.finditer(text))
    # words capitalised mid-sentence are names; a sentence's first word only if seen so
    mid_sentence = {word for match in matches if not _starts_sentence(text, match.start())
                    for word in match.group(1).split()}
    for match in matches:
        words = match.group(1).split()
        start = match.start()
        if _starts_sentence(text, match.start()):
            while len(words) > 1 and words[0] not in mid_sentence:
                start += len(words[0]) + 1
                words = words[1:]
        # drop titles and stop words at the front ("CIA Director Bill Burns" → "Bill Burns")
        while words and (words[0].lower().strip(".") in _STOP or words[0].lower() in _TITLES):
            start += len(words[0]) + 1
            words = words[1:]
        while words and words[-1].lower().strip(".") in _STOP:
            words = words[:-1]
        if not words or len(words) > MAX_NAME_WORDS:
            continue
        name = " ".join(words).strip(".,'’")
        name = _DEMONYMS.get(name, name)
        if len(name) < 2 or name.lower() in _STOP:
            continue
        if len(words) == 1 and words[0] not in mid_sentence and name not in _DEMONYMS.values():
            # a capitalised first word of a sentence is only a name if it also appears mid-sentence
            counts[name] += 0
            continue
        counts[name] += 1
        before, after = text[max(0, start - 20): start], text[match.end(): match.end() + 15]
        if _ATTRIBUTION_AFTER.match(after) or _ATTRIBUTION_BEFORE.search(before):
            cited[name] += 1
    only_cited = {name for name, times in cited.items() if times >= counts[name]}
    return counts, only_cited


def suggest_tags(headline: str, paragraphs: list[str], limit: int = MAX_TAGS) -> list[str]:
    """Up to `limit` names the story is about, most mentioned first (headline mentions count twice)."""
    counts, only_cited = _candidates("\n".join(paragraphs))
    head_counts, _ = _candidates(headline)
    for name, times in head_counts.items():
        # a headline capitalises every word: only names the story itself uses count
        if counts.get(name):
            counts[name] += 2 * max(times, 1)
    # a single word that is part of a longer counted name ("Burns" in "Bill Burns") adds to it
    multi = [name for name in counts if " " in name]
    for name in list(counts):
        if " " not in name:
            owners = [m for m in multi if name in m.split()]
            if len(owners) == 1 and counts[owners[0]] > 0:
                counts[owners[0]] += counts.pop(name)
    ranked = sorted(
        (name for name, times in counts.items() if times >= 2 and name not in only_cited),
        key=lambda name: (-counts[name], name),
    )
    tags: list[str] = []
    for name in ranked:
        if any(name.lower() == tag.lower() for tag in tags):
            continue
        tags.append(name)
        if len(tags) == limit:
            break
    return tags


def summarize(paragraphs: list[str], dek: str | None = None, limit: int = 300) -> str | None:
    """One or two sentences: the page's dek when it has one, else the opening of the first paragraph."""
    if dek:
        return dek.strip()
    for paragraph in paragraphs:
        sentences = re.split(r"(?<=[.!?])[\"”’]?\s+(?=[\"“A-Z0-9])", paragraph.strip())
        summary = ""
        for sentence in sentences:
            candidate = f"{summary} {sentence}".strip()
            if summary and len(candidate) > limit:
                break
            summary = candidate
            if len(summary) > limit / 2:
                break
        if len(summary.split()) >= 5:
            return summary if len(summary) <= limit * 1.5 else summary[: limit].rsplit(" ", 1)[0] + "…"
    return None

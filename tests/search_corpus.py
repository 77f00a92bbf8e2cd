"""Articles for search tests and benchmarks: a small fictional archive, and the BBC corpus.

The BBC corpus (../shared/corpus/bbc, 2,225 stories in five desks) carries no dates, bylines or
tags; they are made up here, deterministically, so every run indexes the same archive.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from archive_search.documents import SearchDocument

REPO_ROOT = Path(__file__).resolve().parent.parent
BBC_ROOT = REPO_ROOT.parent / "shared" / "corpus" / "bbc"
ZONE = ZoneInfo("Europe/Kyiv")

_BYLINES = ("Mara Okafor", "Tomas Driscoll", "Ilse Varga", "Kwame Mensah", "Sofia Lindqvist",
            "Oren Castellanos", "Priya Raman", "Hugo Marchetti")
_TAGS = ("economy", "elections", "music", "football", "gadgets", "courts", "energy", "film",
         "health", "transport", "europe", "markets")

FIXTURE_ARTICLES: tuple[tuple[str, str, str, str], ...] = (
    # desk, headline, summary, body (fictional town of Larkmere)
    ("news", "Larkmere council approves bus lanes on Elm Street",
     "Councillors voted seven to two for the scheme.",
     "The Larkmere council decided on Tuesday to paint bus lanes along Elm Street. "
     "Shopkeepers worried about deliveries; cyclists welcomed the plan. The lanes open in May."),
    ("news", "Flooding closes the Larkmere ring road",
     "", "Heavy rain flooded the ring road overnight. Council crews pumped water until dawn. "
         "Buses were diverted through Elm Street and the old market square."),
    ("business", "Larkmere bakery chain doubles its profits",
     "Crumb & Co. reported record sales.",
     "The bakery chain Crumb & Co. doubled its profits as sales of sourdough rose. "
     "The chief executive, Ada Whitcombe, thanked the bakers. Profits were up 104 per cent."),
    ("business", "Markets fall as energy prices climb",
     "", "Shares fell across Europe as energy prices climbed for a third week. "
         "Analysts said markets feared higher prices would slow the economy."),
    ("sport", "Larkmere Rovers win the county cup",
     "A late goal decided the final.",
     "Larkmere Rovers beat Dunmore Athletic two goals to one. The winning goal came in the "
     "ninetieth minute from striker Tomasz Zelinski, who signed for the club in March."),
    ("sport", "Zelinski signs a new contract with Rovers",
     "", "Striker Tomasz Zelinski has signed a three-year contract. The club said the "
         "striker's goals won the county cup. Supporters cheered the news."),
    ("culture", "The Larkmere film festival opens with a silent classic",
     "", "The film festival opened with a silent film accompanied by a live orchestra. "
         "Festival director Noor Haddad said tickets sold out within hours."),
    ("culture", "Library celebrates a century of lending",
     "The town library turns one hundred.",
     "The Larkmere library celebrated a century of lending books. Readers borrowed "
     "more than two million books since it opened. The council promised new funding."),
    ("news", "<img src=x onerror=alert(1)> headline with markup stays text",
     "", "An article whose headline looks like markup; search must show it as text."),
    ("business", "Energy company opens a wind farm near Larkmere",
     "", "The energy company opened twelve wind turbines on the hills above Larkmere. "
         "Energy prices for local households will fall, the company said."),
)


def fixture_documents() -> list[SearchDocument]:
    """Return the fictional Larkmere archive: ten articles over three years, four desks."""
    documents = []
    for number, (desk, headline, summary, body) in enumerate(FIXTURE_ARTICLES):
        date = datetime(2022, 1, 5, 9, 30, tzinfo=ZONE) + timedelta(days=97 * number, hours=number)
        slug = f"story-{number:02d}"
        url = f"{date:%Y/%m/%d}/{slug}/"
        documents.append(SearchDocument(
            key=url, url=url, headline=headline, date=date, desk=desk, body=body,
            summary=summary, byline=(_BYLINES[number % len(_BYLINES)],),
            tags=(_TAGS[number % len(_TAGS)], _TAGS[(number * 5 + 3) % len(_TAGS)]),
        ))
    return documents


def _read(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _stable(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def bbc_documents(copies: int = 1, root: Path = BBC_ROOT) -> list[SearchDocument]:
    """Return the BBC corpus as archive articles, repeated `copies` times.

    Each story gets a made-up date (2019 onwards), one or two bylines and two tags chosen from
    a hash of its file name; repeated copies get "(copy N)" headlines, new URLs and later dates.
    """
    stories = []
    for path in sorted(root.glob("*/*.txt")):
        text = _read(path).replace("\r\n", "\n")
        headline, _, body = text.strip().partition("\n")
        stories.append((path.parent.name, path.stem, headline.strip(), body.strip()))
    documents = []
    start = datetime(2019, 1, 1, 6, 0, tzinfo=ZONE)
    for copy in range(copies):
        for desk, stem, headline, body in stories:
            seed = _stable(f"{desk}/{stem}/{copy}")
            date = start + timedelta(days=copy * 730 + seed % 730, minutes=(seed >> 20) % 1440)
            title = headline if copy == 0 else f"{headline} (copy {copy})"
            url = f"{date:%Y/%m/%d}/{desk}-{stem}-{copy}/"
            paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
            bylines = (_BYLINES[seed % 8],) if seed % 3 else (_BYLINES[seed % 8], _BYLINES[(seed >> 8) % 8])
            documents.append(SearchDocument(
                key=url, url=url, headline=title, date=date, desk=desk,
                body="\n\n".join(paragraphs[1:]) if len(paragraphs) > 1 else body,
                summary=paragraphs[0] if paragraphs else "",
                byline=tuple(dict.fromkeys(bylines)),
                tags=tuple(dict.fromkeys((_TAGS[(seed >> 4) % 12], _TAGS[(seed >> 12) % 12]))),
            ))
    return documents

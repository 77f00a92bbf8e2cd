"""Benchmark corpus: N realistic news articles from the BBC research corpus, in two formats.

`write_corpus(dest, n, flavor)` writes N articles either as our archive format (Markdown with
YAML front matter under `<desk>/<yyyy>/<yyyy-mm-dd>-<slug>.md`) or as vanilla Pelican Markdown
(`Title:`/`Date:` header lines), so both builds render exactly the same text.

Stories come from `../shared/corpus/bbc` (2,225 articles in five desks, first line the headline).
To reach N the stories repeat, each time round in another seeded order, with a new headline
prefix, slug and date; every article gets a date
in Europe/Kyiv spread over several years, one or two bylines, and tags drawn from its own text.
When the corpus is absent the stories are generated text, so the benchmark still runs anywhere.
Everything is seeded: the same N gives the same bytes.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from archive_format import article_relpath, render_article, slugify

REPO_ROOT = Path(__file__).resolve().parents[2]
BBC_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "bbc"
TIMEZONE = ZoneInfo("Europe/Kyiv")
# The base N articles span these years; articles added later ("+1", "+100") come after them.
FIRST_DAY = datetime(2019, 1, 1, 6, 0, tzinfo=TIMEZONE)
SPAN = timedelta(days=6 * 365)
SEED = 2225
FLAVORS = ("archive", "pelican")

# Desk slug → display name: the corpus's folders, passed to our build as its DESKS setting.
DESKS = {"business": "Business", "entertainment": "Entertainment", "politics": "Politics",
         "sport": "Sport", "tech": "Technology"}
REPORTERS = {
    "business": ["Marta Kovalenko", "Oskar Lindqvist", "Priya Raman", "Tomasz Wrona"],
    "entertainment": ["Ines Carvalho", "Declan Moore", "Yuki Tanabe", "Lena Brandt"],
    "politics": ["Olena Hrytsenko", "Samuel Adeyemi", "Clara Fontaine", "Jakub Novak"],
    "sport": ["Rhys Gallagher", "Aiko Mori", "Bruno Salgado", "Nadia Petrenko"],
    "tech": ["Felix Achterberg", "Hana Dvorak", "Ravi Menon", "Sofia Lund"],
}
EDITIONS = ["", "Update", "Analysis", "Explainer", "Follow-up", "Recap", "Background", "Review"]
# Capitalised words that open sentences or quotes rather than name something worth a tag.
NOT_TAGS = frozenset(
    "The A An And But He She It They We I In On At For Of To As If This That These Those His Her "
    "Its Their Our Mr Mrs Ms Dr But Yet So Or Nor After Before When While With Without From By "
    "Last Next One Two Three There Here What Who Why How Some Many Most Such BBC".split()
)
PROPER_NOUN = re.compile(r"\b[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)*\b")
FILLER_WORDS = (
    "council budget minister harbour market season election league network court museum "
    "festival inflation striker software bank ministry tariff stadium studio album parliament"
).split()


@dataclass(frozen=True)
class Story:
    """One source story: its desk (a BBC folder name), headline and body paragraphs."""

    desk: str
    headline: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """One benchmark article, ready to be written in either flavor."""

    desk: str
    headline: str
    slug: str
    date: datetime
    byline: tuple[str, ...]
    tags: tuple[str, ...]
    summary: str
    body: str

    def front_matter(self) -> dict[str, object]:
        """The article's front matter as the contract (DESIGN.md §2) names its fields."""
        return {"headline": self.headline, "date": self.date, "desk": self.desk,
                "byline": list(self.byline), "tags": list(self.tags), "summary": self.summary,
                "lang": "en", "slug": self.slug, "status": "published"}


def read_stories(corpus: Path = BBC_CORPUS) -> list[Story]:
    """The BBC stories in a stable order, or generated ones when the corpus is not there."""
    if not corpus.is_dir():
        return generated_stories()
    stories = []
    for path in sorted(corpus.glob("*/*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:  # a few files of the corpus are Latin-1
            text = raw.decode("latin-1")
        headline, _, rest = text.strip().partition("\n")
        paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", rest) if p.strip())
        stories.append(Story(path.parent.name, headline.strip(), paragraphs))
    # A fixed shuffle mixes the desks, so even the first thousand articles cover all five.
    random.Random(SEED).shuffle(stories)
    return stories


def generated_stories(count: int = 500) -> list[Story]:
    """Invented stories of news-like length, for machines without ../shared."""
    rng = random.Random(SEED)
    desks = sorted(REPORTERS)
    stories = []
    for index in range(count):
        places = [f"{rng.choice(['North', 'East', 'Port', 'Lake'])}{rng.choice(['field', 'haven', 'ton'])}"
                  for _ in range(3)]
        paragraphs = []
        for _ in range(rng.randint(5, 12)):
            sentences = []
            for _ in range(rng.randint(2, 5)):
                words = [rng.choice(FILLER_WORDS) for _ in range(rng.randint(8, 20))]
                words.insert(rng.randrange(len(words)), rng.choice(places))
                sentences.append(" ".join(words).capitalize() + ".")
            paragraphs.append(" ".join(sentences))
        headline = f"{places[0]} {rng.choice(FILLER_WORDS)} {rng.choice(FILLER_WORDS)} plan {index}"
        stories.append(Story(desks[index % len(desks)], headline, tuple(paragraphs)))
    return stories


def tags_from_text(story: Story, limit: int = 4) -> tuple[str, ...]:
    """The names the story mentions most often (at least twice), as its tags."""
    counts: Counter[str] = Counter()
    for paragraph in story.paragraphs:
        for name in PROPER_NOUN.findall(paragraph):
            words = name.split()
            while words and words[0] in NOT_TAGS:
                words = words[1:]
            if words and len(" ".join(words)) > 2:
                counts[" ".join(words)] += 1
    return tuple(name for name, seen in counts.most_common(limit) if seen >= 2)


def first_sentence(paragraphs: tuple[str, ...]) -> str:
    """The opening sentence of the story, used as its summary."""
    text = paragraphs[0] if paragraphs else ""
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return (match.group(1) if match else text)[:300]


def edition_order(edition: int, size: int, orders: dict[int, list[int]]) -> list[int]:
    """The order in which edition `edition` (the stories' `edition`-th time round) repeats the
    `size` stories, remembered in `orders`. The first keeps the corpus's order; each later one is
    shuffled with its own seed. Repeated in one order, every word's articles would recur every
    `size` article numbers (numbers follow dates) and gzip would send the search index's long
    lists and score blocks for next to nothing, which a real archive does not."""
    if edition not in orders:
        order = list(range(size))
        if edition:
            random.Random(f"{SEED}:edition:{edition}").shuffle(order)
        orders[edition] = order
    return orders[edition]


def iter_articles(count: int, base: int | None = None, start: int = 0,
                  stories: list[Story] | None = None) -> Iterator[Article]:
    """Articles number `start` … `start+count-1` of an archive whose first `base` span SPAN.

    Dates grow with the article number, so articles past `base` are newer than the archive:
    that is what a newsroom adding a day's stories looks like.
    """
    stories = stories if stories is not None else read_stories()
    base = base or count
    step = SPAN / base
    orders: dict[int, list[int]] = {}
    for number in range(start, start + count):
        edition = number // len(stories)
        story = stories[edition_order(edition, len(stories), orders)[number % len(stories)]]
        rng = random.Random(f"{SEED}:{number}")
        # Jitter within the step keeps dates in order but off the hour.
        date = (FIRST_DAY + step * number + timedelta(seconds=rng.randrange(int(step.total_seconds()) or 1)))
        date = date.astimezone(TIMEZONE).replace(second=0, microsecond=0)
        label = EDITIONS[edition % len(EDITIONS)]
        headline = story.headline if edition == 0 else f"{label or 'Update'}: {story.headline}"
        if edition >= len(EDITIONS):
            headline += f" ({edition // len(EDITIONS) + 1})"
        reporters = REPORTERS.get(story.desk, REPORTERS["business"])
        byline = tuple(rng.sample(reporters, rng.choice((1, 1, 2))))
        yield Article(
            desk=story.desk,
            headline=headline,
            # The number keeps slugs unique: the corpus repeats a few headlines.
            slug=f"{slugify(headline, 70)}-{number}",
            date=date,
            byline=byline,
            tags=tags_from_text(story),
            summary=first_sentence(story.paragraphs),
            body="\n\n".join(story.paragraphs) + "\n",
        )


def archive_text(article: Article) -> str:
    """The article in our format: YAML front matter (DESIGN.md §2) and a Markdown body."""
    return render_article(article.front_matter(), article.body)


def pelican_text(article: Article) -> str:
    """The same article as vanilla Pelican reads it: `Key: value` lines, blank line, Markdown."""
    lines = [
        f"Title: {article.headline}",
        f"Date: {article.date.isoformat()}",
        f"Category: {article.desk}",
        f"Tags: {', '.join(article.tags)}",
        f"Authors: {'; '.join(article.byline)}",
        f"Slug: {article.slug}",
        f"Summary: {article.summary}",
        "Lang: en",
    ]
    return "\n".join(lines) + "\n\n" + article.body


def article_path(dest: Path, article: Article) -> Path:
    """Where `article` goes under `dest`: our layout, which vanilla Pelican gets too."""
    return dest / article_relpath(article.front_matter())


def write_articles(dest: Path, articles: Iterator[Article], flavor: str) -> list[Path]:
    """Write the articles under `dest` in `flavor` ("archive" or "pelican"); returns the paths."""
    if flavor not in FLAVORS:
        raise ValueError(f"flavor must be one of {FLAVORS}, not {flavor!r}")
    render = archive_text if flavor == "archive" else pelican_text
    written = []
    for article in articles:
        path = article_path(dest, article)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(article), encoding="utf-8")
        written.append(path)
    return written


def write_corpus(dest: Path, n: int, flavor: str, stories: list[Story] | None = None) -> list[Path]:
    """Write an archive of `n` articles under `dest` (which should be empty)."""
    return write_articles(dest, iter_articles(n, stories=stories), flavor)


def main() -> None:
    """`python tests/bench/corpus.py DEST N [archive|pelican]`: write a corpus to look at."""
    import sys

    dest, n = Path(sys.argv[1]), int(sys.argv[2])
    flavor = sys.argv[3] if len(sys.argv) > 3 else "archive"
    paths = write_corpus(dest, n, flavor)
    print(f"wrote {len(paths)} {flavor} articles under {dest}")


if __name__ == "__main__":
    main()

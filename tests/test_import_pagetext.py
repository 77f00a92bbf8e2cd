"""The page-text extractor on page dumps: the user's seed (when ../shared exists) and our own."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from archive_format import localize, parse_article, validate_front_matter
from archive_import.pagetext import extract_page_text
from archive_import.pipeline import ImportRun
from archive_import.settings import DEFAULT_DESK_MAP, ImportSettings
from conftest import SHARED, needs_shared

TEXT = Path(__file__).parent / "fixtures" / "import" / "text"
SEED = SHARED / "seeds" / "000_bd49e4719c677fbb.txt"
DESKS = {"news": "News", "business": "Business", "culture": "Culture", "sport": "Sport"}


def _import(tmp_path: Path, source: Path, **settings: object) -> tuple[dict, str, list[dict]]:
    """Import one file into tmp_path/content; return (front matter, body, report records)."""
    run = ImportRun(ImportSettings(content_dir=tmp_path / "content", report_path=tmp_path / "report.jsonl",
                                   desks=DESKS, **settings), progress=False)
    summary = run.run([source])
    written = sorted((tmp_path / "content").rglob("*.md"))
    assert len(written) == 1, summary.records
    meta, body = parse_article(written[0].read_text(encoding="utf-8"), str(written[0]))
    assert validate_front_matter(meta, str(written[0])) == []
    return meta, body.strip(), summary.records


@needs_shared
def test_seed_comes_out_exactly_as_the_issue_says(tmp_path: Path) -> None:
    page = extract_page_text(SEED.read_text(encoding="utf-8"), "Europe/Kyiv")
    assert page.headline == "Politico: China sends rifles, body armor to Russian entities"
    assert page.published.isoformat() == "2023-03-16T21:08:00+02:00"
    assert page.byline == ["The Kyiv Independent news desk"]
    assert page.caption == ("Russian President Vladimir Putin (L) and Chinese leader Xi Jinping pose for a "
                            "photograph during their meeting in Beijing, China, on Feb. 4, 2022.")
    assert page.credit == "AFP via Getty Images"
    assert len(page.paragraphs) == 8
    assert page.paragraphs[0].startswith("Trade and customs data from between June and December 2022")
    assert page.paragraphs[-1].endswith('urge the withdrawal of Russian troops" instead.')
    removed = {block.text: block.reason for block in page.removed}
    for line in ("Skip to content", "Edit post", "2 min read", "This audio is created with AI assistance",
                 "How outcome of Russia’s war can tip international order", "News Feed", "12:59 AM",
                 "MORE NEWS", "Editors' Picks", "Enter your email to subscribe", "Successfuly subscribed"):
        assert line in removed, f"{line!r} not reported as removed"
    assert removed["12:59 AM"] == removed["News Feed"].removesuffix(" heading") == "news feed item"
    assert removed["Subscribe"] == "newsletter form"

    meta, body, records = _import(tmp_path, SEED, timezone="Europe/Kyiv", desk_map=dict(DEFAULT_DESK_MAP))
    assert meta["headline"] == "Politico: China sends rifles, body armor to Russian entities"
    assert meta["date"] == "2023-03-16T21:08:00+02:00"
    assert meta["byline"] == ["The Kyiv Independent news desk"]
    assert meta["image"] == {"caption": page.caption, "credit": "AFP via Getty Images"}
    assert meta["desk"] == "news"
    assert {"China", "Russia", "DJI"} <= set(meta["tags"])
    assert not any("reported" in tag or "Subscribe" in tag or "Politico" in tag for tag in meta["tags"])
    assert meta["summary"]
    assert meta["source"]["format"] == "text" and len(meta["source"]["sha256"]) == 64
    assert body.count("\n\n") == 7
    assert len(records[0]["removed"]) >= 30


def test_page_dump_fields_paragraphs_and_removed_lines(tmp_path: Path) -> None:
    source = TEXT / "harbour-ferry.txt"
    page = extract_page_text(source.read_text(encoding="utf-8"), "Europe/Kyiv")
    assert page.headline == "Harbour ferry returns to service after winter repairs at Northpoint yard"
    assert page.byline == ["The Harbour City Ledger city desk"]
    assert page.caption == "The restored ferry Marigold leaves the Northpoint yard on Monday morning."
    assert page.credit == "Ledger photo by Ana Petrenko"
    assert [p[:30] for p in page.paragraphs] == [
        "The Marigold, the oldest of th", "The ferry operator replaced bo", "Commuters from Eastbank had us",
        "\"We heard every complaint, and", "The Harbour Transit Board expe", "The two other ferries, the Her",
    ]
    reasons = {block.text: block.reason for block in page.removed}
    assert reasons["Night market moves to the old fish hall"] == "related article teaser"
    assert reasons["Tram line 4 closed for track work this weekend."] == "news feed item"
    assert reasons["Thank you for signing up for this newsletter. We’ve sent you a confirmation email."] == "newsletter form"
    assert reasons[page.headline] == "headline (in the front matter)"
    # every non-blank raw line is in the story or in the report
    raw = [(number, line.strip()) for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1)]
    reported = {(block.line, block.text) for block in page.removed}
    missing = [(n, text) for n, text in raw if text and text not in page.paragraphs and (n, text) not in reported]
    assert missing == []

    meta, _, records = _import(tmp_path, source, desk_map={"city desk": "news"})
    assert meta["desk"] == "news"
    assert meta["date"] == "2023-03-14T07:45:00+02:00"
    # a page dump has no picture address: the caption and credit go in without src
    assert meta["image"] == {"caption": "The restored ferry Marigold leaves the Northpoint yard on Monday morning.",
                             "credit": "Ledger photo by Ana Petrenko"}


def test_section_label_byline_list_and_updated_date(tmp_path: Path) -> None:
    meta, body, _ = _import(tmp_path, TEXT / "library-opening.txt", desk_map={})
    assert meta["desk"] == "culture"  # the label above the headline is a desk name
    assert meta["byline"] == ["Mykola Dorosh", "Irene Vale"]
    assert meta["date"] == "2023-03-16T00:00:00+02:00"
    assert meta["modified"] == "2023-03-17T15:42:00+00:00"
    assert "Share this article" not in body and "Copyright" not in body
    assert body.count("\n\n") == 2


def test_configured_chrome_hint_removes_a_site_line() -> None:
    text = (TEXT / "harbour-ferry.txt").read_text(encoding="utf-8").replace(
        "The two other ferries", "Support local news today\n\nThe two other ferries")
    plain = extract_page_text(text, "Europe/Kyiv")
    hinted = extract_page_text(text, "Europe/Kyiv", chrome_hints=frozenset({"support local news today"}))
    assert "Support local news today" in plain.paragraphs or "Support local news today" in {b.text for b in plain.removed}
    assert "Support local news today" not in hinted.paragraphs
    assert {b.reason for b in hinted.removed if b.text == "Support local news today"} == {"site chrome (configured)"}


@pytest.mark.parametrize(("name", "reason"), [
    ("no-date.txt", "no publication date found"),
    ("relative-date.txt", '"2 hours ago" is a relative date; give the capture time'),
    ("no-headline.txt", "no headline found"),
])
def test_page_without_findable_headline_or_date_is_rejected(tmp_path: Path, name: str, reason: str) -> None:
    run = ImportRun(ImportSettings(content_dir=tmp_path / "content", report_path=None, desks=DESKS), progress=False)
    summary = run.run([TEXT.parent / "bad" / name])
    assert summary.rejected == 1
    assert reason in summary.records[0]["reason"]
    assert not (tmp_path / "content").exists() or not list((tmp_path / "content").rglob("*.md"))


def test_relative_date_imports_with_a_capture_time(tmp_path: Path) -> None:
    meta, _, _ = _import(tmp_path, TEXT.parent / "bad" / "relative-date.txt",
                         captured_at=datetime.fromisoformat("2023-03-16T12:00:00+02:00"))
    assert meta["date"] == "2023-03-16T10:00:00+02:00"
    assert meta["byline"] == ["Tomas Reyes"]


LAYOUTS = {
    # headline, byline+date line, paragraphs between blank lines (the seed's shape)
    "paragraphs": "{nav}\n{headline}\n\nBy Ledger staff {date} 3 min read\n\n{body}\n\n{footer}",
    # every line packed, no blank lines at all
    "packed": "{nav}{headline}\nBy Jane Roe\n{date}\n{packed}\n{footer}",
    # the date above the headline, a photo caption under the byline
    "date first": "{nav}\n{date}\n\n{headline}\n\nBy Jane Roe\nThe harbour at dawn. (Photo: Jane Roe/Ledger)\n\n{body}\n\n{footer}",
}


@needs_shared
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_real_stories_wrapped_in_site_chrome_come_out_whole(layout: str) -> None:
    """BBC corpus stories (../shared) in a page dump's chrome: headline, date and body recovered."""
    stories = sorted((SHARED / "corpus" / "bbc").glob("*/*.txt"))[::45]
    assert len(stories) >= 40
    for number, path in enumerate(stories):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")  # a few corpus files are Latin-1
        lines = text.strip().splitlines()
        headline, body = lines[0].strip(), "\n".join(lines[1:]).strip()
        day = 1 + number % 28
        dump = LAYOUTS[layout].format(
            nav="Skip to content\nHome\nNews\nSport\n", headline=headline, date=f"March {day}, 2023 9:05 AM",
            body=body, packed="\n".join(line for line in body.splitlines() if line.strip()),
            footer="Related\nMore stories from the desk\n\nEnter your email to subscribe\nSubscribe\n© 2023 Ledger")
        page = extract_page_text(dump, "Europe/Kyiv")
        assert page.problems == [], path
        assert page.headline == headline, path
        # DST-aware: Kyiv moves to +03:00 on 26 March 2023
        assert page.published == localize(datetime(2023, 3, day, 9, 5), "Europe/Kyiv")
        expected = [line.strip() for line in body.splitlines() if len(line.split()) >= 3]
        assert [p for p in page.paragraphs if len(p.split()) >= 3] == expected, path


def test_cyrillic_page_dump_with_a_ukrainian_date(tmp_path: Path) -> None:
    meta, body, _ = _import(tmp_path, TEXT / "tram-ukrainian.txt", desk_map={"новини": "news"}, lang="uk")
    assert meta["headline"] == "Трамвай №4 повертається на міст після ремонту колій"
    assert meta["date"] == "2023-03-16T09:30:00+02:00"
    assert meta["desk"] == "news"
    assert meta["slug"] == "tramvai-no-4-povertaietsia-na-mist-pislia-remontu-kolii"
    assert body.startswith("Трамвайна лінія №4") and body.endswith("сказала керівниця управління Ірина Вале.")
    assert "Читайте також" not in body and "розсилку" not in body


def test_right_to_left_story_keeps_its_text(tmp_path: Path) -> None:
    source = tmp_path / "raw" / "harbour-ar.txt"
    source.parent.mkdir()
    source.write_text(
        "الرئيسية\nأخبار\n\nعودة العبّارة إلى الخدمة بعد إصلاحات الشتاء\n\nMarch 14, 2023 7:45 AM\n\n"
        "عادت العبّارة ماريغولد إلى الخدمة يوم الثلاثاء بعد أربعة أشهر من الإصلاحات في حوض بناء السفن.\n\n"
        "وقال مجلس النقل في الميناء إن العبّارة ستنقل نحو ألف وثمانمئة راكب يوميًا في الربيع.\n",
        encoding="utf-8")
    meta, body, _ = _import(tmp_path, source, lang="ar")
    assert meta["headline"] == "عودة العبّارة إلى الخدمة بعد إصلاحات الشتاء"
    assert meta["lang"] == "ar" and body.count("\n\n") == 1 and "ماريغولد" in body


def test_relative_time_elsewhere_does_not_reject_a_dated_page() -> None:
    text = (TEXT / "harbour-ferry.txt").read_text(encoding="utf-8").replace("Edit post", "Updated 2 hours ago")
    page = extract_page_text(text, "Europe/Kyiv")
    assert page.problems == [] and page.published.isoformat() == "2023-03-14T07:45:00+02:00"


def test_dek_under_the_headline_is_not_the_headline() -> None:
    text = ("Home\nSport\nUp next:\nRowers Take The Harbour Cup\nRowers Take The Harbour Cup\n"
            "the eastbank crew won by two lengths in a race delayed by fog all morning\n"
            "by Irene Vale\nMay 7, 2023 at 5:20 pm ET • 2 min read\n\n"
            "The Eastbank rowing club won the harbour regatta on Sunday, two lengths ahead of Northpoint.\n\n"
            "The race started three hours late because fog lay over the harbour until noon.\n")
    page = extract_page_text(text, "Europe/Kyiv")
    assert page.headline == "Rowers Take The Harbour Cup"
    assert page.byline == ["Irene Vale"]
    assert page.published.isoformat() == "2023-05-07T17:20:00-04:00"
    assert page.paragraphs[0].startswith("The Eastbank rowing club")


def test_a_table_in_the_story_becomes_a_markdown_table(tmp_path: Path) -> None:
    meta, body, _ = _import(tmp_path, TEXT / "regatta-results.txt", desk_map={"sport": "sport"})
    assert meta["desk"] == "sport"
    assert ("| Place | Club | Time |\n| --- | --- | --- |\n| 1 | Eastbank Rowing Club | 5:41 |\n"
            "| 2 | Northpoint Boat Club | 5:47 |\n| 3 | Quay Street Oarsmen | 6:02 |") in body
    assert body.endswith("the organisers said.") and "Most read" not in body

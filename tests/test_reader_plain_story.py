"""Stories of plain paragraphs are read without markdown-it (archive_reader.plain_story): the
front matter and HTML must be markdown-it's own for every text the shortcut accepts."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pelican.settings import read_settings

from archive_reader import ArchiveReader
from archive_reader import reader as reader_module
from archive_reader.markdown import archive_markdown
from archive_reader.plain_story import SANITIZED_ESCAPES, plain_inline, plain_story
from archive_reader.sanitize import sanitize_html
from conftest import FIXTURES, REPO, SHARED

MD = archive_markdown()


def _markdown_its(text: str) -> tuple[str, str] | None:
    """(front matter block, HTML) as markdown-it gives them; None without front matter."""
    tokens = MD.parse(text)
    if not tokens or tokens[0].type != "front_matter":
        return None
    return tokens[0].content, MD.renderer.render(tokens, MD.options, {})


def _same_as_markdown_it(texts: list[str]) -> int:
    """Check every accepted text against markdown-it, and with SANITIZED_ESCAPES against what
    sanitize_html makes of markdown-it's HTML; the number of texts accepted."""
    accepted = 0
    for text in texts:
        ours = plain_story(text)
        if ours is not None:
            accepted += 1
            theirs = _markdown_its(text)
            assert ours == theirs, repr(text)
            assert plain_story(text, SANITIZED_ESCAPES) == (theirs[0], sanitize_html(theirs[1])), repr(text)
        else:
            assert plain_story(text, SANITIZED_ESCAPES) is None, repr(text)
    return accepted


OPENINGS = ["---\n", "----\n", "--- \n", "", "...\n", "---"]
FRONT_LINES = ["headline: Harbour reopens\n", "tags: [a, b]\n", "byline:\n", "  - Ann Lee\n", "- x\n",
               "...\n", "  ...\n", "  ---\n", "\t---\n", "--- x\n", "----\n", "---  \n", "\n", "a: b\r\n",
               "summary: \"x\"\n", "    ---\n"]
CLOSINGS = ["---\n", "---", "---\n\n", "---  \n", "----\n", "...\n", ""]
# Pieces of a body: plain words and punctuation the shortcut lets through (`!`, `]`, `&` not
# starting an entity, `>` and `"` inside a line, digits, Unicode spaces inside a line, block
# marks inside a line), and everything that makes markdown-it read more than a paragraph.
STARTS = ["Harbour", "The", "\"Quoted\"", "'Single'", "(Aside)", "9", "1990s", "2024 was", "$5", "£5", "é",
          "—", "!", "]", "?", "M&S", "Ünter", "\u00abGuillemets\u00bb"]
SAFE = [" ", "reopens", ", ", ". ", "said", "\"quoted\"", "'s", "(2024)", "!", "]", "M&S", "AT&T", "3 > 2",
        "9", "50%", "$5", "a\u00a0b", "\u00a0", "x\x01y", "\ufffe", "\U0010ffff", "\u00ad", "\u202f", "&nbsp",
        "'", "\"", "\ufeff", "\x7f", "x\u2028y", "x\x0cy", "é", "—", "?", ":", "-", "=", "#", "+", "1.",
        "&", "&;", "& amp;", ">", "[", "[x]", "[a] (b)", "[a]\n(b)", " [r]: /u", "![x]", "[a]:", "[[a]]",
        "[a] [b]", "\n[", "[x]\n"]
RISKY = ["\t", " ", "  \n", " \n", "\n ", "\n    ", "\n\t", "\u00a0", "\n\u00a0", "\u2029", "\x0c", "\x1c",
         "\n1. ", "\n1) ", "\n12. ", "\n1.", "\n123456789012) ", "\n# ", "\n#", "\n> ", "\n>", "\n- ",
         "\n-", "\n+ ", "\n* ", "\n=", "\n===", "\n---", "\n___", "\n***", "\n```", "\n~~~", "\n<p>",
         "\n<!-- c -->", "<b>", "\n| a | b |\n|---|---|", "a | b", "\n:", "[", "[x](/y)", "![i](j)", "\n[r]: /u", "[a][b]", "[a][]", "[a](b)", "\n[a]: /u\n[a]",
         "&amp;", "&#35;", "&#x41;", "&copy;", "&bogus;", "&\u212a;", "\\", "\\*", "`", "``", "*", "**", "_",
         "__", "`code`", "_em_", "a_b_", "__strong__", "*em*", "~", "~~", "~~del~~", "\na | b\n:-|-", "\r", "\r\n", "\0", "<http://e.invalid>", "http://e.invalid", "\n\n    code",
         "\n...", "\n", "\n\n"]


def _texts(count: int, seed: int, risky_share: float) -> list[str]:
    """Random stories: mostly well-formed front matter and plain lines, with risky pieces
    (odd front matter, block marks, inline marks, whitespace) at `risky_share` of the places."""
    rng = random.Random(seed)

    def risky() -> bool:
        return rng.random() < risky_share

    texts = []
    for _ in range(count):
        parts = [rng.choice(OPENINGS) if risky() else "---\n"]
        parts += [rng.choice(FRONT_LINES) if risky() else "headline: Harbour\n" for _ in range(rng.randint(0, 3))]
        parts.append(rng.choice(CLOSINGS) if risky() else "---\n")
        for _ in range(rng.randint(0, 8)):
            parts.append(rng.choice(["", "\n", "\n\n", "\n\n\n"]))
            parts.append(rng.choice(STARTS))
            parts += [rng.choice(RISKY) if risky() else rng.choice(SAFE) for _ in range(rng.randint(0, 6))]
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize(("seed", "risky_share", "least"), [(1, 0.0, 3000), (2, 0.02, 2000), (3, 0.1, 500),
                                                            (4, 0.5, 100)])
def test_plain_story_is_what_markdown_it_gives(seed: int, risky_share: float, least: int) -> None:
    texts = _texts(6000, seed, risky_share)
    accepted = _same_as_markdown_it(texts)
    # The comparison means something only if the shortcut takes a good share of the texts.
    assert accepted >= least, accepted


@pytest.mark.parametrize("seed", range(3))
def test_plain_inline_is_what_markdown_it_gives(seed: int) -> None:
    """Summaries: markdown-it's renderInline for every one-line text the shortcut takes."""
    chance = random.Random(seed)
    accepted = 0
    for _ in range(6000):
        text = "".join(chance.choice(RISKY if chance.random() < 0.05 else SAFE + STARTS)
                       for _ in range(chance.randint(0, 12)))
        ours = plain_inline(text)
        if ours is not None:
            accepted += 1
            assert ours == MD.renderInline(text), repr(text)
            assert plain_inline(text, SANITIZED_ESCAPES) == sanitize_html(ours), repr(text)
    assert accepted > 1500, accepted
    for piece in RISKY:
        for text in (piece, f"A {piece} b", f"{piece}a", f"a{piece}"):
            ours = plain_inline(text)
            assert ours is None or ours == MD.renderInline(text), repr(text)
            assert ours is None or plain_inline(text, SANITIZED_ESCAPES) == sanitize_html(ours), repr(text)


EDGES = ["---\nheadline: x\n---\n", "---\nheadline: x\n---", "---\nheadline: x\n---\n\n\n", "---\n---\nbody\n",
         "---\nheadline: x\n---\nStraight after the fence.\nSecond line.\n\nNext.",
         "---\nheadline: x\n---\n\nOne.\n\n\n\nTwo.\n", "---\nheadline: x\n", "headline: x\n---\n",
         "---\nheadline: x\n...\nbody\n", "---\nheadline: x\n---\n\n---\n", "---\nheadline: x\n---\n\n\t\n"]


def test_edges_are_markdown_its_or_refused() -> None:
    assert _same_as_markdown_it(EDGES) >= 5
    assert plain_story("---\nheadline: x\n---\n") == ("headline: x", "")
    assert plain_story("---\nheadline: x\n---\n\nA & B say \"no\" > yes!\n") == (
        "headline: x", "\n<p>A &amp; B say &quot;no&quot; &gt; yes!</p>\n")


@pytest.mark.parametrize("piece", RISKY)
def test_each_risky_piece_in_a_plain_story(piece: str) -> None:
    """Each risky piece at the start, inside and at the end of a line of an otherwise plain story."""
    front = "---\nheadline: Harbour\n---\n\n"
    placed = [f"{piece}Harbour reopens.\n", f"Harbour {piece} reopens.\n", f"Harbour reopens.{piece}\n",
              f"Harbour reopens.\n{piece}\nShips return.\n", f"Harbour reopens.\n\n{piece}\n\nShips return."]
    _same_as_markdown_it([front + body for body in placed] + [front + body + body for body in placed])


def _story_files() -> list[Path]:
    files = sorted((REPO / "tests" / "fixtures").rglob("*.md")) + sorted((REPO / "content").rglob("*.md"))
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        files += sorted(corpus.rglob("*.md"))[:3000]
    return files


def test_the_archives_own_stories_read_the_same() -> None:
    texts = [path.read_text(encoding="utf-8-sig") for path in _story_files()]
    assert _same_as_markdown_it(texts) > 0


def test_reader_gives_the_same_article_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every story of the fixture archive and content/, read with the shortcut and with
    markdown-it alone: the same HTML and the same metadata."""
    settings = read_settings(str(REPO / "pelicanconf.py"), override={"PATH": str(FIXTURES / "archive")})
    paths = [p for p in _story_files() if "pages" not in p.parts and not p.is_relative_to(SHARED)]
    reader = ArchiveReader(settings)
    shortcut = [reader.read(str(path)) for path in paths]
    assert sum(plain_story(p.read_text(encoding="utf-8-sig")) is not None for p in paths) > 0
    monkeypatch.setattr(reader_module, "plain_story", lambda *args: None)
    monkeypatch.setattr(reader_module, "plain_inline", lambda *args: None)
    long_way = [ArchiveReader(settings).read(str(path)) for path in paths]
    assert [(html, _comparable(meta)) for html, meta in shortcut] == [
        (html, _comparable(meta)) for html, meta in long_way]


def _comparable(meta: dict) -> dict:
    """Metadata with Pelican's URL wrappers as their names (they compare by identity)."""
    def plain(value: object) -> object:
        if isinstance(value, list):
            return [plain(item) for item in value]
        return getattr(value, "name", value) if type(value).__name__ in {"Author", "Tag", "Category"} else value
    return {key: plain(value) for key, value in meta.items()}


# Run in a fresh interpreter: reads a plain story, then one that is not plain, and says which of
# the two slow imports were made before and after the second.
_LAZY_READ = """
import json, sys
from pelican.settings import read_settings
from archive_reader import ArchiveReader
settings = read_settings(sys.argv[1], override={"PATH": sys.argv[2]})
reader = ArchiveReader(settings)
plain_html, _ = reader.read(sys.argv[3])
slow = ("markdown_it", "jsonschema")
before = [name for name in slow if name in sys.modules]
marked_html, _ = reader.read(sys.argv[4])
print(json.dumps({"before": before, "after": [name for name in slow if name in sys.modules],
                  "plain": plain_html, "marked": marked_html}))
"""


def test_plain_valid_stories_are_read_without_markdown_it_or_jsonschema(tmp_path: Path) -> None:
    """A rebuild reads few stories, all plain and valid in an archive kept clean: it must not
    pay for importing markdown-it and jsonschema (about a tenth of a second), and a story that is
    not plain still gets markdown-it's HTML."""
    import json
    import subprocess
    import sys

    from theme_stories import START, write_story

    plain = write_story(tmp_path, "Harbour reopens", START)
    marked = write_story(tmp_path, "Ferry *strike* ends", START)
    marked.write_text(marked.read_text(encoding="utf-8") + "\nA *marked* word.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _LAZY_READ, str(REPO / "pelicanconf.py"), str(tmp_path),
                           str(plain), str(marked)], capture_output=True, text=True, check=True, cwd=REPO)
    result = json.loads(done.stdout)
    assert result["before"] == []
    assert "markdown_it" in result["after"]
    assert result["plain"] == "\n<p>Harbour reopens. A fictional story for the archive's tests.</p>\n"
    assert "<em>marked</em>" in result["marked"]

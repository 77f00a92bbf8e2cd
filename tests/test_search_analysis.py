"""The browser search client analyzes text exactly as Whoosh does at index time.

Whoosh's ``StemmingAnalyzer()`` is the oracle: every text below goes through it
and through ``theme/static/js/search/analysis.js`` (run by node), and the token
lists must be identical. Fixture text of our own always runs; the whole BBC
corpus runs too when ``../shared`` sits next to the repository (as in CI).
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from whoosh.analysis import RegexTokenizer, StandardAnalyzer, StemmingAnalyzer
from whoosh.lang.porter import stem

from archive_search.encoding import follower_bucket

REPO = Path(__file__).resolve().parent.parent
CLI = REPO / "tests" / "js" / "analyze_cli.mjs"
CASES = REPO / "tests" / "fixtures" / "search" / "analysis_cases.txt"
BBC_CORPUS = REPO.parent / "shared" / "corpus" / "bbc"

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def run_client(operation: str, texts: list[str]) -> list:
    """Results of the JavaScript client's ``operation`` for each text, in order."""
    completed = subprocess.run(
        [NODE, str(CLI), operation],
        input=json.dumps(texts).encode("utf-8"),
        capture_output=True,
        check=True,
        timeout=300,
    )
    return json.loads(completed.stdout)


def whoosh_terms(texts: list[str]) -> list[list[str]]:
    """What Whoosh's default StemmingAnalyzer indexes for each text."""
    analyzer = StemmingAnalyzer()
    return [[token.text for token in analyzer(text)] for text in texts]


def fixture_cases() -> list[str]:
    lines = CASES.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def first_difference(texts: list[str], expected: list, got: list) -> str:
    """A readable description of the first text the two analyzers disagree on."""
    for text, want, have in zip(texts, expected, got):
        if want != have:
            return f"text {text[:80]!r}: whoosh {want[:40]!r} != client {have[:40]!r}"
    return "lengths differ"


def test_fixture_texts_analyze_like_whoosh() -> None:
    texts = fixture_cases()
    texts.append(CASES.read_text(encoding="utf-8"))
    expected = whoosh_terms(texts)
    got = run_client("analyze", texts)
    assert got == expected, first_difference(texts, expected, got)
    # The fixture must exercise what it claims to: stems, stops and unicode.
    all_terms = {term for terms in expected for term in terms}
    assert {"hopp", "gener", "київ", "3.141", "a.b.c", "snake_case_nam", "ferr*"} <= all_terms


def test_spelling_words_are_whooshs_standard_analysis() -> None:
    """The words a misspelling is corrected against: the same chain without the stemmer."""
    texts = fixture_cases() + random_texts(seed=7, count=1000)
    analyzer = StandardAnalyzer()
    expected = [[token.text for token in analyzer(text)] for text in texts]
    got = run_client("surfaceWords", texts)
    assert got == expected, first_difference(texts, expected, got)
    assert "hopping" in {word for words in expected for word in words}


def test_fixture_texts_tokenize_like_whoosh() -> None:
    texts = fixture_cases()
    tokenizer = RegexTokenizer()
    expected = [[token.text for token in tokenizer(text)] for text in texts]
    assert run_client("tokenize", texts) == expected


def test_stem_matches_whoosh_on_fixture_words() -> None:
    words = sorted({w.lower() for text in fixture_cases() for w in re.findall(r"\w+", text)})
    assert run_client("stem", words) == [stem(word) for word in words]


def random_texts(seed: int, count: int) -> list[str]:
    """Seeded random strings dense in what the tokenizer and stemmer branch on."""
    pieces = list("aeiouy bcdlmnrstzgw.*_'-") + ["ing", "ed", "ies", "sses", "ational", "ll", "Y",
                                                  "é", "\u0301", "Σ", "İ", "ß", "٣", "𝔘", "\n", " "]
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def test_random_texts_analyze_like_whoosh() -> None:
    texts = random_texts(seed=20260316, count=5000)
    expected = whoosh_terms(texts)
    got = run_client("analyze", texts)
    assert got == expected, first_difference(texts, expected, got)
    assert sum(map(len, expected)) > 5000, "the random texts should produce many terms"


def test_random_words_stem_like_whoosh() -> None:
    rng = random.Random(1984)
    letters = "aeiouybcdlmnrstzgwy"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 14))) for _ in range(20000)]
    words += [word + suffix for word in words[:2000] for suffix in ("ing", "ed", "ies", "ness", "ation")]
    assert run_client("stem", words) == [stem(word) for word in words]


def test_follower_files_are_chosen_alike() -> None:
    """A phrase's follower sets are in the file the export put them in: the client picks a
    word's file (FNV-1a over code points) as export.py does, for letters beyond the first
    plane, combining marks and digits too."""
    words = sorted({term for terms in whoosh_terms(random_texts(seed=77, count=3000)) for term in terms})
    words += ["𝔘𝔫𝔦", "київ", "straße", "", "x"]
    assert any(ord(character) > 0xFFFF for word in words for character in word)
    counts = [1, 7, 61, 4096]  # analyze_cli.mjs BUCKET_COUNTS
    expected = [[follower_bucket(word, count) for count in counts] for word in words]
    got = run_client("followerBuckets", words)
    assert got == expected, first_difference(words, expected, got)
    assert len({buckets[2] for buckets in expected}) == 61  # the words spread over every file


def assigned_characters() -> list[str]:
    """Every code point Python's Unicode database assigns, except surrogates.

    Characters assigned in later Unicode versions than Python's are left out:
    the browser's newer tables know them and Python's do not (a documented limit).
    """
    return [
        chr(cp)
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) not in ("Cn", "Cs")
    ]


def test_every_character_tokenizes_and_lowercases_like_whoosh() -> None:
    # Each character doubled (so the length-2 minimum keeps it) and on its own
    # line: the client must agree on which are word characters and how they
    # lowercase (Python's str.lower, including final sigma and dotted İ).
    texts = [ch * 2 for ch in assigned_characters()]
    text = "\n".join(texts)
    expected = whoosh_terms([text])
    got = run_client("analyze", [text])
    assert got == expected, first_difference(texts, expected[0], got[0])


def corpus_texts() -> list[str]:
    """The BBC articles as text; the one Latin-1 file is read as Latin-1."""
    texts = []
    for path in sorted(BBC_CORPUS.rglob("*.txt")):
        if path.name == "README.TXT":
            continue
        raw = path.read_bytes()
        try:
            texts.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(raw.decode("latin-1"))
    return texts


@pytest.mark.skipif(not BBC_CORPUS.is_dir(), reason="../shared/corpus/bbc is not present")
def test_bbc_corpus_vocabulary_analyzes_like_whoosh() -> None:
    texts = corpus_texts()
    tokenizer = RegexTokenizer()
    vocabulary = sorted({token.text for text in texts for token in tokenizer(text)})
    assert len(vocabulary) > 10_000, "the corpus should have a real vocabulary"

    # Every distinct token on its own, then every article in full.
    expected_words = whoosh_terms(vocabulary)
    got_words = run_client("analyze", vocabulary)
    assert got_words == expected_words, first_difference(vocabulary, expected_words, got_words)

    expected_articles = whoosh_terms(texts)
    got_articles = run_client("analyze", texts)
    assert got_articles == expected_articles, first_difference(
        texts, expected_articles, got_articles
    )
    stems = {term for terms in expected_words for term in terms}
    print(f"\nBBC corpus: {len(texts)} articles, {len(vocabulary)} distinct tokens, "
          f"{len(stems)} distinct index terms, identical in Whoosh and the client")

"""Compact text encoding of integer lists for the exported index (decoded by engine.js).

Each number is written as base-64 digits of five bits, least significant first; a digit of 32
or more says another digit follows. Small numbers (document gaps, frequencies, positions) take
one character, the text stays JSON-safe and compresses well on the static host.
"""

from __future__ import annotations

from collections.abc import Iterable

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE = {char: value for value, char in enumerate(ALPHABET)}


def encode_numbers(numbers: Iterable[int]) -> str:
    """Return the text form of non-negative integers (raises ValueError on a negative one)."""
    out: list[str] = []
    append = out.append
    for number in numbers:
        if 0 <= number < 32:  # the common case, one character
            append(ALPHABET[number])
            continue
        if number < 0:
            raise ValueError(f"cannot encode negative number {number}")
        while number >= 32:
            append(ALPHABET[32 | (number & 31)])
            number >>= 5
        append(ALPHABET[number])
    return "".join(out)


def decode_numbers(text: str) -> list[int]:
    """Return the integers encoded by `encode_numbers`."""
    numbers: list[int] = []
    value = shift = 0
    for char in text:
        digit = _VALUE[char]
        value |= (digit & 31) << shift
        if digit & 32:
            shift += 5
        else:
            numbers.append(value)
            value = shift = 0
    return numbers


#: Marks an article set written as a bitmap (not a digit of ALPHABET).
BITMAP_MARK = "~"


def encode_articles(articles: list[int]) -> str:
    """Return the text form of sorted article numbers: their gaps (`encode_numbers`), or, when
    they cover more than a fifth of their range, "~" and a bitmap of six articles per digit
    (article n is bit n % 6 of digit n // 6), which is then the smaller once compressed."""
    if not articles or len(articles) * 5 <= articles[-1]:
        return encode_numbers(b - a for a, b in zip([0] + articles, articles))
    digits = [0] * (articles[-1] // 6 + 1)
    for article in articles:
        digits[article // 6] |= 1 << (article % 6)
    return BITMAP_MARK + "".join(ALPHABET[digit] for digit in digits)


def decode_articles(text: str) -> list[int]:
    """Return the sorted article numbers encoded by `encode_articles`."""
    if not text.startswith(BITMAP_MARK):
        articles, total = [], 0
        for gap in decode_numbers(text):
            total += gap
            articles.append(total)
        return articles
    return [index * 6 + bit for index, char in enumerate(text[1:]) for bit in range(6) if _VALUE[char] >> bit & 1]

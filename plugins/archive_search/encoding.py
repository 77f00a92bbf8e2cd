"""Compact text encoding of integer lists for the exported index (decoded by engine.js).

Each number is written as base-64 digits of five bits, least significant first; a digit of 32
or more says another digit follows. Small numbers (document gaps, frequencies, positions) take
one character, the text stays JSON-safe and compresses well on the static host.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import accumulate
from operator import sub

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
#: bytes.translate tables: a digit's character to its value (255: not a digit), and back.
_TO_VALUE = bytes(_VALUE.get(chr(code), 255) for code in range(256))
_TO_DIGIT = ALPHABET.encode("ascii") + bytes(192)
#: The set bits of each digit's value (bitmaps).
_BITS = [tuple(bit for bit in range(6) if value >> bit & 1) for value in range(64)]


def _encode_one(number: int) -> str:
    out = []
    while number >= 32:
        out.append(ALPHABET[32 | (number & 31)])
        number >>= 5
    out.append(ALPHABET[number])
    return "".join(out)


#: The text of every number below 2 ** 15 (up to three digits): the export encodes millions.
_ENCODED = [_encode_one(number) for number in range(1 << 15)]
#: One number's digits (as values) and the number, for the same numbers, to decode them.
_DECODED = {number_text.encode("ascii").translate(_TO_VALUE): number for number, number_text in enumerate(_ENCODED)}
_NUMBER = re.compile(rb"[\x20-\x3f]*[\x00-\x1f]")


def encode_numbers(numbers: Iterable[int]) -> str:
    """Return the text form of non-negative integers (raises ValueError on a negative one)."""
    values = numbers if isinstance(numbers, list) else list(numbers)
    if not values:
        return ""
    if min(values) >= 0 and max(values) < len(_ENCODED):
        return "".join(map(_ENCODED.__getitem__, values))
    out: list[str] = []
    append = out.append
    for number in values:  # (`numbers` may be an iterator, already read into `values`)
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
    data = text.encode("ascii").translate(_TO_VALUE)
    if data and max(data) < 32:  # one digit each
        return list(data)
    if data and max(data) == 255:
        raise KeyError(f"not an encoded number: {text[:40]!r}")
    try:
        return list(map(_DECODED.__getitem__, _NUMBER.findall(data)))
    except KeyError:  # a number of four digits or more
        pass
    numbers: list[int] = []
    value = shift = 0
    for digit in data:
        if digit < 32:
            numbers.append(value | (digit << shift))
            value = shift = 0
        else:
            value |= (digit & 31) << shift
            shift += 5
    return numbers


#: Marks an article set written as a bitmap (not a digit of ALPHABET).
BITMAP_MARK = "~"


def encode_articles(articles: list[int]) -> str:
    """Return the text form of sorted article numbers: their gaps (`encode_numbers`), or, when
    they cover more than a fifth of their range, "~" and a bitmap of six articles per digit
    (article n is bit n % 6 of digit n // 6), which is then the smaller once compressed."""
    if not articles or len(articles) * 5 <= articles[-1]:
        return encode_numbers(list(map(sub, articles, [0, *articles])))
    digits = bytearray(articles[-1] // 6 + 1)
    for article in articles:
        digits[article // 6] |= 1 << (article % 6)
    return BITMAP_MARK + digits.translate(_TO_DIGIT).decode("ascii")


def decode_articles(text: str) -> list[int]:
    """Return the sorted article numbers encoded by `encode_articles`."""
    if not text.startswith(BITMAP_MARK):
        return list(accumulate(decode_numbers(text)))
    data = text[1:].encode("ascii").translate(_TO_VALUE)
    if data and max(data) == 255:
        raise KeyError(f"not an encoded bitmap: {text[:40]!r}")
    bits = _BITS
    return [index * 6 + bit for index, value in enumerate(data) if value for bit in bits[value]]


def extend_articles(text: str, before: list[int], added: list[int]) -> str:
    """Return encode_articles(before + added) from `text` = encode_articles(before), where every
    added article comes after the last of `before`: a day's new articles extend a long list
    without encoding it again."""
    if not added:
        return text
    bitmap = (len(before) + len(added)) * 5 > added[-1]
    if not before or bitmap != text.startswith(BITMAP_MARK):
        return encode_articles(before + added)
    if not bitmap:
        return text + encode_numbers([b - a for a, b in zip([before[-1]] + added, added)])
    base = before[-1] // 6
    digits = bytearray(added[-1] // 6 + 1 - base)
    digits[0] = _VALUE[text[-1]]
    for article in added:
        digits[article // 6 - base] |= 1 << (article % 6)
    return text[:-1] + digits.translate(_TO_DIGIT).decode("ascii")

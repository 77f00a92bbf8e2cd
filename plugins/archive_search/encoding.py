"""Compact text encoding of integer lists for the exported index (decoded by engine.js).

Each number is written as base-64 digits of five bits, least significant first; a digit of 32
or more says another digit follows. Small numbers (document gaps, frequencies, positions) take
one character, the text stays JSON-safe and compresses well on the static host.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from operator import sub
from typing import overload

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
#: A number of two digits or more (as values), and the values that say another digit follows.
_LONG_NUMBER = re.compile(rb"[\x20-\x3f]+[\x00-\x1f]")
_MORE = bytes(range(32, 64))


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
    top = max(data) if data else 0
    if top < 32:  # one digit each
        return list(data)
    if top == 255:
        raise KeyError(f"not an encoded number: {text[:40]!r}")
    try:
        if 8 * (len(data) - len(data.translate(None, _MORE))) < len(data):
            # Mostly one digit each (the gaps of a common word's articles): the digits are the
            # numbers but for a few, found and decoded one by one (a match per number, as
            # below, took three times as long).
            numbers = []
            done = 0
            for match in _LONG_NUMBER.finditer(data):
                start, end = match.span()
                numbers += data[done:start]
                numbers.append(_DECODED[match.group()])
                done = end
            numbers += data[done:]
            return numbers
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


def encode_gaps(numbers: list[int]) -> str:
    """Return the text form of sorted non-negative integers as their gaps (`encode_numbers`)."""
    return encode_numbers(list(map(sub, numbers, [0, *numbers])))


def decode_gaps(text: str) -> list[int]:
    """Return the sorted integers encoded by `encode_gaps`."""
    return list(accumulate(decode_numbers(text)))


def follower_bucket(word: str, buckets: int) -> int:
    """The file (0 .. buckets - 1) of a shard's follower sets that holds the sets of following
    word `word`: FNV-1a over its code points, as index_files.js followerBucket computes it."""
    value = 0x811C9DC5
    for character in word:
        value = ((value ^ ord(character)) * 0x01000193) & 0xFFFFFFFF
    return value % buckets


def encode_articles(articles: list[int]) -> str:
    """Return the text form of sorted article numbers: their gaps (`encode_gaps`), or, when
    they cover more than a fifth of their range, "~" and a bitmap of six articles per digit
    (article n is bit n % 6 of digit n // 6), which is then the smaller once compressed."""
    if not articles or len(articles) * 5 <= articles[-1]:
        return encode_gaps(articles)
    digits = bytearray(articles[-1] // 6 + 1)
    for article in articles:
        digits[article // 6] |= 1 << (article % 6)
    return BITMAP_MARK + digits.translate(_TO_DIGIT).decode("ascii")


def decode_articles(text: str) -> list[int]:
    """Return the sorted article numbers encoded by `encode_articles`."""
    if not text.startswith(BITMAP_MARK):
        return decode_gaps(text)
    return _bitmap_articles(_bitmap_digits(text))


def _bitmap_digits(text: str) -> bytes:
    """The digits' values of a bitmap's text (after its mark)."""
    data = text[1:].encode("ascii").translate(_TO_VALUE)
    if data and max(data) == 255:
        raise KeyError(f"not an encoded bitmap: {text[:40]!r}")
    return data


def _bitmap_articles(data: bytes) -> list[int]:
    """Every article of a bitmap's digits, in order."""
    bits = _BITS
    return [index * 6 + bit for index, value in enumerate(data) if value for bit in bits[value]]


class ListedArticles(list):
    """Sorted article numbers in a list, asked for an article's place and membership by
    bisection (what `BitmapArticles` answers from a bitmap)."""

    def rank(self, article: int) -> int:
        """How many of the articles come before `article`."""
        return bisect_left(self, article)

    def at_places(self, places: Iterable[int]) -> list[int]:
        """The articles at the given places."""
        return list(map(self.__getitem__, places))

    def __contains__(self, article: object) -> bool:
        at = bisect_left(self, article)  # type: ignore[call-overload]
        return at < len(self) and self[at] == article


#: Articles per stretch of a bitmap whose running count BitmapArticles keeps (digits of six).
_STRETCH = 16
#: bytes.translate table: a digit's value to its number of articles.
_COUNT = bytes(len(bits) for bits in _BITS) + bytes(192)


class BitmapArticles(Sequence[int]):
    """The sorted article numbers of a bitmap (`encode_articles`) without listing them all.

    A correction patches a common word's entries (export._Patcher), which asks a list only for
    the places of a few articles, the articles of a few blocks and whether some hundreds are
    in it; listing every article of such a list (half the archive) cost about 4 ms each, a
    fifth of a correction's export at 100,000 articles. Here the digits are kept with a
    running count of articles every `_STRETCH` digits: a place is that count and a count of at
    most 16 digits, membership one bit."""

    def __init__(self, text: str) -> None:
        self._data = data = _bitmap_digits(text)
        self._counts = data.translate(_COUNT)
        self._starts = list(accumulate((sum(self._counts[at:at + _STRETCH])
                                        for at in range(0, len(data), _STRETCH)), initial=0))

    def __len__(self) -> int:
        return self._starts[-1]

    def __contains__(self, article: object) -> bool:
        if not isinstance(article, int) or article < 0:
            return False
        digit, bit = divmod(article, 6)
        return digit < len(self._data) and bool(self._data[digit] >> bit & 1)

    def rank(self, article: int) -> int:
        """How many of the articles come before `article`."""
        if article <= 0:
            return 0
        digit, bit = divmod(article, 6)
        if digit >= len(self._data):
            return len(self)
        stretch = digit // _STRETCH
        return (self._starts[stretch] + sum(self._counts[stretch * _STRETCH:digit])
                + _COUNT[self._data[digit] & ((1 << bit) - 1)])

    def _from(self, first: int, stop: int) -> list[int]:
        """The articles at places first ... stop - 1."""
        stop = min(stop, len(self))
        if first >= stop:
            return []
        stretch = bisect_right(self._starts, first) - 1
        digit, place = stretch * _STRETCH, self._starts[stretch]
        counts = self._counts
        while place + counts[digit] <= first:
            place += counts[digit]
            digit += 1
        found: list[int] = []
        data, bits = self._data, _BITS
        while place < stop:
            for bit in bits[data[digit]]:
                if first <= place < stop:
                    found.append(digit * 6 + bit)
                place += 1
            digit += 1
        return found

    def at_places(self, places: Iterable[int]) -> list[int]:
        """The articles at the given places (each found from its stretch's running count)."""
        starts, counts, data, bits = self._starts, self._counts, self._data, _BITS
        found = []
        for place in places:
            stretch = bisect_right(starts, place) - 1
            digit, before = stretch * _STRETCH, starts[stretch]
            while before + counts[digit] <= place:
                before += counts[digit]
                digit += 1
            found.append(digit * 6 + bits[data[digit]][place - before])
        return found

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            first, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("BitmapArticles takes slices of step 1")
            return self._from(first, stop)
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._from(index, index + 1)[0]

    def __iter__(self) -> Iterator[int]:
        # Listing all of them (an _Appender extends the list) as decode_articles does, not place
        # by place: a third faster.
        return iter(_bitmap_articles(self._data))


def article_set(text: str) -> ListedArticles | BitmapArticles:
    """The sorted article numbers encoded by `encode_articles`, as a sequence that tells an
    article's place (`rank`) and membership without a walk; a bitmap's are not listed."""
    return BitmapArticles(text) if text.startswith(BITMAP_MARK) else ListedArticles(accumulate(decode_numbers(text)))


def extend_articles(text: str, before: Sequence[int], added: list[int]) -> str:
    """Return encode_articles(before + added) from `text` = encode_articles(before), where every
    added article comes after the last of `before`: a day's new articles extend a long list
    without encoding it again."""
    if not added:
        return text
    bitmap = (len(before) + len(added)) * 5 > added[-1]
    if not before or bitmap != text.startswith(BITMAP_MARK):
        return encode_articles([*before, *added])
    if not bitmap:
        return text + encode_numbers([b - a for a, b in zip([before[-1]] + added, added)])
    base = before[-1] // 6
    digits = bytearray(added[-1] // 6 + 1 - base)
    digits[0] = _VALUE[text[-1]]
    for article in added:
        digits[article // 6 - base] |= 1 << (article % 6)
    return text[:-1] + digits.translate(_TO_DIGIT).decode("ascii")

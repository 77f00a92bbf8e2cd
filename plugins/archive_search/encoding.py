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

"""Turn a raw file's bytes into text: detect the encoding, refuse what is not text."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

__all__ = ["DecodedText", "decode_bytes"]


class DecodedText(str):
    """Text decoded from a raw file; `.encoding` says which encoding was found (for the report)."""

    encoding: str

    def __new__(cls, text: str, encoding: str) -> DecodedText:
        value = super().__new__(cls, text)
        value.encoding = encoding
        return value


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(raw: bytes) -> DecodedText:
    """Decode raw bytes: a BOM wins, then strict UTF-8, then UTF-16 without BOM, then a detected
    single-byte encoding (Windows-1252 for Latin text).

    Raises ValueError with the reason when the file is empty or binary.
    """
    if not raw.strip():
        raise ValueError("the file is empty")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return DecodedText(raw.decode(encoding), encoding.replace("-sig", " with BOM"))
    if _looks_utf16(raw):
        encoding = "utf-16-le" if raw[1::2].count(0) > raw[0::2].count(0) else "utf-16-be"
        return DecodedText(raw.decode(encoding, errors="replace"), encoding)
    if b"\x00" in raw[:4096]:
        raise ValueError("the file is binary (it contains NUL bytes), not text; export the story as text, HTML, WXR, a feed or JSON lines")
    try:
        return DecodedText(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is None or _control_share(raw) > 0.05:
        raise ValueError("the file is binary or in an unknown encoding; save it as UTF-8 text")
    encoding = best.encoding
    # detectors often name a sibling of Windows-1252 (latin-1, cp1250) for Western text; when
    # cp1252 reads the bytes the same way, it is the name a newsroom will recognise
    try:
        if raw.decode("cp1252") == raw.decode(encoding):
            encoding = "cp1252"
    except (UnicodeDecodeError, LookupError):
        pass
    try:
        return DecodedText(raw.decode(encoding), encoding)
    except (UnicodeDecodeError, LookupError):
        return DecodedText(raw.decode("latin-1"), "latin-1")


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a BOM: every other byte of ASCII-range text is NUL."""
    sample = raw[:2048]
    if len(sample) < 4:
        return False
    zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) / 2
    return max(zeros_even, zeros_odd) > 0.4 * half and min(zeros_even, zeros_odd) < 0.05 * half


def _control_share(raw: bytes) -> float:
    sample = raw[:4096]
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls / len(sample)

"""Read generated PDFs back in tests, robustly for shaped Thai.

pypdf gives shaped Thai back with its marks (above and below vowels, tone marks) in the
order the glyphs were drawn, sometimes with control characters from decomposed sara am;
lines wrap wherever fpdf2 broke them. So comparisons drop the marks, whitespace, zero-width
spaces and control characters on both sides; consonants, leading vowels, digits and ASCII
still have to match in order.
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

_MARKS = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_NOISE = re.compile(r"[\x00-\x1f\u200b\s]")


def squash(text: str) -> str:
    """Text without Thai marks, whitespace, zero-width spaces or control characters."""
    return _NOISE.sub("", _MARKS.sub("", text.replace("\u00a0", " ")))


def pdf_pages(pdf: bytes) -> list:
    return list(PdfReader(io.BytesIO(pdf)).pages)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pdf_pages(pdf))

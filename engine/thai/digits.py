"""Thai digits (เลขไทย) in printed documents.

Official letters write numbers in Thai digits ("๑ ตุลาคม พ.ศ. ๒๕๖๒"), and an office
chooses Thai or Arabic in ``office.toml`` (``digits``). Some numbers are never converted,
because a person types or dials them as they are: tracking codes, web addresses, e-mail
addresses and telephone numbers. Web and e-mail addresses are found in running text by
their shape; other texts to keep (a tracking code, a phone number) are named by the
caller. Spreadsheets and CSV never come here: their cells stay numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

DigitStyle = Literal["thai", "arabic"]
DIGIT_STYLES: tuple[DigitStyle, ...] = ("thai", "arabic")

_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Addresses a person types: URLs (with a scheme or starting "www.") and e-mail addresses.
_ADDRESSES = r"(?:https?://|www\.)[^\s<>\"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"


def thai_digits(text: str) -> str:
    """Every Arabic digit of ``text`` as a Thai digit."""
    return text.translate(_TO_THAI)


def arabic_digits(text: str) -> str:
    """Every Thai digit of ``text`` as an Arabic digit."""
    return text.translate(_TO_ARABIC)


def _kept_pattern(keep: Iterable[str]) -> re.Pattern[str]:
    literals = sorted({k for k in keep if k and any(c.isdigit() for c in k)}, key=len,
                      reverse=True)
    parts = [re.escape(k) for k in literals] + [_ADDRESSES]
    return re.compile("|".join(parts))


def localise_digits(text: str, style: DigitStyle, keep: Iterable[str] = ()) -> str:
    """``text`` with its digits in the office's ``style``, except inside web and e-mail
    addresses and inside any of the ``keep`` texts, which stay exactly as given."""
    return DigitLocaliser(style, keep)(text)


class DigitLocaliser:
    """One document's digit rule: its style and the texts it keeps as typed.

    The pattern of kept texts is built once per document, not once per drawn text
    (a report table draws thousands of cells).
    """

    def __init__(self, style: DigitStyle = "thai", keep: Iterable[str] = ()) -> None:
        self.style = style
        self._keep = {k for k in keep if k}
        self._pattern = _kept_pattern(self._keep)

    def keep(self, *texts: str) -> None:
        """Also keep these texts as typed (a phone number, a tracking code)."""
        self._keep.update(t for t in texts if t)
        self._pattern = _kept_pattern(self._keep)

    def __call__(self, text: str) -> str:
        if self.style == "arabic" or not any("0" <= c <= "9" for c in text):
            return text
        pieces: list[str] = []
        start = 0
        for match in self._pattern.finditer(text):
            pieces.append(thai_digits(text[start:match.start()]))
            pieces.append(match.group(0))
            start = match.end()
        pieces.append(thai_digits(text[start:]))
        return "".join(pieces)

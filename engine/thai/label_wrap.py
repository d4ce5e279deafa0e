"""Wrapping short labels (the names in a process diagram) to a width, Thai included.

Thai writes no spaces between words, so lines break where libthai finds word boundaries:
the same breaker the PDFs use (engine.thai.line_breaks), so "ผู้อำนวยการ" is never cut
into "ผู้อำนวย|การ". Only a single word wider than the whole line is cut inside, and
then between character clusters, never before a mark or a following vowel.

Widths are estimates in em: the browser picks the font, so the server cannot measure it.
The table holds, per Thai letter, the widest advance among the fonts the diagram names
(Laksaman, Garuda, Loma from Debian's fonts-thai-tlwg), so an estimate rarely falls short.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from engine.thai.line_breaks import NBSP, ZWSP, breakable

__all__ = ["FONT_SIZE", "ellipsize", "longest_word", "text_width", "wrap_text"]

FONT_SIZE = 12.0  # the diagram's label size, in px (engine.bpmn.diagram.style)

_THAI_COMBINING = {0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)}
# Written before the consonant they belong to, so a line must not end with one.
_THAI_LEADING_VOWELS = set("เแโใไ")
# Belong to the syllable before them; a line must not start with one.
_THAI_FOLLOWING = set("ะาำๅๆฯ")
# After an abbreviation's last dot, before a Thai word: "พ.ร.บ.|คอมพิวเตอร์", not "พ.|ร.บ.".
_AFTER_ABBREVIATION = re.compile(r"(?<=\.)(?=[\u0e01-\u0e2e][^\s.]{2})")
# Advance widths in em, the widest of Laksaman, Garuda and Loma, rounded up to 0.05.
_THAI_WIDTHS = {
    **dict.fromkeys("เ", 0.35), **dict.fromkeys("งใไๅ", 0.5),
    **dict.fromkeys("ฐรวะาำโ", 0.55), **dict.fromkeys("จธยฤลสอฮฯๆ", 0.6),
    **dict.fromkeys("กคฅฎฏดตถบปผฝมฦศษห฿แ", 0.65),
    **dict.fromkeys("ขฃฉชซทนพฟภฬ๏๐๑๒๓๖", 0.7), **dict.fromkeys("ฆ๔๕๗๘๙", 0.75),
    **dict.fromkeys("๚ฌญฑ", 0.85), **dict.fromkeys("ฒณ", 0.95),
}


def _is_combining(ch: str) -> bool:
    return ord(ch) in _THAI_COMBINING or unicodedata.category(ch) in ("Mn", "Me")


@lru_cache(maxsize=1024)
def _char_width(ch: str) -> float:
    if _is_combining(ch):
        return 0.0
    if ch in _THAI_WIDTHS:
        return _THAI_WIDTHS[ch]
    if "\u0e00" <= ch <= "\u0e7f":
        return 0.7
    if ch in (" ", NBSP):
        return 0.35
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch.isupper() or ch in "mwMW@%":
        return 0.85
    if ch in "il.,:;'|!()[]/":
        return 0.32
    return 0.58


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The estimated width of `text` at `size` px, in px."""
    return sum(map(_char_width, text)) * size


def _clusters(text: str) -> list[str]:
    """Split into base characters with their combining marks attached."""
    out: list[str] = []
    for ch in text:
        if out and _is_combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _may_cut(before: str, after: str) -> bool:
    return before[-1] not in _THAI_LEADING_VOWELS and after[0] not in _THAI_FOLLOWING


def _cut_word(word: str, max_width: float, size: float) -> list[str]:
    """A word wider than a whole line, cut between clusters: the last resort."""
    clusters = _clusters(word)
    pieces: list[str] = []
    start = 0
    while start < len(clusters):
        end, used = start + 1, text_width(clusters[start], size)
        while end < len(clusters) and used + text_width(clusters[end], size) <= max_width:
            used += text_width(clusters[end], size)
            end += 1
        # Step back a little rather than strand a leading vowel or start with "า".
        back = [c for c in range(end, max(start, end - 4), -1)
                if c >= len(clusters) or _may_cut(clusters[c - 1], clusters[c])]
        end = back[0] if back else end
        pieces.append("".join(clusters[start:end]))
        start = end
    return pieces


@lru_cache(maxsize=4096)  # each name is measured at several font sizes
def _words(paragraph: str) -> tuple[tuple[str, str], ...]:
    """(glue, word) pairs: each word with what goes before it when on the same line,
    a space or nothing (between Thai words libthai found)."""
    out: list[tuple[str, str]] = []
    text = _AFTER_ABBREVIATION.sub(ZWSP, breakable(paragraph))
    for i, chunk in enumerate(text.split(" ")):
        for j, word in enumerate(w for w in chunk.split(ZWSP) if w):
            out.append((" " if i and not j else "", word.replace(NBSP, " ")))
    if out:
        out[0] = ("", out[0][1])
    return tuple(out)


def wrap_text(text: str, max_width: float, size: float = FONT_SIZE) -> list[str]:
    """Greedy wrap at spaces and Thai word boundaries; a word is cut only when it alone
    is wider than `max_width`."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for glue, word in _words(paragraph):
            candidate = f"{line}{glue}{word}" if line else word
            if text_width(candidate, size) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            pieces = [word] if text_width(word, size) <= max_width else _cut_word(
                word, max_width, size)
            lines.extend(pieces[:-1])
            line = pieces[-1]
        if line:
            lines.append(line)
    return lines


def longest_word(text: str, size: float = FONT_SIZE) -> float:
    """The width of the widest word of `text`: a label narrower than this must cut one."""
    return max((text_width(word, size) for paragraph in text.splitlines()
                for _, word in _words(paragraph)), default=0.0)


def ellipsize(line: str, max_width: float, size: float) -> str:
    clusters = _clusters(line)
    while clusters and text_width("".join(clusters) + "…", size) > max_width:
        clusters.pop()
    return "".join(clusters) + "…"

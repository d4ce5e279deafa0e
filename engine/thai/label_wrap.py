"""Wrapping short labels (the names in a process diagram) to a width, Thai included.

Thai names have no spaces between words, so the wrapper breaks at character-cluster
boundaries, guesses syllable boundaries without a dictionary, and never starts a line
with a combining mark. Widths are estimates in em: fonts cannot be measured on the
server. (engine.thai.line_breaks finds break opportunities for PDFs with libthai.)
"""

from __future__ import annotations

import unicodedata

__all__ = ["FONT_SIZE", "ellipsize", "wrap_text"]

FONT_SIZE = 12.0  # the diagram's label size, in px (engine.bpmn.diagram.style)

_THAI_COMBINING = {0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)}
# Written before the consonant they belong to, so a line must not end with one.
_THAI_LEADING_VOWELS = set("เแโใไ")
# Belong to the syllable before them; a line should not start with one.
_THAI_FOLLOWING = set("ะาำๅๆฯ")
_THAI_SONORANTS = set("งญนมยรลว")


def _is_combining(ch: str) -> bool:
    return ord(ch) in _THAI_COMBINING or unicodedata.category(ch) in ("Mn", "Me")


def _char_width(ch: str) -> float:
    """Rough advance width in em; we cannot measure fonts on the server."""
    if _is_combining(ch):
        return 0.0
    if "\u0e00" <= ch <= "\u0e7f":
        return 0.6
    if ch == " ":
        return 0.3
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch.isupper() or ch in "mwMW@%":
        return 0.7
    if ch in "il.,:;'|!()[]/":
        return 0.32
    return 0.55


def _width(text: str, size: float) -> float:
    return sum(_char_width(ch) for ch in text) * size


def _clusters(text: str) -> list[str]:
    """Split into base characters with their combining marks attached."""
    out: list[str] = []
    for ch in text:
        if out and _is_combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _soft_break_ok(before: str, after: str, nxt: str = "") -> bool:
    if before[-1] in _THAI_LEADING_VOWELS or after[0] in _THAI_FOLLOWING:
        return False
    # A silent leading ห or อ belongs to the next consonant: หน้า, หมาย, อย่าง.
    if before in ("ห", "อ") and after[0] in _THAI_SONORANTS:
        return False
    # A bare consonant right after a vowel is most likely that syllable's final
    # (งา|น, ศึ|ก), unless a following vowel shows it opens the next one.
    has_vowel = before[-1] in "าำ" or any(0x0E31 <= ord(c) <= 0x0E39 for c in before)
    bare = len(after) == 1 and "\u0e01" <= after <= "\u0e2e"
    return not (has_vowel and bare and not (nxt and nxt[0] in _THAI_FOLLOWING))


def _good_break(clusters: list[str], cut: int) -> bool:
    """Without a dictionary, guess boundaries that are very likely between syllables."""
    before, after = clusters[cut - 1], clusters[cut]
    nxt = clusters[cut + 1] if cut + 1 < len(clusters) else ""
    if not _soft_break_ok(before, after, nxt):
        return False
    if after[0] in _THAI_LEADING_VOWELS or after[0] == "(" or before[-1] in "/)-,ะำ์ๆฯ":
        return True
    # "หน้า|จาก": after า, a consonant followed by a vowel opens a new syllable.
    return before[-1] == "า" and bool(nxt) and (
        nxt[0] in _THAI_FOLLOWING or (len(after) > 1 and len(nxt) > 0 and "\u0e01" <= after[0]
                                       <= "\u0e2e"))


def _break_word(word: str, max_width: float, size: float) -> list[str]:
    clusters = _clusters(word)
    pieces: list[str] = []
    start = 0
    while start < len(clusters):
        end, used = start + 1, _width(clusters[start], size)
        while end < len(clusters) and used + _width(clusters[end], size) <= max_width:
            used += _width(clusters[end], size)
            end += 1
        if end < len(clusters):
            # Step back to a likely syllable boundary if one is near enough,
            # else at least avoid orphaning a leading vowel like "เ".
            floor = start + max(1, (end - start) // 2)
            good = [c for c in range(end, floor - 1, -1) if _good_break(clusters, c)]
            soft = [c for c in range(end, max(start, end - 4), -1)
                    if _soft_break_ok(clusters[c - 1], clusters[c],
                                      clusters[c + 1] if c + 1 < len(clusters) else "")]
            end = good[0] if good else soft[0] if soft else end
        pieces.append("".join(clusters[start:end]))
        start = end
    return pieces


def wrap_text(text: str, max_width: float, size: float = FONT_SIZE) -> list[str]:
    """Greedy wrap: at spaces where there are any, else between clusters."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if _width(candidate, size) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            pieces = _break_word(word, max_width, size)
            lines.extend(pieces[:-1])
            line = pieces[-1]
        if line:
            lines.append(line)
    return lines


def ellipsize(line: str, max_width: float, size: float) -> str:
    clusters = _clusters(line)
    while clusters and _width("".join(clusters) + "…", size) > max_width:
        clusters.pop()
    return "".join(clusters) + "…"

"""Who signs a document, as the สารบรรณ rules print it under the signature.

Under the space to sign come the signer's name in brackets and their own position. Someone
signing for the head adds the line that says in what capacity:

* รักษาราชการแทน (acting): appointed to hold the head's post while it is vacant or its
  holder is away, e.g. "รักษาราชการแทนผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา…";
* ปฏิบัติราชการแทน (delegated): a deputy signing under a standing delegation of the
  head's powers, e.g. "ปฏิบัติราชการแทนผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา…".

The seed's own documents write the capacity word and the title with no space between.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: own: the head (or the step's own role holder) signs in their own right.
Capacity = Literal["own", "acting", "delegated"]
CAPACITY_WORDS: dict[str, str] = {"acting": "รักษาราชการแทน", "delegated": "ปฏิบัติราชการแทน"}
#: The bracketed blank a signer writes their name in by hand.
BLANK_NAME = "(" + " " * 40 + ")"


@dataclass(frozen=True)
class Signature:
    """A signer as they stood on the day: name, own position, and capacity."""

    name: str
    #: The signer's own position (ตำแหน่ง), e.g. "รองผู้อำนวยการสำนักงาน…".
    position: str
    capacity: Capacity = "own"
    #: The full title of the post signed for (the head's title, never abbreviated).
    for_title: str = ""

    @property
    def capacity_line(self) -> str:
        """"รักษาราชการแทนผู้อำนวยการ…" / "ปฏิบัติราชการแทนผู้อำนวยการ…", or ""."""
        word = CAPACITY_WORDS.get(self.capacity)
        return f"{word}{self.for_title}" if word and self.for_title else ""

    def lines(self) -> list[str]:
        """What is printed under the space to sign, one string per line."""
        name = f"({self.name})" if self.name else BLANK_NAME
        position = self.position or (self.for_title if self.capacity == "own" else "")
        return [line for line in (name, position, self.capacity_line) if line]


def unsigned(title: str) -> Signature:
    """A blank name over the head's title: no one is known to sign on that day."""
    return Signature(name="", position=title)

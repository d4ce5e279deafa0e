"""The marks stamped on a letter: urgency (ชั้นความเร็ว) and secrecy (ชั้นความลับ).

The สารบรรณ rules print them in red, large, above the letter's number: urgency at the top
left of the first page, secrecy at the top and the foot of every page, centred. The
keys are what a step's form stores; the values what the letter prints.
"""

from __future__ import annotations

#: ชั้นความเร็ว: "" is an ordinary letter.
URGENCY: dict[str, str] = {
    "": "",
    "urgent": "ด่วน",
    "very_urgent": "ด่วนมาก",
    "most_urgent": "ด่วนที่สุด",
}
#: ชั้นความลับ: "" is not classified. Complaint letters default to ลับ.
SECRECY: dict[str, str] = {
    "": "",
    "confidential": "ลับ",
    "secret": "ลับมาก",
}
COMPLAINT_SECRECY = "confidential"

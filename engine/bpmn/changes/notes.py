"""What a change means for the cases already running, said once per kind of change.

A running case stays on the version it started with, with that version's forms, lanes
and rules, until a process owner moves it to the new version; a case started after the
deploy uses the new one.
"""

from __future__ import annotations

FORM = (
    "เรื่องใหม่ใช้แบบฟอร์มนี้ เรื่องที่ดำเนินการอยู่ยังใช้แบบฟอร์มของฉบับเดิม รวมทั้งงานที่เปิดอยู่ "
    "จนกว่าจะย้ายไปฉบับใหม่ เมื่อย้ายแล้ว งานที่เปิดอยู่ที่ขั้นตอนนี้จะใช้แบบฟอร์มใหม่",
    "New cases use this form. Running cases keep their version's form, open tasks included, "
    "until they are moved to the new version; once moved, their open tasks at this step use "
    "the new form.",
)
START_FORM = (
    "ใช้กับเรื่องที่รับใหม่หลังติดตั้ง เรื่องที่รับไว้แล้วไม่เปลี่ยน",
    "Applies to cases started after the deploy; cases already started are not changed.",
)
SETTING = (
    "เรื่องใหม่ใช้ค่าใหม่ เรื่องที่ดำเนินการอยู่คงค่าเดิมที่ได้รับเมื่อเริ่มเรื่อง แม้ย้ายไปฉบับใหม่",
    "New cases use the new value; running cases keep the value they started with, even when "
    "moved to the new version.",
)
TIMER = (
    "เรื่องใหม่ใช้กำหนดเวลาใหม่ เรื่องที่ดำเนินการอยู่ใช้กำหนดเวลาเดิม ตัวจับเวลาที่รออยู่แล้วคงเวลาเดิม "
    "แม้ย้ายเรื่องไปฉบับใหม่",
    "New cases get the new due time; running cases keep the old one, and a timer already "
    "waiting keeps its time even when its case is moved.",
)
REMOVED_STEP = (
    "เรื่องที่รออยู่ที่ขั้นตอนนี้ย้ายไปฉบับใหม่ไม่ได้ และทำต่อในฉบับเดิมจนจบ",
    "Cases waiting at this step cannot be moved to the new version; they finish on the old one.",
)
ADDED_STEP = (
    "เรื่องใหม่ผ่านขั้นตอนนี้ เรื่องที่ดำเนินการอยู่ไม่ผ่าน จนกว่าจะย้ายไปฉบับใหม่ก่อนถึงจุดนั้น",
    "New cases pass through this step; running cases do not, unless moved to the new version "
    "before they reach it.",
)
WHO = (
    "งานของเรื่องที่ดำเนินการอยู่ยังไปที่ผู้รับผิดชอบตามฉบับเดิม จนกว่าจะย้ายไปฉบับใหม่",
    "Tasks of running cases still go to whoever the old version names, until the cases are "
    "moved to the new version.",
)
RULES = (
    "ใช้กับเรื่องใหม่และเรื่องที่ย้ายไปฉบับใหม่",
    "Applies to new cases and to cases moved to the new version.",
)

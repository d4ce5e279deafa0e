"""The problems-and-recommendations section (ปัญหา อุปสรรค และข้อเสนอแนะ) of the complaints
report, which the head of Legal Affairs writes for each period before the report goes to
the Director; its writer is the report's proposer (ผู้เสนอ).

The report is published as ITA evidence, so the section is public text: the form says so,
and it holds no personal data by design (the form asks for none).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Forbidden, InvalidData
from engine.core.limits import fit_problems
from engine.core.models import ReportNote, User, UserRole
from engine.core.models.report_notes import NOTE_CHARS
from engine.core.roles import ROLES
from engine.documents.complaint_report import ReportNotes, check_period
from engine.documents.signature import Signature
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime

REPORT = "complaints"
#: Only the head of Legal Affairs (or whoever acts for the post) writes the section.
NOTES_ROLE = "legal_head"
__all__ = ["NOTE_CHARS", "NOTES_ROLE", "notes_of", "save_report_notes"]


def save_report_notes(rt: Runtime, actor: Actor, fiscal_year: int, half: int,
                      problems: str, recommendations: str) -> None:
    """Write (or rewrite) the period's section; both parts may not be empty."""
    if NOTES_ROLE not in actor.roles:
        raise Forbidden("ปัญหา อุปสรรค และข้อเสนอแนะ เขียนได้เฉพาะผู้อำนวยการกลุ่มกฎหมายและคดี / "
                        "only the head of Legal Affairs writes the problems and "
                        "recommendations")
    check_period(fiscal_year, half)
    problems, recommendations = problems.strip(), recommendations.strip()
    fields = fit_problems({"problems": (ReportNote.problems, problems),
                           "recommendations": (ReportNote.recommendations, recommendations)})
    if not problems and not recommendations:
        fields["problems"] = ("เขียนปัญหาและอุปสรรค หรือข้อเสนอแนะ อย่างน้อยหนึ่งช่อง / "
                              "write the problems or the recommendations, or both")
    if fields:
        raise InvalidData("ปัญหา อุปสรรค และข้อเสนอแนะ ยังบันทึกไม่ได้ กรุณาแก้ไขช่องที่ระบุ / "
                          "the problems and recommendations were not saved: correct the "
                          "fields shown", fields)
    with rt.db.write() as session:
        note = session.scalar(select(ReportNote).where(
            ReportNote.report == REPORT, ReportNote.fiscal_year == fiscal_year,
            ReportNote.half == half))
        if note is None:
            note = ReportNote(report=REPORT, fiscal_year=fiscal_year, half=half)
            session.add(note)
        note.problems, note.recommendations = problems, recommendations
        note.written_by = actor.id
        note.written_at = clock.now()
        record(session, actor, "report_notes_saved", report=REPORT, fiscal_year=fiscal_year,
               half=half, problems_chars=len(problems),
               recommendations_chars=len(recommendations))


def notes_of(session: Session, fiscal_year: int, half: int) -> ReportNotes | None:
    """The period's section and its writer, as the report prints them; None if unwritten."""
    row = session.execute(
        select(ReportNote, User).join(User, User.id == ReportNote.written_by)
        .where(ReportNote.report == REPORT, ReportNote.fiscal_year == fiscal_year,
               ReportNote.half == half)).first()
    if row is None:
        return None
    note, user = row
    title = ROLES[NOTES_ROLE]
    holds_post = session.scalar(select(UserRole.user_id).where(
        UserRole.user_id == user.id, UserRole.role == NOTES_ROLE)) is not None
    # Someone who wrote it while acting for the head of Legal Affairs signs as acting.
    writer = (Signature(user.display_name, user.position or title) if holds_post else
              Signature(user.display_name, user.position, "acting", title))
    return ReportNotes(problems=note.problems, recommendations=note.recommendations,
                       written_by=writer,
                       written_on=note.written_at.astimezone(BANGKOK).date())

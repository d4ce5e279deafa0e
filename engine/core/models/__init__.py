"""The database tables, in SQLAlchemy 2.0's typed ORM style, one module per area.

Importing the package imports every module, so ``Base.metadata`` knows every table
(engine.core.schema creates them from it, the Alembic environment compares against it).
"""

from engine.core.models.accounts import ActingAppointment, ApiToken, Unit, User, UserRole
from engine.core.models.audit import AuditEvent
from engine.core.models.base import MAX_DB_INT, Base, UTCDateTime, shortened, utcnow, valid_id
from engine.core.models.cases import (
    Attachment,
    Comment,
    DueTimer,
    Escalation,
    PersonalNameTerm,
    ProcessInstance,
    ProcessVersion,
    Task,
    TrackingCode,
)
from engine.core.models.drafts import EditorPresence, ProcessDraft
from engine.core.models.filing_keys import FilingKey
from engine.core.models.heartbeat import SchedulerHeartbeat
from engine.core.models.holidays import CalendarGapAnswer, HolidayOverride
from engine.core.models.messages import LetterJob, Notification, OutboxMessage, ReportDelivery
from engine.core.models.publishing import Publication, PublicationFile
from engine.core.models.registers import RegisterCounter, RegisterEntry
from engine.core.models.report_notes import ReportNote

__all__ = [
    "MAX_DB_INT",
    "ActingAppointment",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Base",
    "CalendarGapAnswer",
    "Comment",
    "DueTimer",
    "EditorPresence",
    "Escalation",
    "FilingKey",
    "HolidayOverride",
    "LetterJob",
    "Notification",
    "OutboxMessage",
    "PersonalNameTerm",
    "ProcessDraft",
    "ProcessInstance",
    "ProcessVersion",
    "Publication",
    "PublicationFile",
    "RegisterCounter",
    "RegisterEntry",
    "ReportDelivery",
    "ReportNote",
    "SchedulerHeartbeat",
    "Task",
    "TrackingCode",
    "UTCDateTime",
    "Unit",
    "User",
    "UserRole",
    "shortened",
    "utcnow",
    "valid_id",
]

"""Every error govflow raises on purpose, under one root, :class:`GovflowError`.

Each class carries what its callers need to answer a person without looking further:

* ``status``: the HTTP status the web layer answers with (API and pages alike);
* ``exit_code``: the CLI's exit status;
* ``title_th`` / ``title_en``: what kind of trouble it is, in Thai and English, used
  as the message when a raise site has nothing more precise to say;
* ``shown``: whether an HTML page shows the message under its explanation. Messages
  of errors with status 500 are for the logs and the operator, never for a page.

Every message is written for the person who has to act on it, in Thai first with
English after, so the same text serves the API, the CLI and the HTML pages. Errors that
also derive from ``ValueError`` keep working where older code catches ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class GovflowError(Exception):
    code = "error"
    status = 500
    exit_code = 1
    shown = False
    title_th = "ระบบขัดข้อง"
    title_en = "something went wrong"

    def __init__(self, message: str | None = None) -> None:
        message = message if message is not None else f"{self.title_th} / {self.title_en}"
        super().__init__(message)
        self.message = message


# ---- a person's request cannot be served ------------------------------------------------

class InvalidData(GovflowError):
    """Input that fails validation; ``fields`` names each field and what is wrong."""

    code = "invalid_data"
    status = 400
    shown = True
    title_th = "ข้อมูลไม่ถูกต้อง"
    title_en = "invalid data"

    def __init__(self, message: str | None = None, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class NotAuthenticated(GovflowError):
    code = "not_authenticated"
    status = 401
    title_th = "กรุณาเข้าสู่ระบบ"
    title_en = "sign in first"


class Forbidden(GovflowError):
    code = "forbidden"
    status = 403
    shown = True
    title_th = "ท่านไม่มีสิทธิ์"
    title_en = "you do not have permission"


class NotFound(GovflowError):
    code = "not_found"
    status = 404
    shown = True
    title_th = "ไม่พบสิ่งที่ต้องการ"
    title_en = "not found"


class Conflict(GovflowError):
    """Someone else got there first: a claimed task or a concurrent update."""

    code = "conflict"
    status = 409
    shown = True
    title_th = "มีผู้อื่นดำเนินการไปก่อนแล้ว"
    title_en = "someone else got there first"


class Gone(GovflowError):
    """The thing existed and was withdrawn on purpose (a published item taken down)."""

    code = "gone"
    status = 410
    shown = True
    title_th = "รายการนี้ถูกถอนออกแล้ว"
    title_en = "this has been withdrawn"


class ProcessError(GovflowError):
    """The workflow cannot go on (a script or gateway failed); nothing was saved."""

    code = "process_error"
    status = 422
    shown = True
    title_th = "กระบวนงานทำงานต่อไม่ได้"
    title_en = "the process cannot go on"


class DefinitionError(GovflowError):
    """A process definition could not be deployed; the previous version stays live."""

    code = "definition_error"
    status = 422
    shown = True
    title_th = "ติดตั้งกระบวนงานไม่ได้"
    title_en = "the process definition cannot be deployed"


# ---- process files: BPMN, forms, settings, expressions, diagrams ------------------------

class FormattedProblem(Protocol):
    """One problem found in a BPMN file (engine.bpmn.problems.Problem is one)."""

    def format(self) -> str: ...


class BpmnLoadError(GovflowError):
    """A BPMN file that cannot be loaded; ``problems`` lists each with where it is."""

    code = "bpmn_error"

    def __init__(self, problems: Iterable[FormattedProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


class DiagramError(GovflowError, ValueError):
    """The file cannot be drawn (no BPMNDI, or no such diagram)."""

    code = "diagram_error"


class FormFileError(GovflowError, ValueError):
    """A form file that is missing, not JSON, or not a valid JSON Schema."""

    code = "form_file_error"


class SettingsError(GovflowError, ValueError):
    """processes.toml is missing or says something govflow cannot use."""

    code = "settings_error"


class ExpressionError(GovflowError, ValueError):
    """A BPMN expression or script uses something the restricted evaluator refuses."""

    code = "expression_error"


# The kinds below let deploy-time checks (engine.bpmn.lint.expression_checks) say in their own
# words what to fix; they are ExpressionErrors, so every existing handler still holds.
class ExpressionSyntaxError(ExpressionError):
    """Not Python syntax; ``line`` and ``column`` (1-based, or None) say where."""

    line: int | None = None
    column: int | None = None


class ExpressionLimitError(ExpressionError):
    """Beyond one of the evaluator's limits: a result's size, the source's length or depth."""


class UnknownVariableError(ExpressionError):
    """A name that is not in the task data; ``name`` is that name."""

    name: str = ""


# ---- the installation: settings, keys, fonts, office, backups, mail ---------------------

class ConfigurationError(GovflowError):
    """A setting, key or file the installation needs is missing or wrong; says which."""

    code = "configuration_error"


class OfficeConfigError(ConfigurationError):
    code = "office_configuration_error"


class FontsMissing(ConfigurationError):
    code = "fonts_missing"


class BackupError(GovflowError):
    code = "backup_error"


class UnsendableMessage(GovflowError, ValueError):
    """A queued message that is not one valid address; it is never handed to SMTP."""

    code = "unsendable_message"

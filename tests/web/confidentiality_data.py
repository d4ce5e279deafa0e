"""The data set of tests/web/test_confidentiality.py: complaints with distinctive secrets.

One SQLite runtime holds complaints at every stage (untriaged with every escalation fired,
accepted and in follow-up, not considered, forwarded, closed), filed on the website (API and
page) and keyed in by a legal officer, plus publishing cases so other roles have work too;
one user per role in :data:`engine.core.roles.ROLES`, each with a password and an API token.

Every complaint carries its own personal data, so a leak names the case it came from.
Names, positions and units are Thai only; phone numbers and e-mail addresses are ASCII.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.core import clock
from engine.core.actors import Actor
from engine.core.config import Settings
from engine.core.models import (
    ActingAppointment,
    Attachment,
    Escalation,
    ProcessVersion,
    Publication,
    PublicationFile,
    Task,
    TrackingCode,
    Unit,
    User,
)
from engine.core.roles import ROLES
from engine.core.schema import upgrade
from engine.jobs.scheduler import tick
from engine.services.admin import staff as admin
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user, issue_token
from engine.services.inbox import attachments, comments, instances, tasks
from engine.thai.workdays import BANGKOK
from engine.workflow import escalations
from engine.workflow.runtime import Runtime
from tests.conftest import PROCESSES, TEST_PASSWORD_PROFILE
from tests.samples import COMPLAINT, PUBLISHING_REQUEST, SCENARIOS, SECRETS
from tests.web_client import Browser, form_of
from webui import create_app

#: The roles that may read complainants' and accused persons' personal data.
PRIVILEGED = frozenset({"legal_officer", "legal_head", "director"})

PERSONAL_FIELDS = ("complainant_name", "complainant_address", "complainant_phone",
                   "complainant_email", "accused_name", "accused_position", "accused_unit")


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


#: When things happen: filed on Friday 4 Dec 2026, screened on 8 Dec, and the scheduler
#: runs on 16 Dec, when every triage timer of a case still untriaged is due.
FILED = bkk("2026-12-04T10:00")
SCREENED = bkk("2026-12-08T10:00")
SWEPT = bkk("2026-12-16T09:00")


def personal_data(tag: str, n: int) -> dict[str, str]:
    """Distinctive personal data: every value (and every word of the names) is unique."""
    return {
        "complainant_name": f"นางสาว{tag}ลี้ลับ ปกปิด{tag}นาม",
        "complainant_address": f"{n}/9 ซอยซ่อนเร้น{tag} ตำบลลับแล",
        "complainant_phone": f"08{n}{n}7{n}5{n}31"[:10],
        "complainant_email": f"whistle.{n}.k7q{n}@example.net",
        "accused_name": f"นาย{tag}ถูกกล่าวหา มิดชิด{tag}สกุล",
        "accused_position": f"ครูชำนาญการพิเศษงาน{tag}ลับ",
        "accused_unit": f"โรงเรียนบ้านหนอง{tag}ซ่อน",
    }


def case_fields(n: int) -> dict[str, str]:
    """The rest of a complaint: nothing in it names a person."""
    return {
        "subject": f"ร้องเรียนการจัดซื้อจัดจ้าง กรณีที่ {n}",
        "details": "มีการแบ่งซื้อแบ่งจ้างเพื่อหลีกเลี่ยงวิธีการจัดซื้อ",
        "complaint_type": "procurement",
        "event_date": "2026-10-15",
        "event_place": "อาคารเรียนหลังที่ 2",
    }


#: The complaints, by label: who files, how, and what their personal data is.
#: ``closed`` uses tests/samples.py COMPLAINT as it is, so samples.SECRETS are checked too
#: (its address, the accused's position and unit are common words that also name the
#: event's place or the office, so only samples.SECRETS are secrets for that case).
PERSONAL: dict[str, dict[str, str]] = {
    "letter_untriaged": personal_data("อัญชัน", 1),
    "web_api_follow_up": personal_data("บุษบา", 2),
    "web_page_untriaged": personal_data("ฟ้าใส", 3),
    "not_considered": personal_data("จำปี", 4),
    "forwarded": personal_data("ดาวเรือง", 5),
    "closed": {k: COMPLAINT[k] for k in PERSONAL_FIELDS},
}
CASE_NUMBER = {label: n for n, label in enumerate(PERSONAL, start=1)}


@dataclass(frozen=True)
class Secret:
    case: str
    field: str
    value: str


def secrets_of(label: str) -> list[Secret]:
    values = PERSONAL[label]
    if label == "closed":
        checked = {k: v for k, v in values.items() if v in SECRETS}
    else:
        checked = dict(values)
    found = [Secret(label, k, v) for k, v in checked.items()]
    if label == "closed":
        return found  # its names are made of common words ("ถูกร้อง" is in "ผู้ถูกร้องเรียน")
    # Each word of a name on its own, too: a page may show a surname alone.
    for name_field in ("complainant_name", "accused_name"):
        for word in checked.get(name_field, "").split():
            if len(word) >= 4:
                found.append(Secret(label, f"{name_field} (word)", word))
    return found


ALL_SECRETS: list[Secret] = [s for label in PERSONAL for s in secrets_of(label)]


def pdf_with_text(text: str, trailer: bytes = b"") -> bytes:
    """A real PDF (fpdf2) whose page shows ``text``; ``trailer`` is appended raw."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output()) + trailer


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")

#: Files: evidence with no secret in its bytes, and one whose bytes name the accused.
CLEAN_PDF_TEXT = "Evidence page without personal data"


@dataclass
class Dataset:
    rt: Runtime
    app: Any
    users: dict[str, Actor]
    passwords: dict[str, str]
    tokens: dict[str, str]
    cases: dict[str, int] = field(default_factory=dict)
    tracking: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Attachment ids by what they hold.
    files: dict[str, int] = field(default_factory=dict)
    #: Bodies the public (the citizen filing) received while the data set was built.
    public_responses: list[tuple[str, Any]] = field(default_factory=list)
    #: E-mail the scheduler delivered to a local SMTP server: (envelope recipients, message).
    mail: list[tuple[list[str], Any]] = field(default_factory=list)

    @property
    def complaint_cases(self) -> dict[str, int]:
        return {label: iid for label, iid in self.cases.items() if label in PERSONAL}


def make_dataset(instance_dir: Path) -> Dataset:
    """Build everything; run inside ``clock.frozen(FILED)`` (the clock is moved here)."""
    settings = Settings(instance_dir=instance_dir, processes_dir=PROCESSES,
                        public_rate_limit="100000/minute",
                        password_profile=TEST_PASSWORD_PROFILE)
    rt = Runtime(settings)
    upgrade(rt.db)
    report = deploy(rt)
    assert report.ok, [p.format("en") for p in report.problems]

    users: dict[str, Actor] = {}
    passwords: dict[str, str] = {}
    units = {"legal_officer": "LEGAL", "legal_head": "LEGAL", "director": "DIR",
             "staff": "PLAN", "web_admin": "ICT", "ict_head": "ICT", "admin": "ADMIN",
             "process_owner": "ICT"}
    for role in ROLES:
        passwords[role] = f"pw-{role}-0123456789"
        users[role] = add_user(rt, f"u_{role}", [role], units.get(role, "MISC"),
                               password=passwords[role], display_name=f"ผู้ทดสอบ {role}",
                               email=f"{role}@office.example.go.th")
    tokens = {role: issue_token(rt, actor.username) for role, actor in users.items()}
    app = create_app(runtime=rt)
    app.testing = True
    ds = Dataset(rt=rt, app=app, users=users, passwords=passwords, tokens=tokens)
    _file_complaints(ds)
    _publishing(ds)
    _deliver_mail(ds)
    return ds


def _signed_in(ds: Dataset, role: str) -> Browser:
    browser = Browser(ds.app)
    browser.signin(ds.users[role].username, ds.passwords[role])
    return browser


def _receipt(text: str) -> tuple[str, str]:
    codes = re.findall(r'<code class="receipt-code">([^<]+)</code>', text)
    assert len(codes) >= 2, text[:3000]
    return unescape(codes[0]), unescape(codes[1])


def _instance_of_code(rt: Runtime, code: str) -> int:
    with rt.db.read() as session:
        return session.scalar(select(TrackingCode.instance_id).where(TrackingCode.code == code))


def _open_tasks(rt: Runtime, instance_id: int) -> list[Task]:
    with rt.db.read() as session:
        return list(session.scalars(select(Task).where(
            Task.instance_id == instance_id, Task.state == "open").order_by(Task.created_at)))


def drive(ds: Dataset, instance_id: int, scenario: str, stop_at: str | None = None) -> None:
    """Work the case through the steps of ``tests/samples.SCENARIOS[scenario]`` (kept in
    step with the processes by their own tests) until it ends or its open task is
    ``stop_at``; each step is done by the data set's user of that role."""
    steps = list(SCENARIOS[scenario][3])
    while True:
        open_tasks = _open_tasks(ds.rt, instance_id)
        if not open_tasks:
            assert stop_at is None, f"case {instance_id} ended before reaching {stop_at}"
            assert not steps, f"case {instance_id} ended with steps left: {steps}"
            return
        assert len(open_tasks) == 1, [t.bpmn_id for t in open_tasks]
        task = open_tasks[0]
        if task.bpmn_id == stop_at:
            return
        assert steps, f"scenario {scenario} has no step left for task '{task.bpmn_id}'"
        role, data = steps.pop(0)
        assert role == task.role, (scenario, task.bpmn_id, role, task.role)
        tasks.complete_task(ds.rt, ds.users[role], task.id, data)


def _file_complaints(ds: Dataset) -> None:
    rt, legal = ds.rt, ds.users["legal_officer"]
    citizen = ds.app.test_client()
    now = clock.Clock()
    now.move_to(FILED)

    # Keyed in by a legal officer on the start page (channel: letter); left untriaged.
    label = "letter_untriaged"
    browser = _signed_in(ds, "legal_officer")
    browser.get("/start/complaint")
    started = browser.post("/start/complaint", form_of({
        **case_fields(CASE_NUMBER[label]), **PERSONAL[label],
        "channel": "letter", "received_at": "2026-12-04"}))
    assert started.status_code == 302, browser.text()[:3000]
    ds.cases[label] = int(started.headers["Location"].rsplit("/", 1)[1])

    # Filed through the website API, with three evidence files.
    label = "web_api_follow_up"
    filed = citizen.post("/api/v1/public/complaints", json={
        **case_fields(CASE_NUMBER[label]), **PERSONAL[label], "notice_acknowledged": True})
    assert filed.status_code == 201, filed.get_data(as_text=True)
    ds.public_responses.append(("POST /api/v1/public/complaints", filed))
    code, secret = filed.json["tracking_code"], filed.json["secret"]
    ds.tracking[label] = (code, secret)
    accused = PERSONAL[label]["accused_name"]
    for name, kind, data in (
        ("evidence-clean.pdf", "application/pdf", pdf_with_text(CLEAN_PDF_TEXT)),
        ("evidence-photo.png", "image/png", PNG),
        # The bytes name the accused (a scanned letter would): only Legal Affairs may read it.
        ("evidence-letter.pdf", "application/pdf", pdf_with_text(
            f"Complainant contact: {PERSONAL[label]['complainant_email']}",
            b"\n% " + accused.encode("utf-8") + b"\n")),
    ):
        sent = citizen.post(f"/api/v1/public/complaints/{code}/attachments",
                            data={"secret": secret, "file": (io.BytesIO(data), name, kind)},
                            content_type="multipart/form-data")
        assert sent.status_code == 201, sent.get_data(as_text=True)
        ds.public_responses.append((f"POST /api/v1/public/complaints/{code}/attachments", sent))
    ds.cases[label] = _instance_of_code(rt, code)
    # Told apart by the upload's answer (the row keeps only a stand-in of the name).
    by_name = {answer.json["filename"]: answer.json["sha256"]
               for path, answer in ds.public_responses if path.endswith("/attachments")}
    with rt.db.read() as session:
        by_hash = {a.sha256: a.id for a in session.scalars(select(Attachment).where(
            Attachment.instance_id == ds.cases[label]))}
    ds.files["evidence_clean_pdf"] = by_hash[by_name["evidence-clean.pdf"]]
    ds.files["evidence_png"] = by_hash[by_name["evidence-photo.png"]]
    ds.files["evidence_naming_accused"] = by_hash[by_name["evidence-letter.pdf"]]

    # Filed on the website's complaint page; left untriaged.
    label = "web_page_untriaged"
    page = Browser(ds.app)
    page.get("/complaint")
    receipt = page.post("/complaint", {
        **form_of({**case_fields(CASE_NUMBER[label]), **PERSONAL[label]}),
        "notice_acknowledged": "on"}, follow=True)
    assert receipt.status_code == 200, receipt.get_data(as_text=True)[:3000]
    ds.public_responses.append(("POST /complaint", receipt))
    ds.tracking[label] = _receipt(receipt.get_data(as_text=True))

    # Keyed in by the legal officer over the API, and through the service.
    label = "not_considered"
    started = citizen.post("/api/v1/processes/complaint/instances",
                           headers={"Authorization": f"Bearer {ds.tokens['legal_officer']}"},
                           json={"data": {**case_fields(CASE_NUMBER[label]), **PERSONAL[label],
                                          "channel": "in_person", "received_at": "2026-12-04"}})
    assert started.status_code == 201, started.get_data(as_text=True)
    ds.cases[label] = started.json["id"]
    for label in ("forwarded", "closed"):
        data = ({**COMPLAINT} if label == "closed" else {
            **case_fields(CASE_NUMBER[label]), **PERSONAL[label],
            "channel": "letter", "received_at": "2026-12-04"})
        ds.cases[label] = instances.start_instance(rt, legal, "complaint", data)["id"]

    ds.cases["web_page_untriaged"] = _instance_of_code(rt, ds.tracking["web_page_untriaged"][0])

    # A legal officer's own file on a case, and comments that name no one.
    attachments.add_attachment(rt, legal, ds.cases["letter_untriaged"], "บันทึกข้อความ.pdf",
                               "application/pdf", pdf_with_text("Memo without names"))
    for label in ("letter_untriaged", "web_api_follow_up"):
        comments.add_comment(rt, legal, ds.cases[label], "ขอเอกสารเพิ่มเติมจากโรงเรียน")

    # Screening on 8 Dec.
    now.move_to(SCREENED)
    drive(ds, ds.cases["not_considered"], "complaint_not_considered", stop_at="notify_result")
    drive(ds, ds.cases["forwarded"], "complaint_forwarded")  # the result told by e-mail
    drive(ds, ds.cases["closed"], "complaint_accepted_to_resolution")

    # The scheduler on 16 Dec: reminder, breach and second escalation of every case still
    # untriaged, queued as e-mail (no SMTP server is set, so it stays in the outbox) and
    # shown in the app.
    now.move_to(SWEPT)
    report = tick(rt)
    assert report.fired >= 9 and not report.errors, report
    with rt.db.read() as session:
        fired = session.scalars(select(Escalation).where(
            Escalation.instance_id == ds.cases["letter_untriaged"])).all()
    assert sorted(e.level for e in fired) == [0, 1, 2]
    escalations.acknowledge(rt, ds.users["legal_head"],
                            next(e.id for e in fired if e.level == 1))

    # The website case is accepted after its escalations fired, and goes on to follow-up.
    drive(ds, ds.cases["web_api_follow_up"], "complaint_accepted_to_resolution",
          stop_at="follow_up")
    tasks.claim_task(rt, legal, _open_tasks(rt, ds.cases["web_api_follow_up"])[0].id)
    # An acting appointment, so the administrators' page lists one; it ended long ago, so
    # every user still holds exactly one role.
    admin.appoint_acting(rt, ds.users["admin"], ds.users["web_admin"].username, "ict_head",
                         date(2026, 1, 5), date(2026, 1, 9), "คำสั่ง สพป. ที่ 1/2569")


def _publishing(ds: Dataset) -> None:
    rt, staff = ds.rt, ds.users["staff"]
    stops = {"publishing_at_director": "director_approval",
             "publishing_at_web_admin": "web_admin_check",
             "publishing_at_ict_head": "ict_head_decision",
             "publishing_published": None}
    for label, stop in stops.items():
        iid = instances.start_instance(rt, staff, "publishing", PUBLISHING_REQUEST)["id"]
        ds.cases[label] = iid
        drive(ds, iid, "publishing_approved", stop_at=stop)
    attachments.add_attachment(rt, staff, ds.cases["publishing_at_director"], "แผน.pdf",
                               "application/pdf", pdf_with_text("Annual plan"))
    comments.add_comment(rt, staff, ds.cases["publishing_at_director"], "ส่งแผนฉบับล่าสุด")
    with rt.db.read() as session:
        ds.files["publishing_plan"] = session.scalar(select(Attachment.id).where(
            Attachment.instance_id == ds.cases["publishing_at_director"]))
        ds.files["legal_memo"] = session.scalar(select(Attachment.id).where(
            Attachment.instance_id == ds.cases["letter_untriaged"]))


#: Loggers of the test's own SMTP server (aiosmtpd): it stands for the office's mail server,
#: which necessarily sees the addresses it delivers to; not govflow's logs.
TEST_SMTP_LOGGERS = ("mail.log", "aiosmtpd")


def _deliver_mail(ds: Dataset) -> None:
    """Deliver the outbox: once to an SMTP server that is down (the failure path logs),
    then to a local one (aiosmtpd) that keeps what it receives."""
    import socket

    from aiosmtpd.controller import Controller

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            from email import message_from_bytes

            ds.mail.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
            return "250 OK"

    def free_port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    def mailing(port: int) -> Runtime:
        return Runtime(Settings(**{**ds.rt.settings.__dict__, "smtp_host": "127.0.0.1",
                                   "smtp_port": port}))

    now = clock.Clock()
    down = mailing(free_port())
    try:
        assert tick(down).mail_failed >= 1
    finally:
        down.close()
    now.advance(timedelta(hours=2))  # past the back-off
    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    up = mailing(controller.port)
    try:
        report = tick(up)
    finally:
        up.close()
        controller.stop()
    assert report.mail_sent >= 1 and not report.mail_failed, report
    assert ds.mail


# ---- the values every URL parameter is filled with ------------------------------------


def parameter_table(ds: Dataset) -> dict[str, list[str]]:
    """Every URL parameter of every GET route, with the values to request it with.

    A route whose parameter is not here fails the test: add the parameter consciously.
    """
    with ds.rt.db.read() as session:
        task_ids = list(session.scalars(select(Task.id).order_by(Task.created_at)))
        keys = sorted(set(session.scalars(select(ProcessVersion.process_key))))
        versions = sorted({str(v) for v in session.scalars(select(ProcessVersion.version))})
        escalation_ids = [str(i) for i in session.scalars(select(Escalation.id))]
        user_ids = [str(i) for i in session.scalars(select(User.id))]
        usernames = list(session.scalars(select(User.username)))
        unit_codes = list(session.scalars(select(Unit.code)))
        appointment_ids = [str(i) for i in session.scalars(select(ActingAppointment.id))]
        attachment_ids = [str(i) for i in session.scalars(select(Attachment.id))]
        publication_ids = [str(i) for i in session.scalars(select(Publication.id))]
        publication_file_ids = [str(i) for i in session.scalars(select(PublicationFile.id))]
        categories = sorted(set(session.scalars(select(Publication.category))))
    return {
        # Every case, complaints and publishing alike, and one that does not exist.
        "instance_id": [str(i) for i in sorted(ds.cases.values())] + ["999999"],
        # Every task, open and completed.
        "task_id": task_ids,
        # Every file: evidence, staff uploads and the letters govflow issues itself.
        "attachment_id": attachment_ids,
        # Tracking codes of the website's complaints (and unit codes, the other 'code').
        "code": [code for code, _secret in ds.tracking.values()] + unit_codes,
        "key": keys,
        "process_key": keys,
        "version": versions,
        "escalation_id": escalation_ids,
        "user_id": user_ids,
        "username": usernames,
        "appointment_id": appointment_ids,
        # Publications and their files, and ones that do not exist; categories in use and one
        # that does not exist.
        "publication_id": publication_ids + ["999999"],
        "file_id": publication_file_ids + ["999999"],
        "category": categories + ["9.9"],
        # The letter registers: complaint letters' rows name the complainant and the accused.
        "register": ["outgoing", "incoming"],
        # The form editor's forms (processes/forms/<name>.schema.json), and one that is not.
        "name": sorted(p.name.removesuffix(".schema.json") for p in
                       (ds.rt.settings.processes_dir / "forms").glob("*.schema.json"))
        + ["no-such-form"],
    }


def query_variants(ds: Dataset, endpoint: str, params: dict[str, str]) -> list[dict[str, str]]:
    """The query strings each route is requested with (always at least the bare URL)."""
    secret_of = {code: secret for code, secret in ds.tracking.values()}
    variants: dict[str, list[dict[str, str]]] = {
        "inbox.inbox": [{"view": "group"}, {"view": "all"},
                        {"view": "all", "process": "complaint", "overdue": "1"},
                        {"view": "all", "sort": "-received"}],
        "api.list_tasks": [{"view": "group"}, {"view": "all"},
                           {"view": "all", "process": "complaint"}],
        "api.list_escalations": [{"status": s} for s in ("open", "acknowledged", "resolved")],
        "escalations.overview": [{"status": s} for s in ("open", "acknowledged", "resolved")]
        + [{"sort": "age"}],
        "reports.complaints": [{"fiscal_year": "2570", "half": "1"},
                               *({"fiscal_year": "2570", "half": "1", "format": f}
                                 for f in ("csv", "xlsx", "pdf"))],
        "api.diff_versions": [{"from": "1", "to": "1"}],
        "holidays.calendar": [{"year": "2570"}],
        "public_pages.track": [{"code": code} for code in secret_of],
        "auth.signin": [{"next": "/inbox"}],
        "privacy.reads": [{"instance_id": str(i)} for i in ds.complaint_cases.values()],
        "registry.register_page": [{"year": ""}, {"year": "", "format": "csv"}],
        "api.privacy_reads": [{"instance_id": str(i)} for i in ds.complaint_cases.values()],
        "public_info.category": [{"q": "แผน"}],
        # The case search by every condition that can reach a complaint (never a name: GET).
        "search.search_page": [{"process": "complaint"}, {"q": "ร้องเรียน"},
                               *({"code": code} for code in secret_of)],
        "api.list_instances": [{"process": "complaint"}, {"q": "ร้องเรียน"},
                               *({"code": code} for code in secret_of)],
        "publications.publication_list": [{"status": s} for s in ("published", "withdrawn")]
        + [{"q": "แผน"}],
    }
    extra = variants.get(endpoint, [])
    if endpoint == "api.track_complaint" and params.get("code") in secret_of:
        # With the right secret: the citizen's own view, which must not show identities.
        extra = [{"secret": secret_of[params["code"]]}]
    return [{}, *extra]

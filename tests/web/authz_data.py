"""The data set and the expectations of tests/web/test_authorization_matrix.py.

One SQLite runtime on a copy of processes/ (owner routes may write BPMN files back),
holding two publishing requests of two units, two complaints (one keyed in by Legal
Affairs, one filed on the website and moved on until its letter to the accused is drawn),
a published item, escalations, an acting appointment; the People of tests/conftest.py plus
a process owner, each with a password and an API token.

:data:`ACCESS` says, for every rule of the app and every method it accepts, who may
reach it. A rule or method missing from the table fails the test, so every new endpoint
gets a conscious decision.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from engine.core import clock
from engine.core.actors import Actor
from engine.core.config import Settings
from engine.core.models import Attachment, Escalation, Publication, Task, TrackingCode
from engine.core.schema import upgrade
from engine.jobs.scheduler import tick
from engine.services.admin import staff as admin
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user, issue_token
from engine.services.complaints import citizen as public
from engine.services.inbox import attachments, comments, instances, tasks
from engine.workflow import escalations
from engine.workflow.runtime import Runtime
from tests.account_support import known_password
from tests.conftest import PROCESSES, TEST_PASSWORD_PROFILE, People
from tests.samples import COMPLAINT, PUBLISHING_REQUEST, SCENARIOS
from tests.web.confidentiality_data import (
    FILED,
    SCREENED,
    SWEPT,
    Dataset,
    parameter_table,
    pdf_with_text,
)

ANONYMOUS = "anonymous"

# ---- who is who ------------------------------------------------------------------------

#: The test users: People's attribute names, and a process owner (People has none).
STAFF = "staff"  # unit PLAN: owns publishing request A
STAFF_HR = "staff_other_unit"  # unit HR: owns publishing request B
USERS = ("staff", "staff_other_unit", "director", "web_admin", "ict_head", "legal_officer",
         "legal_officer2", "legal_head", "admin", "process_owner")
WHO = (*USERS, ANONYMOUS)

#: Shorthands for the table.
PUBLIC = frozenset(WHO)  # anyone, no sign-in
SIGNED_IN = frozenset(USERS)  # every signed-in user (or every token, for the API)
NOBODY: frozenset[str] = frozenset()
#: Publishing request A (unit PLAN): its unit's staff, and the roles of its lanes
#: (director, web_admin, ict_head; ict_head and director also supervise the process).
SEE_PUBLISHING_A = frozenset({"staff", "director", "web_admin", "ict_head"})
#: Complaints: Legal Affairs (the lanes) and the supervisors (legal_head, director).
SEE_COMPLAINT = frozenset({"legal_officer", "legal_officer2", "legal_head", "director"})
SUPERVISORS = frozenset({"director", "ict_head", "legal_head"})
#: The supervisors of the publishing process (processes.toml), the key the version
#: routes are requested with.
SUPERVISE_PUBLISHING = frozenset({"director", "ict_head"})
ADMIN = frozenset({"admin"})
OWNERS = frozenset({"process_owner", "admin"})
#: Who may start a process: its start lane's role.
START_PUBLISHING = frozenset({"staff", "staff_other_unit"})
START_COMPLAINT = frozenset({"legal_officer", "legal_officer2"})


def _(*names: str) -> frozenset[str]:
    return frozenset(names)


# ---- the table -------------------------------------------------------------------------

#: (method, endpoint) -> who may reach it; a dict when the answer depends on the object
#: the URL names ("publishing": publishing request A and its task/file, "complaint": the
#: complaint keyed in by Legal Affairs and its task/file). Everyone else is refused:
#: anonymous with a redirect to /signin (pages) or 401 (API), a signed-in user with 403,
#: or 404 where the engine hides that the object exists.
ACCESS: dict[tuple[str, str], frozenset[str] | dict[str, frozenset[str]]] = {
    # -- public: citizens, no sign-in --
    ("GET", "static"): PUBLIC,
    ("GET", "pages.index"): PUBLIC,
    ("GET", "pages.favicon"): PUBLIC,
    ("GET", "pages.office_logo"): PUBLIC,
    ("GET", "health.healthz"): PUBLIC,
    ("GET", "auth.signin"): PUBLIC,
    ("POST", "auth.signin"): PUBLIC,
    ("GET", "auth.login"): PUBLIC,
    ("POST", "auth.language"): PUBLIC,
    ("GET", "public_pages.complaint"): PUBLIC,
    ("POST", "public_pages.complaint"): PUBLIC,
    ("GET", "public_pages.receipt"): PUBLIC,
    ("GET", "public_pages.track"): PUBLIC,
    ("POST", "public_pages.track"): PUBLIC,
    ("GET", "public_info.index"): PUBLIC,
    ("GET", "public_info.category"): PUBLIC,
    ("GET", "public_info.feed"): PUBLIC,
    ("GET", "public_info.item"): PUBLIC,
    ("GET", "public_info.public_file"): PUBLIC,
    ("GET", "api.openapi"): PUBLIC,
    ("POST", "api.file_complaint"): PUBLIC,
    ("GET", "api.track_complaint"): PUBLIC,
    ("POST", "api.add_evidence"): PUBLIC,
    # -- every signed-in user --
    ("POST", "auth.signout"): SIGNED_IN,
    # One's own password (an empty form is a 400 that changes nothing).
    ("GET", "account.change_password"): SIGNED_IN,
    ("POST", "account.change_password"): SIGNED_IN,
    ("GET", "inbox.inbox"): SIGNED_IN,
    ("GET", "escalations.notification_list"): SIGNED_IN,
    ("POST", "escalations.read_all"): SIGNED_IN,
    ("GET", "publications.publication_list"): SIGNED_IN,
    ("GET", "publications.publication_page"): SIGNED_IN,
    ("GET", "api.list_processes"): SIGNED_IN,
    ("GET", "api.list_tasks"): SIGNED_IN,
    # Case search and one's own requests: each finds only the cases one may see (a name
    # search is refused outside Legal Affairs and the Director: tests/web/test_case_search.py).
    ("GET", "search.search_page"): SIGNED_IN,
    ("POST", "search.search_names"): SIGNED_IN,
    ("GET", "search.my_requests"): SIGNED_IN,
    ("GET", "api.list_instances"): SIGNED_IN,
    ("POST", "api.search_instances"): SIGNED_IN,
    # Lists only the escalations of the processes one supervises or is told about: the
    # test checks that a role with neither gets an empty list.
    ("GET", "api.list_escalations"): SIGNED_IN,
    # -- starting cases: the start lane's role --
    ("GET", "cases.start"): {"publishing": START_PUBLISHING, "complaint": START_COMPLAINT},
    ("POST", "cases.start"): {"publishing": START_PUBLISHING, "complaint": START_COMPLAINT},
    ("POST", "api.start_instance"): {"publishing": START_PUBLISHING,
                                     "complaint": START_COMPLAINT},
    # -- one case: those who may see it --
    ("GET", "cases.case_page"): {"publishing": SEE_PUBLISHING_A, "complaint": SEE_COMPLAINT},
    ("GET", "cases.case_diagram"): {"publishing": SEE_PUBLISHING_A,
                                    "complaint": SEE_COMPLAINT},
    ("POST", "cases.add_comment"): {"publishing": SEE_PUBLISHING_A,
                                    "complaint": SEE_COMPLAINT},
    ("POST", "cases.upload_attachment"): {"publishing": SEE_PUBLISHING_A,
                                          "complaint": SEE_COMPLAINT},
    ("GET", "api.get_instance"): {"publishing": SEE_PUBLISHING_A, "complaint": SEE_COMPLAINT},
    # The publication request form exists for publishing requests only.
    ("GET", "publishing_docs.request_form"): {"publishing": SEE_PUBLISHING_A,
                                              "complaint": NOBODY},
    # A case's files: a complaint's only for Legal Affairs and the Director (its supervisor
    # legal_head is Legal Affairs too).
    ("GET", "cases.download_attachment"): {"publishing": SEE_PUBLISHING_A,
                                           "complaint": SEE_COMPLAINT},
    # -- one task: publishing A waits for the Director, the complaint for a legal officer --
    ("GET", "cases.task_page"): {"publishing": _("director", "ict_head"),
                                 "complaint": _("legal_officer", "legal_officer2",
                                                "legal_head", "director")},
    ("GET", "api.get_task"): {"publishing": _("director", "ict_head"),
                              "complaint": _("legal_officer", "legal_officer2", "legal_head",
                                             "director")},
    # Claiming and completing: the task's role only (a supervisor reassigns instead).
    ("POST", "cases.claim"): {"publishing": _("director"),
                              "complaint": _("legal_officer", "legal_officer2")},
    ("POST", "cases.complete"): {"publishing": _("director"),
                                 "complaint": _("legal_officer", "legal_officer2")},
    ("POST", "api.claim"): {"publishing": _("director"),
                            "complaint": _("legal_officer", "legal_officer2")},
    ("POST", "api.complete"): {"publishing": _("director"),
                               "complaint": _("legal_officer", "legal_officer2")},
    # Giving back: the holder or a supervisor; those who may work on it are told it is free.
    ("POST", "cases.unclaim"): {"publishing": _("director", "ict_head"),
                                "complaint": _("legal_officer", "legal_officer2",
                                               "legal_head", "director")},
    ("POST", "api.unclaim"): {"publishing": _("director", "ict_head"),
                              "complaint": _("legal_officer", "legal_officer2", "legal_head",
                                             "director")},
    ("POST", "cases.reassign"): {"publishing": _("director", "ict_head"),
                                 "complaint": _("legal_head", "director")},
    # -- supervisors --
    ("GET", "escalations.overview"): SUPERVISORS,
    ("POST", "escalations.acknowledge"): _("legal_head", "director"),  # a complaint's
    ("POST", "api.acknowledge_escalation"): _("legal_head", "director"),
    # -- reports and logs --
    ("GET", "reports.complaints"): _("legal_officer", "legal_officer2", "legal_head",
                                     "director"),
    ("POST", "reports.save_notes"): _("legal_head"),
    ("GET", "publishing_docs.publication_log_page"): _("web_admin", "ict_head", "director"),
    ("GET", "privacy.reads"): _("director"),
    # The letter registers: an administrator sees the rows that are not complaints'.
    ("GET", "registry.register_page"): _("legal_officer", "legal_officer2", "legal_head",
                                         "director", "admin"),
    ("GET", "api.privacy_reads"): _("director"),
    ("POST", "publications.withdraw"): _("web_admin"),
    ("GET", "health.metrics"): _("admin", "ict_head"),
    # -- administrators --
    ("GET", "admin.home"): ADMIN,
    ("GET", "admin.users"): ADMIN,
    ("POST", "admin.add_user"): ADMIN,
    ("POST", "admin.set_active"): ADMIN,
    ("GET", "admin.confirm_deactivate"): ADMIN,
    ("POST", "admin.set_roles"): ADMIN,
    ("POST", "admin.reset_password"): ADMIN,
    ("POST", "admin.issue_token"): ADMIN,
    ("POST", "admin.revoke_tokens"): ADMIN,
    ("GET", "admin.units"): ADMIN,
    ("POST", "admin.add_unit"): ADMIN,
    ("POST", "admin.rename_unit"): ADMIN,
    ("GET", "admin.acting"): ADMIN,
    ("POST", "admin.appoint"): ADMIN,
    ("POST", "admin.end_acting"): ADMIN,
    ("GET", "holidays.calendar"): ADMIN,
    ("POST", "holidays.add"): ADMIN,
    ("POST", "holidays.remove"): ADMIN,
    ("POST", "holidays.dismiss"): ADMIN,
    ("GET", "outbox.queue"): ADMIN,
    ("POST", "outbox.retry"): ADMIN,
    ("POST", "outbox.cancel"): ADMIN,
    # -- process owners (supervisors may read versions over the API) --
    ("GET", "owner.home"): OWNERS,
    ("GET", "owner.process_list"): OWNERS,
    ("GET", "owner.version_list"): OWNERS,
    ("GET", "owner.version_page"): OWNERS,
    ("GET", "owner.compare"): OWNERS,
    ("GET", "owner.diagram"): OWNERS,
    ("POST", "drafts_api.check"): OWNERS,
    ("POST", "owner.make_current"): OWNERS,
    ("GET", "owner.confirm_make_current"): OWNERS,
    ("POST", "owner.migrate"): OWNERS,
    ("GET", "owner.confirm_migrate"): OWNERS,
    ("POST", "owner.upload"): OWNERS,
    ("POST", "owner.cancel_upload"): OWNERS,
    ("POST", "owner.confirm_upload"): OWNERS,
    ("POST", "owner.deploy_draft"): OWNERS,
    ("GET", "owner.dry_run_page"): OWNERS,
    ("POST", "owner.dry_run_step"): OWNERS,
    ("GET", "drafts_api.load"): OWNERS,
    ("PUT", "drafts_api.save"): OWNERS,
    ("DELETE", "drafts_api.discard"): OWNERS,
    ("POST", "drafts_api.presence"): OWNERS,
    ("GET", "owner.settings_page"): OWNERS,
    ("POST", "owner.settings_preview"): OWNERS,
    ("POST", "owner.settings_deploy"): OWNERS,
    ("GET", "owner.editor"): OWNERS,
    ("GET", "owner.editor_current"): OWNERS,
    ("GET", "owner.form_list"): OWNERS,
    ("GET", "owner.form_edit"): OWNERS,
    ("POST", "owner.form_new"): OWNERS,
    ("POST", "owner.form_post"): OWNERS,
    ("POST", "owner.form_deploy"): OWNERS,
    ("GET", "owner.forms_list"): OWNERS,
    ("POST", "owner.form_create"): OWNERS,
    ("POST", "owner.expression_check"): OWNERS,
    ("GET", "api.list_versions"): OWNERS | SUPERVISE_PUBLISHING,
    ("GET", "api.version_diagram"): OWNERS | SUPERVISE_PUBLISHING,
    ("GET", "api.diff_versions"): OWNERS | SUPERVISE_PUBLISHING,
    ("POST", "api.make_current"): OWNERS,
    ("POST", "api.migrate_instance"): {"publishing": OWNERS, "complaint": OWNERS},
}


# ---- the data set ----------------------------------------------------------------------


@dataclass
class World:
    rt: Runtime
    users: dict[str, Actor]
    passwords: dict[str, str]
    tokens: dict[str, str]
    #: Cases by label: pub_a (PLAN), pub_b (HR), cmp_a (keyed in), cmp_b (website),
    #: published.
    cases: dict[str, int] = field(default_factory=dict)
    #: Attachment ids by label: pub_a, pub_b, cmp_a, cmp_b (evidence), cmp_b_letter.
    files: dict[str, int] = field(default_factory=dict)
    #: The open task of each case label.
    task: dict[str, str] = field(default_factory=dict)
    #: (tracking code, secret) of the website complaint, and of a second one.
    tracking: dict[str, tuple[str, str]] = field(default_factory=dict)
    escalation_id: int = 0
    publication_id: int = 0
    appointment_id: int = 0

    def open_task(self, label: str) -> str:
        with self.rt.db.read() as session:
            (task_id,) = session.scalars(select(Task.id).where(
                Task.instance_id == self.cases[label], Task.state == "open"))
        return task_id


def _drive(world: World, label: str, scenario: str, stop_at: str | None,
           steps_to_do: int = 99) -> None:
    """Work the case through tests/samples.SCENARIOS[scenario] until its open task is
    ``stop_at`` (or it ends, or ``steps_to_do`` are done), each step by the world's user of
    that role."""
    by_role = {"director": "director", "web_admin": "web_admin", "ict_head": "ict_head",
               "legal_officer": "legal_officer", "legal_head": "legal_head",
               "staff": "staff"}
    steps = list(SCENARIOS[scenario][3])
    iid = world.cases[label]
    while True:
        with world.rt.db.read() as session:
            open_tasks = list(session.scalars(select(Task).where(
                Task.instance_id == iid, Task.state == "open")))
        if not open_tasks or open_tasks[0].bpmn_id == stop_at or not steps_to_do:
            return
        steps_to_do -= 1
        role, data = steps.pop(0)
        tasks.complete_task(world.rt, world.users[by_role[role]], open_tasks[0].id, data)


@contextmanager
def frozen_world(tmp: Path) -> Iterator[World]:
    """The world built and used on the day the dataset's complaints were filed."""
    with clock.frozen(FILED):
        built = build_world(tmp)
        try:
            yield built
        finally:
            built.rt.close()


def build_world(tmp: Path) -> World:
    """Everything the matrix needs; run inside ``clock.frozen(FILED)``."""
    folder = tmp / "processes"
    shutil.copytree(PROCESSES, folder)
    settings = Settings(instance_dir=tmp / "instance", processes_dir=folder,
                        public_rate_limit="100000/minute",
                        password_profile=TEST_PASSWORD_PROFILE)
    rt = Runtime(settings)
    upgrade(rt.db)
    report = deploy(rt)
    assert report.ok, [p.format("en") for p in report.problems]
    people = People(rt)
    users = dict(people.all())
    users["process_owner"] = add_user(rt, "process_owner", ["process_owner"], "ICT")
    assert set(users) == set(USERS), sorted(users)
    passwords = {name: known_password(rt, users["admin"], actor.username)
                 for name, actor in users.items()}
    tokens = {name: issue_token(rt, actor.username) for name, actor in users.items()}
    world = World(rt=rt, users=users, passwords=passwords, tokens=tokens)
    # A user and a unit only the administrators' POSTs act on, so those change no one
    # the matrix signs in as.
    add_user(rt, "matrix_target", ["staff"], "TARGET")

    now = clock.Clock()
    start = instances.start_instance
    world.cases["pub_a"] = start(rt, users["staff"], "publishing", PUBLISHING_REQUEST)["id"]
    world.cases["pub_b"] = start(rt, users["staff_other_unit"], "publishing",
                                 {**PUBLISHING_REQUEST, "unit": "กลุ่มบริหารงานบุคคล"})["id"]
    world.cases["cmp_a"] = start(rt, users["legal_officer"], "complaint", COMPLAINT)["id"]
    filed = public.submit_complaint(rt, {
        **{k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")},
        "notice_acknowledged": True})
    world.tracking["cmp_b"] = (filed["tracking_code"], filed["secret"])
    public.add_evidence(rt, filed["tracking_code"], filed["secret"], "evidence.pdf",
                        "application/pdf", pdf_with_text("Evidence B"))
    second = public.submit_complaint(rt, {
        **{k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")},
        "notice_acknowledged": True})
    world.tracking["cmp_c"] = (second["tracking_code"], second["secret"])
    with rt.db.read() as session:
        world.cases["cmp_b"] = session.scalar(select(TrackingCode.instance_id).where(
            TrackingCode.code == filed["tracking_code"]))
    world.cases["published"] = start(rt, users["staff"], "publishing",
                                     PUBLISHING_REQUEST)["id"]
    for label, who in (("published", "staff"), ("pub_a", "staff"), ("pub_b", "staff_other_unit"),
                       ("cmp_a", "legal_officer")):
        attachments.add_attachment(rt, users[who], world.cases[label], f"{label}.pdf",
                                   "application/pdf", pdf_with_text(f"File of {label}"))
        comments.add_comment(rt, users[who], world.cases[label], f"ความเห็นเรื่อง {label}")

    # Two requests returned by the Director to their units (PLAN and HR) for revision.
    world.cases["ret_a"] = start(rt, users["staff"], "publishing", PUBLISHING_REQUEST)["id"]
    world.cases["ret_b"] = start(rt, users["staff_other_unit"], "publishing",
                                 PUBLISHING_REQUEST)["id"]

    now.move_to(SCREENED)
    for label in ("ret_a", "ret_b"):
        _drive(world, label, "publishing_returned_withdrawn", None, steps_to_do=1)
    _drive(world, "published", "publishing_approved", None)
    # The website complaint goes on to its initial action: the letter to the accused.
    _drive(world, "cmp_b", "complaint_accepted_to_resolution", "follow_up")
    now.move_to(SWEPT)
    swept = tick(rt)
    assert swept.fired >= 3 and not swept.errors, swept
    with rt.db.read() as session:
        files = session.execute(select(Attachment.id, Attachment.instance_id,
                                       Attachment.kind)).all()
        world.escalation_id = session.scalar(select(Escalation.id).where(
            Escalation.instance_id == world.cases["cmp_a"], Escalation.level == 1))
        world.publication_id = session.scalar(select(Publication.id))
    label_of = {iid: label for label, iid in world.cases.items()}
    for attachment_id, iid, kind in files:
        label = label_of[iid]
        if label == "cmp_b":
            # By kind: the evidence's name is sealed, its row holds only a stand-in.
            label = "cmp_b" if kind == "file" else "cmp_b_letter"
        world.files.setdefault(label, attachment_id)
    assert {"pub_a", "pub_b", "cmp_a", "cmp_b", "cmp_b_letter", "published"} \
        <= set(world.files), files
    assert world.escalation_id and world.publication_id
    escalations.list_escalations(rt, users["legal_head"], "open")
    world.appointment_id = admin.appoint_acting(
        rt, users["admin"], "matrix_target", "staff", SWEPT.date(), SWEPT.date(),
        "คำสั่งทดสอบ")["id"]
    for label in ("pub_a", "pub_b", "cmp_a", "cmp_b", "ret_a", "ret_b"):
        world.task[label] = world.open_task(label)
    return world


#: What each POST sends (JSON to the API, a form elsewhere; the rest send nothing): just
#: enough to pass the checks of the body that come before the role check, so the role is
#: what decides, and never enough to complete a step. ``{who}``, ``{code}`` and
#: ``{secret}`` are filled in.
BODIES: dict[str, dict[str, Any]] = {
    "auth.signin": {"username": "probe_{who}"},  # no password: 400, own rate-limit key
    "public_pages.track": {"code": "{code}", "secret": "{secret}"},
    "cases.reassign": {"username": "{assignee}"},
    "api.start_instance": {"data": {}},
    "api.complete": {"data": {}},
    "api.claim": {},
    "api.unclaim": {},
    "api.make_current": {},
    "api.acknowledge_escalation": {},
    "api.migrate_instance": {"to_version": None},
    "api.file_complaint": {},
}

#: Query strings (from tests/confidentiality_data.query_variants, the confidentiality
#: sweep's table) for the routes that answer 404 without one.
NEEDS_QUERY = ("api.diff_versions", "api.track_complaint")


# ---- URL parameters --------------------------------------------------------------------


def parameters(world: World, app: Any) -> dict[str, dict[str, str]]:
    """For each variant of :data:`ACCESS`, the value of every URL parameter.

    The parameter names are those of tests/confidentiality_data.parameter_table (the table
    of the confidentiality sweep), which is checked to know every one: a new parameter
    must be added there and here.
    """
    known = parameter_table(Dataset(rt=world.rt, app=app, users=world.users,
                                    passwords=world.passwords, tokens=world.tokens,
                                    cases=dict(world.cases),
                                    tracking=dict(world.tracking)))
    with world.rt.db.read() as session:
        file_id = session.execute(text("select id from publication_file")).scalar()
    common = {
        "code": world.tracking["cmp_b"][0],
        "version": "1",
        "escalation_id": str(world.escalation_id),
        "user_id": str(world.users["staff"].id),
        "username": "matrix_target",
        "appointment_id": str(world.appointment_id),
        "publication_id": str(world.publication_id),
        "file_id": str(file_id),
        "category": PUBLISHING_REQUEST["category"],
        "filename": "govflow.css",
        "register": "incoming",
        "name": "complaint-triage",
    }
    by_variant = {
        "publishing": {"instance_id": str(world.cases["pub_a"]), "task_id": world.task["pub_a"],
                       "attachment_id": str(world.files["pub_a"]),
                       "process_key": "publishing", "key": "publishing"},
        "complaint": {"instance_id": str(world.cases["cmp_a"]), "task_id": world.task["cmp_a"],
                      "attachment_id": str(world.files["cmp_a"]), "process_key": "complaint",
                      "key": "complaint"},
    }
    for values in by_variant.values():
        values.update(common)
    # Every name used here is one the confidentiality sweep fills too (plus static's).
    unknown = {name for values in by_variant.values() for name in values} - set(known) \
        - {"filename"}
    assert not unknown, unknown
    by_variant[""] = dict(by_variant["publishing"])
    return by_variant


def fingerprint(rt: Runtime) -> dict[str, tuple[int, int]]:
    """Row count and a content hash of every table: any insert, update or delete shows.
    Read through the DB-API connection (SQLite) so a few hundred calls stay cheap."""
    found = {}
    connection = rt.db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        for (name,) in cursor.fetchall():
            cursor.execute(f'SELECT * FROM "{name}"')  # noqa: S608 - reflected table names
            rows = sorted(cursor.fetchall(), key=repr)
            found[name] = (len(rows), hash(tuple(rows)))
        cursor.close()
    finally:
        connection.close()
    return found

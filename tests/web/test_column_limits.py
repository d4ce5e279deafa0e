"""Issue 13 item 10: text longer than its column is refused with a clear message before
the database sees it, at every entry point, on SQLite (which would keep it) and on
PostgreSQL (which would fail with a DataError and a traceback)."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.core.errors import InvalidData
from engine.core.limits import column_limit
from engine.core.models import ProcessInstance, Publication, RegisterEntry, Unit, User
from engine.services.admin import staff as admin
from engine.services.admin.processes import deploy
from engine.services.admin.users import issue_token
from engine.services.inbox import instances
from tests.account_support import known_password
from tests.conftest import PROCESSES, People, make_runtime
from tests.samples import PUBLISHING_REQUEST
from tests.web.publication_support import published
from tests.web.test_hostile_input import TRACEBACK, row_counts
from tests.web_client import Browser, html
from webui import create_app
from webui.cli import main as govflow

#: The ICT group's real name (the seed), 57 characters: longer than a unit code.
ICT_NAME = "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร"


class World:
    def __init__(self, rt) -> None:
        self.rt = rt
        self.people = People(rt)
        self.app = create_app(runtime=rt)
        self.app.testing = True  # a database error would surface here, not as a 500 page
        self._browsers: dict[str, Browser] = {}

    def browser(self, name: str) -> Browser:
        if name not in self._browsers:
            user = self.people.all()[name]
            b = Browser(self.app)
            b.signin(user.username, known_password(self.rt, self.people.admin,
                                                   user.username))
            self._browsers[name] = b
        return self._browsers[name]


@pytest.fixture
def world(runtime) -> World:
    return World(runtime)


def refused(response, status: int = 400, *words: str) -> str:
    body = html(response)
    assert response.status_code == status, body[:1500]
    assert not any(marker in body for marker in TRACEBACK), body[:1500]
    for word in words:
        assert word in body, (word, body[:3000])
    return body


def unit_of(rt, username: str) -> str | None:
    with rt.db.read() as session:
        return session.scalar(select(Unit.code).join(User, User.unit_id == Unit.id)
                              .where(User.username == username))


def cli(rt, tmp_path, *args: str):
    env = {"GOVFLOW_INSTANCE_DIR": str(tmp_path / "instance"),
           "GOVFLOW_DATABASE_URL": rt.settings.database_url or "",
           "GOVFLOW_PROCESSES_DIR": str(PROCESSES)}
    return CliRunner().invoke(govflow, list(args), env=env)


def test_cli_user_add_takes_a_units_name_and_refuses_a_long_new_code(world, tmp_path):
    rt, people = world.rt, world.people
    admin.rename_unit(rt, people.admin, "ICT", ICT_NAME)
    added = cli(rt, tmp_path, "user", "add", "thana", "--role", "web_admin", "--unit", ICT_NAME)
    assert added.exit_code == 0, (added.output, added.exception)
    assert unit_of(rt, "thana") == "ICT"  # the existing unit, found by its name

    before = row_counts(rt)
    unknown = "ก" * 60
    result = cli(rt, tmp_path, "user", "add", "somsri", "--role", "staff", "--unit", unknown)
    assert result.exit_code == 1, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit)  # click's clean exit, not a DataError
    assert "50" in result.output and "unit" in result.output
    assert "Traceback" not in result.output
    assert row_counts(rt) == before
    # A code that fits still makes a new unit, as before.
    assert cli(rt, tmp_path, "user", "add", "somsri", "--role", "staff", "--unit",
               "NEW").exit_code == 0
    assert unit_of(rt, "somsri") == "NEW"


def test_admin_user_page_refuses_a_display_name_longer_than_its_column(world):
    b = world.browser("admin")
    b.get("/admin/users")
    before = row_counts(world.rt)
    refused(b.post("/admin/users", {"username": "longname", "display_name": "ก" * 301,
                                    "roles": ["staff"], "unit_code": "PLAN",
                                    "password": "a-long-password"}), 400, "300")
    assert row_counts(world.rt) == before
    # Thai counts in characters: 300 Thai letters (900 bytes of UTF-8) fit.
    b.get("/admin/users")
    response = b.post("/admin/users", {"username": "fits", "display_name": "ก" * 300,
                                       "roles": ["staff"], "unit_code": "PLAN",
                                       "password": "a-long-password"})
    assert response.status_code == 302, html(response)[:1500]


def test_units_take_names_as_long_as_their_column(world):
    rt, people = world.rt, world.people
    admin.rename_unit(rt, people.admin, "ICT", "ก" * 300)
    b = world.browser("admin")
    b.get("/admin/units")
    before = row_counts(rt)
    refused(b.post("/admin/units", {"code": "X" * 51, "name": "หน่วยใหม่"}), 400, "50")
    refused(b.post("/admin/units", {"code": "NEWU", "name": "ก" * 301}), 400, "300")
    assert row_counts(rt) == before


def test_api_start_with_a_long_title_is_refused(world):
    rt, people = world.rt, world.people
    client = world.app.test_client()
    token = issue_token(rt, people.staff.username)
    before = row_counts(rt)
    response = client.post("/api/v1/processes/publishing/instances",
                           headers={"Authorization": f"Bearer {token}"},
                           json={"data": {**PUBLISHING_REQUEST, "title": "ก" * 301}})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "title" in response.get_json()["fields"]
    assert row_counts(rt) == before


def test_a_form_allowing_more_than_the_title_column_is_refused_not_cut(world, monkeypatch):
    rt, people = world.rt, world.people
    with rt.db.read() as session:
        form = rt.definitions.current(session, "publishing").start_form
    # A process owner's form that lets the title run past the column (300).
    monkeypatch.setitem(form["properties"]["title"], "maxLength", 1000)
    before = row_counts(rt)
    with pytest.raises(InvalidData) as caught:
        instances.start_instance(rt, people.staff, "publishing",
                                 {**PUBLISHING_REQUEST, "title": "ก" * 400})
    assert "title" in caught.value.fields and "300" in caught.value.fields["title"]
    assert row_counts(rt) == before


def test_comment_holiday_acting_and_withdrawal_refuse_long_text(world):
    rt, people = world.rt, world.people
    case_id, publication_id = published(rt, people)
    staff, b, web = (world.browser(name) for name in ("staff", "admin", "web_admin"))
    before = row_counts(rt)
    staff.get(f"/cases/{case_id}")
    refused(staff.post(f"/cases/{case_id}/comments", {"text": "ก" * 5001}), 400)
    b.get("/admin/holidays")
    refused(b.post("/admin/holidays/add", {"add_day": "2027-03-03", "add_reason": "ก" * 301,
                                           "add_reference": ""}), 400, "300")
    b.get("/admin/acting")
    refused(b.post("/admin/acting", {"username": people.legal_officer.username,
                                     "role": "legal_head", "starts_on": "2027-03-01",
                                     "ends_on": "2027-03-05", "reference": "ก" * 301}),
            400, "300")
    web.get(f"/publications/{publication_id}")
    refused(web.post(f"/publications/{publication_id}/withdraw", {"reason": "ก" * 2001}), 400)
    assert row_counts(rt) == before


def test_a_nul_character_is_refused_before_postgresql_sees_it(world):
    """PostgreSQL's text types cannot hold NUL: the title of an API start, a display name,
    a comment and a withdrawal reason with one were 500s there (and kept on SQLite)."""
    rt, people = world.rt, world.people
    case_id, publication_id = published(rt, people)
    staff, b, web = (world.browser(name) for name in ("staff", "admin", "web_admin"))
    token = issue_token(rt, people.staff.username)
    before = row_counts(rt)
    response = world.app.test_client().post(
        "/api/v1/processes/publishing/instances", headers={"Authorization": f"Bearer {token}"},
        json={"data": {**PUBLISHING_REQUEST, "title": "แผน\x00งาน"}})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "NUL" in response.get_json()["fields"]["title"]
    b.get("/admin/users")
    refused(b.post("/admin/users", {"username": "nul", "display_name": "นาย\x00ก",
                                    "roles": ["staff"], "unit_code": "PLAN",
                                    "password": "a-long-password"}), 400, "NUL")
    staff.get(f"/cases/{case_id}")
    refused(staff.post(f"/cases/{case_id}/comments", {"text": "ความเห็น\x00"}), 400, "NUL")
    web.get(f"/publications/{publication_id}")
    refused(web.post(f"/publications/{publication_id}/withdraw", {"reason": "เหตุ\x00ผล"}),
            400, "NUL")
    # A lookup by a typed value too: PostgreSQL could not even compare one with NUL.
    response = world.app.test_client().get("/api/v1/public/complaints/GF%00?secret=x")
    assert response.status_code == 400 and "NUL" in response.get_json()["message"]
    b.get("/admin/users")
    refused(b.post("/admin/users/%00/active", {"active": "0"}), 400, "NUL")
    with pytest.raises(InvalidData), rt.db.read() as session:
        session.execute(select(User).where(User.username == "\x00"))
    assert row_counts(rt) == before


#: Where the shipped forms' free-text fields land: (form file, field) → columns.
FORM_COLUMNS: dict[tuple[str, str], tuple[Any, ...]] = {
    ("publishing-request", "title"): (ProcessInstance.title, Publication.title),
    ("publishing-request", "unit"): (Publication.unit_name,),
    ("publishing-request", "external_link"): (Publication.external_link,),
    ("publishing-revise", "title"): (Publication.title,),
    ("publishing-revise", "external_link"): (Publication.external_link,),
    ("publishing-web-admin-check", "source_owner"): (Publication.source_owner,),
    ("complaint-start", "subject"): (ProcessInstance.title,),
    ("complaint-start", "letter_no"): (RegisterEntry.letter_ref,),
}


@pytest.mark.parametrize("where", sorted(FORM_COLUMNS), ids="/".join)
def test_shipped_forms_fit_the_columns_their_fields_land_in(where):
    form, field = where
    schema = json.loads((PROCESSES / "forms" / f"{form}.schema.json").read_text("utf-8"))
    allowed = schema["properties"][field]["maxLength"]
    for column in FORM_COLUMNS[where]:
        assert allowed <= column_limit(column), (form, field, column)


def test_bpmn_names_longer_than_their_columns_are_refused_at_deploy(tmp_path, backend):
    """A task name of 400 characters deployed, then every case failed on PostgreSQL with
    "value too long for type character varying(300)" when its inbox row was written."""
    folder = tmp_path / "processes"
    shutil.copytree(PROCESSES, folder)
    bpmn = folder / "publishing.bpmn"
    bpmn.write_text(bpmn.read_text("utf-8").replace(
        'name="ผู้อำนวยการ สพป. พิจารณาอนุมัติ"', 'name="' + "ก" * 400 + '"').replace(
        'id="publishing" name="การเผยแพร่ข้อมูลต่อสาธารณะผ่านเว็บไซต์"',
        'id="publishing" name="' + "ข" * 301 + '"'), "utf-8")
    rt = make_runtime(tmp_path, backend, processes_dir=folder)
    try:
        report = deploy(rt)
        assert not report.ok
        found = {(p.element_id, p.line) for p in report.problems if "300" in p.message}
        lines = bpmn.read_text("utf-8").splitlines()
        line_of = {element: 1 + next(n for n, line in enumerate(lines)
                                     if f'id="{element}"' in line)
                   for element in ("director_approval", "publishing")}
        assert set(line_of.items()) <= found, report.problems
        assert all("300" in p.message_th for p in report.problems if "300" in p.message)
        with rt.db.read() as session:
            assert rt.definitions.current(session, "publishing") is None  # nothing deployed
    finally:
        rt.close()

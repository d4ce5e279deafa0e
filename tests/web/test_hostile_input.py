"""Hostile input from outside, one category per test: each is refused with a message that
says what to fix (never a traceback), and nothing changes — no version deployed, no row
added, no file written outside the instance's attachment folder.

1. BPMN files (owner upload page, ``govflow validate``): XXE, billion laughs, huge, deep.
2. Sandbox escapes in expressions and scripts, directly and inside an uploaded BPMN file.
3. Markup in every string field of every form, and on every page that shows it back.
4. Oversized and malformed JSON on every JSON-accepting POST under /api/v1.
5. Attachments: path traversal names, content-type lies, download headers.
6. SQL-injection and odd strings in every filter, sort and search parameter.

The payloads are in tests/web/hostile_data.py. The BPMN loader, expression evaluator and
public complaint API are also fuzzed (tests/web/test_fuzz.py) and attacked at unit level
(tests/unit/test_bpmn_loader.py, tests/unit/test_expressions.py); this file attacks through the
pages, the API and the command line that people and other systems actually use.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text

from engine.bpmn.expressions.checks import check_expression, check_script
from engine.bpmn.expressions.environment import RestrictedEnvironment
from engine.core import clock
from engine.core.actors import Actor
from engine.core.config import Settings
from engine.core.errors import ExpressionError
from engine.core.schema import upgrade
from engine.services.admin import processes, versions
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user, issue_token
from engine.services.inbox import attachments, instances, tasks
from engine.thai.workdays import WorkingCalendar, bpmn_helpers
from engine.workflow.runtime import Runtime
from tests.account_support import known_password
from tests.conftest import PROCESSES, SAMPLE_DAY, People
from tests.samples import COMPLAINT, PUBLISHING_REQUEST, SCENARIOS
from tests.unit.test_expressions import HOSTILE_EXPRESSIONS, HOSTILE_SCRIPTS
from tests.web import hostile_data as H
from tests.web.publication_support import published
from tests.web_client import Browser, form_of, html
from webui import MAX_REQUEST_BYTES, create_app

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

pytest_plugins = ("tests.web_support",)

TRACEBACK = ("Traceback (most recent call last)", 'File "/', "sqlalchemy.exc", "OperationalError")


# ================================================================ shared set-up


@dataclass
class World:
    """One SQLite runtime for the tests that must change nothing: people, tokens, a
    running complaint with a claimed task, a running publishing case, three publications."""

    root: Path
    rt: Runtime
    app: Any
    people: People
    owner: Actor
    passwords: dict[str, str]
    tokens: dict[str, str]
    complaint_id: int
    complaint_task: str
    publishing_id: int
    publications: dict[str, int]
    browsers: dict[str, Browser] = field(default_factory=dict)

    def browser(self, name: str) -> Browser:
        if name not in self.browsers:
            b = Browser(self.app)
            username = self.owner.username if name == "owner" else \
                self.people.all()[name].username
            b.signin(username, self.passwords[name])
            self.browsers[name] = b
        return self.browsers[name]

    def api(self, name: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"} if name else {}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "processes"
    shutil.copytree(PROCESSES, folder)
    rt = Runtime(Settings(instance_dir=root / "instance", processes_dir=folder,
                          public_rate_limit="1000000/hour"))
    upgrade(rt.db)
    report = deploy(rt)
    assert report.ok, [p.format("en") for p in report.problems]
    people = People(rt)
    owner = add_user(rt, "owner", ["process_owner"], "ICT")
    everyone = {**people.all(), "owner": owner}
    passwords = {name: known_password(rt, people.admin, a.username)
                 for name, a in everyone.items()}
    tokens = {name: issue_token(rt, a.username) for name, a in everyone.items()}
    with clock.frozen(SAMPLE_DAY):  # a module fixture: before the tests' sample_day
        complaint = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    task_id = complaint["tasks"][0]["id"]
    tasks.claim_task(rt, people.legal_officer, task_id)
    publishing = instances.start_instance(rt, people.staff, "publishing", PUBLISHING_REQUEST)
    pubs = {}
    for key, title in (("percent", "ส่วนลด 100% ทั้งปี"), ("underscore", "แผน a_b"),
                       ("plain", "แผน axb"), ("backslash", "ทาง C:\\data")):
        pubs[key] = published(rt, people, {"title": title, "details": title})[1]
    app = create_app(runtime=rt)
    app.testing = True
    yield World(root, rt, app, people, owner, passwords, tokens, complaint["id"], task_id,
                publishing["id"], pubs)
    rt.close()


def row_counts(rt: Runtime, skip: tuple[str, ...] = ()) -> dict[str, int]:
    """Rows in every table; a dropped table would be missing from the result."""
    with rt.db.read() as session:
        conn = session.connection()
        names = sorted(inspect(conn).get_table_names())
        return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in names if name not in skip}


def file_tree(root: Path) -> set[str]:
    """Every file under ``root`` except the database's own (which SQLite rewrites)."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and ".db" not in p.name}


@dataclass
class Before:
    counts: dict[str, int]
    files: set[str]
    versions: list[tuple[str, int, bool]]


def before(world_rt: Runtime, root: Path, skip: tuple[str, ...] = ()) -> Before:
    with world_rt.db.read() as session:
        rows = session.execute(text(
            "SELECT process_key, version, is_current FROM process_version ORDER BY id")).all()
    return Before(row_counts(world_rt, skip), file_tree(root),
                  [(k, v, bool(c)) for k, v, c in rows])


def assert_unchanged(rt: Runtime, root: Path, was: Before, skip: tuple[str, ...] = ()) -> None:
    now = before(rt, root, skip)
    assert now.versions == was.versions, "a process version was deployed or changed"
    assert now.counts == was.counts, "rows were added, removed or a table dropped"
    assert now.files == was.files, f"files written: {sorted(now.files ^ was.files)}"


def no_traceback(body: str) -> None:
    for marker in TRACEBACK:
        assert marker not in body, f"traceback text in the response: {marker!r}"


def leaks_nothing(body: str) -> None:
    for leak in H.LEAKS:
        assert leak not in body, f"leaked {leak!r}"


def api_error(response, status: int, *words: str) -> dict[str, Any]:
    """A JSON error of ``status`` whose message (or fields) says each of ``words``."""
    assert response.status_code == status, (response.status_code, response.get_data()[:500])
    assert response.is_json, response.get_data()[:300]
    body = response.get_json()
    assert body["error"] and body["message"], body
    said = body["message"] + " " + " ".join(f"{k} {v}" for k, v in
                                            (body.get("fields") or {}).items())
    for word in words:
        assert word in said, (word, body)
    no_traceback(response.get_data(as_text=True))
    return body


# ================================================================ 1. BPMN files


def owner_upload(b: Browser, data: bytes, name: str = "complaint.bpmn"):
    b.get("/owner/processes")
    return b.post("/owner/processes/upload",
                  {"file": (io.BytesIO(data), name, "application/octet-stream")},
                  content_type="multipart/form-data")


@pytest.mark.parametrize("case", sorted(H.HOSTILE_BPMN))
def test_hostile_bpmn_upload_is_reported_and_deploys_nothing(world, case):
    data, says = H.HOSTILE_BPMN[case]
    was = before(world.rt, world.root)
    owner = world.browser("owner")
    response = owner_upload(owner, data)
    page = html(response)
    # The report page: the problem in the owner's words, no deploy button, no token.
    assert response.status_code == 200, page[:2000]
    assert "จึงติดตั้งไม่ได้" in page and says in unescape(page), page[:3000]
    assert 'name="token"' not in page and "ติดตั้ง</button>" not in page
    leaks_nothing(page)
    no_traceback(page)
    # The confirm step with a forged token still deploys nothing.
    owner.post("/owner/processes/upload/confirm", {"token": "0" * 32})
    assert_unchanged(world.rt, world.root, was)
    # The engine refuses it too, whoever calls it.
    with pytest.raises(versions.InvalidData) as refused:
        versions.deploy_upload(world.rt, world.owner, "complaint.bpmn", data)
    leaks_nothing(str(refused.value.fields))
    assert_unchanged(world.rt, world.root, was)


def test_bpmn_upload_over_the_size_limits(world):
    was = before(world.rt, world.root)
    owner = world.browser("owner")
    # Over the upload page's request limit: 413 before anything is parsed.
    huge = b"<" + b"x" * (versions.MAX_UPLOAD + 128 * 1024)
    too_big = owner_upload(owner, huge)
    assert too_big.status_code == 413
    assert "ขนาดใหญ่เกินกำหนด" in html(too_big)
    no_traceback(html(too_big))
    # Under the request limit, one byte over the parser's: the file is refused by name.
    over = H.over_parser_limit()
    refused = owner_upload(owner, over)
    assert refused.status_code == 400, html(refused)[:2000]
    assert "ไฟล์ใหญ่เกิน 5 MB" in html(refused)
    no_traceback(html(refused))
    assert_unchanged(world.rt, world.root, was)


@pytest.fixture
def cli_env(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVFLOW_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("GOVFLOW_PROCESSES_DIR", str(PROCESSES))
    monkeypatch.delenv("GOVFLOW_DATABASE_URL", raising=False)
    return tmp_path


@pytest.mark.parametrize("case", [*sorted(H.HOSTILE_BPMN), "over_parser_limit"])
def test_govflow_validate_reports_hostile_files(cli_env, case):
    from webui.cli import main

    if case == "over_parser_limit":
        data, says = H.over_parser_limit(), "too large"
    else:
        data, says = H.HOSTILE_BPMN[case]
    path = cli_env / f"{case}.bpmn"
    path.write_bytes(data)
    before_files = file_tree(cli_env)
    result = CliRunner().invoke(main, ["validate", str(path), "--lang", "en"])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 1, output
    assert isinstance(result.exception, SystemExit), result.exception
    assert f"{case}.bpmn" in output and says in output, output[:2000]
    assert len(output) < 10_000  # one line per problem, not the file echoed back
    leaks_nothing(output)
    no_traceback(output)
    assert file_tree(cli_env) == before_files


# ================================================================ 2. expressions


@pytest.fixture(scope="module")
def env() -> RestrictedEnvironment:
    return RestrictedEnvironment(bpmn_helpers(WorkingCalendar()))


def test_sandbox_escape_tables_add_to_test_expressions():
    """The payloads here are the ones test_expressions.py does not already try."""
    assert not set(H.SANDBOX_ESCAPES) & set(HOSTILE_EXPRESSIONS)
    assert not set(H.SCRIPT_ESCAPES) & set(HOSTILE_SCRIPTS)


@pytest.mark.parametrize("expression", sorted(H.SANDBOX_ESCAPES))
def test_sandbox_escape_expressions_are_refused(env, expression):
    says = H.SANDBOX_ESCAPES[expression]
    data = {"x": "v", "y": [1, 2]}
    with pytest.raises(ExpressionError) as refused:
        env.evaluate(expression, data)
    message = str(refused.value)
    assert says in message, message
    assert " / " in message  # Thai / English, for the process owner
    assert data == {"x": "v", "y": [1, 2]}
    if says != "too large" and "%" not in says:
        # Refused by the deploy-time check too, before any case runs it.
        with pytest.raises(ExpressionError):
            check_expression(expression)


@pytest.mark.parametrize("script", sorted(H.SCRIPT_ESCAPES))
def test_sandbox_escape_scripts_are_refused(env, script):
    data = {"x": "v", "y": [1]}
    with pytest.raises(ExpressionError) as refused:
        env.execute(script, data)
    assert H.SCRIPT_ESCAPES[script] in str(refused.value)
    assert data == {"x": "v", "y": [1]}
    if H.SCRIPT_ESCAPES[script] != "too large":
        with pytest.raises(ExpressionError):
            check_script(script)


CONDITION = 'screening_outcome == "accept"'
SCRIPT = "follow_up_from = parties_notified_on"


def _with(folder: Path, *, condition: str | None = None, script: str | None = None) -> bytes:
    from xml.sax.saxutils import escape

    text_ = (folder / "complaint.bpmn").read_text(encoding="utf-8")
    assert text_.count(CONDITION) == 1 and text_.count(SCRIPT) == 1
    if condition is not None:
        text_ = text_.replace(CONDITION, escape(condition))
    if script is not None:
        text_ = text_.replace(SCRIPT, escape(script))
    return text_.encode("utf-8")


STATIC_ESCAPES = [e for e, says in H.SANDBOX_ESCAPES.items()
                  if says != "too large" and "%" not in says]


@pytest.mark.parametrize("where", ["condition", "script"])
def test_sandbox_escapes_in_an_uploaded_bpmn_are_refused_at_upload(world, where):
    """A gateway condition or a script task that reaches for Python is refused by the
    upload check, with the element named; nothing is deployed."""
    owner = world.browser("owner")
    folder = world.rt.settings.processes_dir
    was = before(world.rt, world.root)
    payloads = STATIC_ESCAPES if where == "condition" else \
        [s for s, says in H.SCRIPT_ESCAPES.items() if says != "too large"]
    for payload in payloads:
        data = _with(folder, **{where: payload})
        page = html(owner_upload(owner, data))
        assert "จึงติดตั้งไม่ได้" in page, (payload, page[:2000])
        element = "flow_screening_accept" if where == "condition" else "start_follow_up"
        assert element in page or "gw_screening" in page, (payload, page[:3000])
        assert 'name="token"' not in page
        no_traceback(page)
    assert_unchanged(world.rt, world.root, was)


@pytest.mark.parametrize("payload", ["follow_up_from = 9**9**9",
                                     "follow_up_from = 'a' * 10**10",
                                     "follow_up_from = '%s' % received_at"])
def test_value_dependent_script_escapes_are_refused_at_upload(world, payload):
    """Sizes known only at run time: the upload check runs the script on sample data, so
    the script that goes beyond the evaluator's limits is named and the file refused."""
    was = before(world.rt, world.root)
    data = _with(world.rt.settings.processes_dir, script=payload)
    with pytest.raises(versions.InvalidData) as refused:
        versions.deploy_upload(world.rt, world.owner, "complaint.bpmn", data)
    assert "start_follow_up" in refused.value.fields["file"]
    page = html(owner_upload(world.browser("owner"), data))
    assert "จึงติดตั้งไม่ได้" in page and "start_follow_up" in page
    no_traceback(page)
    assert_unchanged(world.rt, world.root, was)


@pytest.mark.parametrize("payload", ["10**10**10 > 0", "len([0] * 10**10) > 0",
                                     "len('a' * 10**10) > 0", "9 ** 9 ** 9 ** 9 > 1"])
def test_condition_escapes_beyond_the_limits_are_refused_at_upload(world, payload):
    """Sizes known only when evaluated: the upload check evaluates every gateway condition
    on sample data, so one beyond the evaluator's limits is refused with the flow named."""
    was = before(world.rt, world.root)
    data = _with(world.rt.settings.processes_dir, condition=payload)
    with pytest.raises(versions.InvalidData) as refused:
        versions.deploy_upload(world.rt, world.owner, "complaint.bpmn", data)
    assert "flow_screening_accept" in refused.value.fields["file"]
    assert "beyond what govflow's evaluator allows" in refused.value.fields["file"]
    page = html(owner_upload(world.browser("owner"), data))
    assert "จึงติดตั้งไม่ได้" in page and "flow_screening_accept" in page
    no_traceback(page)
    assert_unchanged(world.rt, world.root, was)


def test_a_condition_too_large_only_on_real_data_fails_safely_when_run(own_copy):
    """A condition fine on the sample data but beyond the limits on a case's own values
    passes the upload check; the completion that reaches it is refused with the owner's
    message, nothing saved."""
    rt, people, owner, folder = own_copy
    # The sample subject has 8 characters (10**40), the case's 34 (10**170 > 10**100).
    payload = "10 ** (len(subject) * 5) > 0"
    versions.deploy_upload(rt, owner, "complaint.bpmn", _with(folder, condition=payload))
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [2, 1]
    client = create_app(runtime=rt).test_client()
    token = {"Authorization": f"Bearer {issue_token(rt, people.legal_officer.username)}"}
    started = client.post("/api/v1/processes/complaint/instances",
                          json={"data": COMPLAINT}, headers=token)
    assert started.status_code == 201, started.get_json()
    task_id = started.get_json()["tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=token).status_code == 200
    was = row_counts(rt)
    done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=token,
                       json={"data": {"screening_outcome": "accept"}})
    api_error(done, 422, "gw_screening", "too large", "BPMN")
    assert row_counts(rt) == was
    assert tasks.get_task(rt, people.legal_officer, task_id)["state"] == "open"


# ================================================================ 3. markup (XSS)


def free_text(prop: Any) -> bool:
    return (isinstance(prop, dict) and prop.get("type") == "string"
            and not any(k in prop for k in ("format", "oneOf", "anyOf", "enum", "pattern",
                                            "const", "$ref")))


def payload_for(prop: dict[str, Any]) -> str:
    limit = prop.get("maxLength") or 10**6
    assert limit >= len(H.XSS_SHORT), prop
    return H.XSS if limit >= len(H.XSS) else H.XSS_SHORT


def poisoned(schema: dict[str, Any], data: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """``data`` with the payload in every free-text string field of ``schema``."""
    out = dict(data)
    names = set()
    for name, prop in (schema.get("properties") or {}).items():
        if free_text(prop):
            out[name] = payload_for(prop)
            names.add(name)
    return out, names


def escaped(page: str, where: str, *, shown: bool = True) -> None:
    for raw in H.RAW_MARKERS:
        assert raw not in page, f"unescaped {raw!r} on {where}"
    if shown:
        assert any(e in page for e in H.ESCAPED_MARKERS), f"payload not shown on {where}"
    no_traceback(page)


@dataclass
class Flow:
    rt: Runtime
    people: People
    browsers: dict[str, Browser]
    inbox_shows_title: bool = True
    forms_seen: set[str] = field(default_factory=set)
    fields_seen: dict[str, set[str]] = field(default_factory=dict)

    def step(self, role: str, instance_id: int, data: dict[str, Any]) -> None:
        actor = self.people.all()[role]
        b = self.browsers[role]
        (task,) = instances.get_instance(self.rt, actor, instance_id)["tasks"]
        inbox = html(b.get("/inbox?view=group"))
        escaped(inbox, f"{role}'s inbox", shown=self.inbox_shows_title)
        escaped(html(b.get(f"/tasks/{task['id']}")), f"task page {task['name']}")
        assert b.post(f"/tasks/{task['id']}/claim").status_code == 302
        escaped(html(b.get("/inbox?view=mine")), f"{role}'s inbox",
                shown=self.inbox_shows_title)
        detail = tasks.get_task(self.rt, actor, task["id"])
        self.note(detail["form"])
        body, _names = poisoned(detail["form"], data)
        done = b.post(f"/tasks/{task['id']}/complete", form_of(body))
        assert done.status_code == 302, html(done)[:3000]

    def note(self, schema: dict[str, Any]) -> None:
        self.forms_seen.add(schema.get("title", ""))
        for name, prop in (schema.get("properties") or {}).items():
            if free_text(prop):
                self.fields_seen.setdefault(schema.get("title", ""), set()).add(name)

    def start(self, role: str, key: str, data: dict[str, Any], constrained: list[str]) -> int:
        b = self.browsers[role]
        page = html(b.get(f"/start/{key}"))
        assert "<form" in page
        schema = next(p["start_form"] for p in processes.list_processes(self.rt)
                      if p["key"] == key)
        self.note(schema)
        body, _names = poisoned(schema, data)
        # First with the payload in the fields that cannot hold it too: refused, and what
        # was typed comes back escaped.
        bad = b.post(f"/start/{key}", form_of({**body, **dict.fromkeys(constrained, H.XSS)}))
        assert bad.status_code == 400
        escaped(html(bad), f"/start/{key} refused")
        good = b.post(f"/start/{key}", form_of(body))
        assert good.status_code == 302, html(good)[:3000]
        return int(good.headers["Location"].rsplit("/", 1)[-1])


@pytest.fixture
def flow(sqlite_runtime, web_people, browser) -> Flow:
    roles = ("staff", "director", "web_admin", "ict_head", "legal_officer", "legal_head")
    return Flow(sqlite_runtime, web_people, {r: browser(r) for r in roles})


#: The scenario (tests/samples.SCENARIOS) each markup test below works its case through.
MARKUP_SCENARIOS = {
    "publishing": "publishing_rejected_revised_resubmitted",
    "complaint": "complaint_accepted_to_resolution",
    "public": "complaint_forwarded",
}
ALL_FORMS = {json.loads(p.read_text(encoding="utf-8")).get("title", "")
             for p in (PROCESSES / "forms").glob("*.schema.json")}


def test_markup_in_every_publishing_form_is_escaped_everywhere(flow, app):
    _who, key, start_data, steps = SCENARIOS[MARKUP_SCENARIOS["publishing"]]
    iid = flow.start("staff", key, start_data, ["request_date", "external_link"])
    for role, data in steps:
        flow.step(role, iid, data)
    staff, director = flow.browsers["staff"], flow.browsers["director"]
    for b, who in ((staff, "staff"), (director, "director")):
        escaped(html(b.get(f"/cases/{iid}")), f"case page ({who})")
    from tests.web.publication_support import publication_of

    pub = publication_of(flow.rt, iid)
    assert pub is not None and pub.title == H.XSS
    escaped(html(staff.get("/publications")), "publications list")
    escaped(html(staff.get(f"/publications/{pub.id}")), "publication page")
    escaped(html(staff.get("/reports/publications")), "publication log", shown=False)
    public = Browser(app)
    escaped(html(public.get(f"/public/items/{pub.id}")), "public item")
    escaped(html(public.get(f"/public/{pub.category}")), "public category")
    escaped(html(public.get(f"/public/{pub.category}?q=" + H.XSS[:60])), "public search echo")
    feed = public.get(f"/public/{pub.category}/feed.atom")
    assert feed.status_code == 200
    escaped(html(feed), "Atom feed")
    from xml.etree import ElementTree

    titles = [e.text for e in ElementTree.fromstring(feed.data).iter(
        "{http://www.w3.org/2005/Atom}title")]
    assert H.XSS in titles  # the feed holds the text itself, escaped once, not markup
    assert len(flow.forms_seen) == 6


def test_markup_in_every_complaint_form_is_escaped_everywhere(flow):
    _who, key, start_data, steps = SCENARIOS[MARKUP_SCENARIOS["complaint"]]
    iid = flow.start("legal_officer", key, start_data,
                     ["event_date", "complainant_email", "received_at"])
    for role, data in steps:
        flow.step(role, iid, data)
    for role in ("legal_officer", "legal_head", "director"):
        b = flow.browsers[role]
        page = html(b.get(f"/cases/{iid}"))
        escaped(page, f"case page ({role})")
        escaped(html(b.get("/inbox?view=all")) if role != "legal_officer"
                else html(b.get("/inbox")), f"inbox ({role})", shown=False)
    escaped(html(flow.browsers["director"].get("/privacy/reads")), "privacy reads",
            shown=False)
    escaped(html(flow.browsers["legal_officer"].get("/reports/complaints")),
            "complaints report", shown=False)
    assert len(flow.forms_seen) == 7


def test_markup_from_the_public_complaint_form_and_the_tracking_page(flow, app):
    from engine.services.complaints import citizen as public

    citizen = Browser(app)
    assert citizen.get("/complaint").status_code == 200
    form = {k: v for k, v in COMPLAINT.items() if k not in public.CHANNEL_FIELDS}
    schema = next(p["start_form"] for p in processes.list_processes(flow.rt)
                  if p["key"] == "complaint")
    body, names = poisoned({"properties": {k: v for k, v in schema["properties"].items()
                                           if k not in public.CHANNEL_FIELDS}}, form)
    assert {"subject", "details", "complainant_name", "complainant_phone"} <= names
    flow.note(schema)
    evidence = [(io.BytesIO(H.PDF), H.XSS_SHORT + ".pdf", "application/pdf")]
    # Refused first (a bad e-mail address): what was typed comes back escaped.
    bad = citizen.post("/complaint", {**form_of(body), "notice_acknowledged": "on",
                                      "complainant_email": H.XSS,
                                      "evidence": [(io.BytesIO(H.PDF), H.XSS_SHORT + ".pdf")]},
                       content_type="multipart/form-data")
    assert bad.status_code == 400
    escaped(html(bad), "/complaint refused")
    filed = citizen.post("/complaint", {**form_of(body), "notice_acknowledged": "on",
                                        "evidence": evidence},
                         content_type="multipart/form-data", follow=True)
    assert filed.status_code == 200, html(filed)[:3000]
    receipt = html(filed)
    escaped(receipt, "receipt (the file's name)")
    code, secret = (unescape(c) for c in
                    re.findall(r'<code class="receipt-code">([^<]+)</code>', receipt)[:2])
    (task,) = tasks.list_tasks(flow.rt, flow.people.legal_officer, "group")["tasks"]
    iid = task["instance_id"]
    for role, data in SCENARIOS[MARKUP_SCENARIOS["public"]][3]:
        flow.step(role, iid, data)
    escaped(html(flow.browsers["legal_officer"].get(f"/cases/{iid}")), "case page")
    tracker = Browser(app)
    tracker.get("/track")
    seen = tracker.post("/track", {"code": code, "secret": secret})
    assert seen.status_code == 200
    escaped(html(seen), "tracking page (the result message)")
    tracker.get("/track")
    wrong = tracker.post("/track", {"code": H.XSS, "secret": H.XSS})
    assert wrong.status_code == 404
    escaped(html(wrong), "tracking page (refused code)", shown=False)
    escaped(html(tracker.get("/track?code=" + H.XSS_SHORT)), "tracking page (code in URL)")
    assert len(flow.forms_seen) == 4  # the citizen's, screening, forwarding, the result


def forms_reached(rt: Runtime, people: People, scenario: str) -> set[str]:
    """The titles of the forms a case of ``scenario`` shows: its start form and each task's,
    worked through the service API (the same path the pages take with the same data)."""
    who, key, start_data, steps = SCENARIOS[scenario]
    actors = people.all()
    start_form = next(p["start_form"] for p in processes.list_processes(rt) if p["key"] == key)
    titles = {start_form.get("title", "")}
    iid = instances.start_instance(rt, actors[who], key, start_data)["id"]
    for role, data in steps:
        (task,) = instances.get_instance(rt, actors[role], iid)["tasks"]
        titles.add(tasks.get_task(rt, actors[role], task["id"])["form"].get("title", ""))
        tasks.complete_task(rt, actors[role], task["id"], data)
    return titles


def test_the_markup_tests_fill_every_form(sqlite_runtime, web_people):
    """Every form under processes/forms is reached by the scenarios the three tests above
    fill with the payload (so a form added later without a scenario that reaches it is
    noticed)."""
    filled = set().union(*(forms_reached(sqlite_runtime, web_people, scenario)
                           for scenario in MARKUP_SCENARIOS.values()))
    assert filled == ALL_FORMS, sorted(ALL_FORMS - filled)


# ================================================================ 4. JSON bodies


def _json_targets(world: World) -> dict[str, tuple[str, str | None]]:
    return {
        "start": ("/api/v1/processes/publishing/instances", "staff"),
        "complete": (f"/api/v1/tasks/{world.complaint_task}/complete", "legal_officer"),
        "migrate": (f"/api/v1/instances/{world.publishing_id}/migrate", "owner"),
        "public_complaint": ("/api/v1/public/complaints", None),
        "search": ("/api/v1/instances/search", "legal_officer"),
    }


JSON_ENDPOINTS = ("start", "complete", "migrate", "public_complaint", "search")


#: Every POST under /api/v1 and what it takes: a JSON body (attacked below), a file
#: (category 5) or nothing at all.
API_POSTS = {
    "api.start_instance": "start", "api.complete": "complete",
    "api.migrate_instance": "migrate", "api.file_complaint": "public_complaint",
    "api.add_evidence": "file", "api.claim": None, "api.unclaim": None,
    "api.acknowledge_escalation": None, "api.make_current": None,
    "api.search_instances": "search",
}


def test_every_api_post_is_attacked_here(world):
    """A new POST endpoint under /api/v1 (a BPMN upload, say) must join these tables."""
    posts = {rule.endpoint for rule in world.app.url_map.iter_rules()
             if rule.rule.startswith("/api/v1") and "POST" in (rule.methods or ())}
    assert posts == set(API_POSTS)
    assert {v for v in API_POSTS.values() if v not in (None, "file")} == set(JSON_ENDPOINTS)


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS)
def test_malformed_json_is_a_400_that_names_the_problem(world, endpoint):
    path, who = _json_targets(world)[endpoint]
    client = world.app.test_client()
    was = before(world.rt, world.root)
    for name, (body, content_type) in H.BAD_JSON_BODIES.items():
        response = client.post(path, data=body, content_type=content_type,
                               headers=world.api(who))
        said = api_error(response, 400, "JSON object")
        assert said["error"] == "invalid_data", (name, said)
    assert_unchanged(world.rt, world.root, was)


#: Half a surrogate pair is valid JSON (an escape) but not Unicode text: as a value, as a
#: key, and as raw bytes of a UTF-8-encoded surrogate (found by the 10,000-example fuzz run).
UNPAIRED_SURROGATES = {
    "escaped value": b'{"data": {"title": "\\ud800"}, "subject": "\\udfff"}',
    "escaped key": b'{"data": {"\\ud800": 1}, "\\ud800": 1}',
    "raw bytes": b'{"data": {"title": "\xed\xa0\x80"}, "subject": "\xed\xa0\x80"}',
}


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS)
def test_unpaired_surrogates_are_a_400_not_a_500(world, endpoint):
    path, who = _json_targets(world)[endpoint]
    client = world.app.test_client()
    was = before(world.rt, world.root)
    for name, body in UNPAIRED_SURROGATES.items():
        response = client.post(path, data=body, content_type="application/json",
                               headers=world.api(who))
        said = api_error(response, 400, "surrogate")
        assert said["error"] == "invalid_data", (name, said)
    assert_unchanged(world.rt, world.root, was)


WRONG_TYPES = {
    "start": [({"data": {**PUBLISHING_REQUEST, "replaces": "5"}}, "replaces"),
              ({"data": {**PUBLISHING_REQUEST, "no_personal_data_confirmed": "true"}},
               "no_personal_data_confirmed"),
              ({"data": [PUBLISHING_REQUEST]}, "data"),
              ({"data": "x"}, "data")],
    "complete": [({"data": {"screening_outcome": 1}}, "screening_outcome"),
                 ({"data": {"screening_outcome": ["accept"]}}, "screening_outcome"),
                 ({"data": 5}, "data")],
    "migrate": [({"to_version": "2"}, "to_version"), ({"to_version": 2.5}, "to_version"),
                ({"to_version": [2]}, "to_version")],
    "public_complaint": [({**{k: v for k, v in COMPLAINT.items()
                              if k not in ("channel", "received_at")},
                           "notice_acknowledged": "true"}, "notice_acknowledged"),
                         ({"subject": 5, "notice_acknowledged": True}, "subject")],
    "search": [({"q": ["ร้องเรียน"]}, "q"), ({"name": {"accused": "ใจดี"}}, "name"),
               ({"name": "ใจดีมาก", "name_fields": "accused, complainant"}, "name_fields"),
               ({"limit": "20"}, "limit"), ({"date_from": "2569-11-20"}, "date_from")],
}


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS)
def test_json_of_the_wrong_type_is_a_400_naming_the_field(world, endpoint):
    path, who = _json_targets(world)[endpoint]
    client = world.app.test_client()
    was = before(world.rt, world.root)
    for body, named in WRONG_TYPES[endpoint]:
        response = client.post(path, json=body, headers=world.api(who))
        said = api_error(response, 400)
        assert named in (said.get("fields") or {}) or named in said["message"], said
    assert_unchanged(world.rt, world.root, was)


@pytest.mark.parametrize("endpoint", [*JSON_ENDPOINTS, "evidence"])
def test_bodies_over_one_megabyte_are_413(world, endpoint):
    client = world.app.test_client()
    was = before(world.rt, world.root)
    if endpoint == "evidence":
        path, who = "/api/v1/public/complaints/GF69-AAAA-AAAA/attachments", None
        big = b"%PDF-" + b"0" * (attachments.MAX_BYTES + 128 * 1024)
        response = client.post(path, data={"secret": "x", "file": (io.BytesIO(big), "a.pdf")},
                               content_type="multipart/form-data")
    else:
        path, who = _json_targets(world)[endpoint]
        body = b'{"data": {"details": "' + b"a" * (MAX_REQUEST_BYTES + 10) + b'"}}'
        response = client.post(path, data=body, content_type="application/json",
                               headers=world.api(who))
    api_error(response, 413, "1 MB")
    assert_unchanged(world.rt, world.root, was)


# ================================================================ 5. attachments


def stored_names(rt: Runtime) -> list[tuple[str, str]]:
    with rt.db.read() as session:
        return [(r[0], r[1]) for r in session.execute(text(
            "SELECT filename, stored_name FROM attachment ORDER BY id"))]


def harmless(name: str) -> None:
    assert name and len(name) <= attachments.MAX_NAME, name
    assert not any(ch in name for ch in "/\\\x00\n\r"), repr(name)
    assert not name.startswith("."), name


def files_stay_inside(world_root: Path, rt: Runtime, was: set[str]) -> None:
    """New files only under <instance>/attachments, named by the random stored name."""
    new = file_tree(world_root) - was
    folder = attachments.storage_dir(rt).relative_to(world_root).as_posix()
    for path in new:
        assert path.startswith(folder + "/"), f"written outside the attachment folder: {path}"
        assert re.fullmatch(r"[0-9a-f]{32}", path.rsplit("/", 1)[-1]), path
    for p in world_root.rglob("*"):
        assert p.name not in ("passwd", "win.ini", "win.ini.pdf", "passwd.pdf"), p
    assert not Path("/etc/passwd.pdf").exists()


def test_traversal_file_names_stay_in_the_attachment_folder(world):
    rt, root = world.rt, world.root
    was_files = file_tree(root)
    was_rows = len(stored_names(rt))
    staff = world.browser("staff")
    outcomes = []
    for name in H.TRAVERSAL_NAMES:
        staff.get(f"/cases/{world.publishing_id}")
        sent = staff.post(f"/cases/{world.publishing_id}/attachments",
                          {"file": (io.BytesIO(H.PDF), name, "application/pdf")},
                          content_type="multipart/form-data")
        assert sent.status_code in (302, 400), (name, sent.status_code)
        no_traceback(html(sent))
        outcomes.append(sent.status_code)
    # Start-page files and the citizen's evidence, page and API.
    staff.get("/start/publishing")
    started = staff.post("/start/publishing", {
        **form_of(PUBLISHING_REQUEST),
        "files": [(io.BytesIO(H.PDF), n, "application/pdf") for n in H.TRAVERSAL_NAMES[:5]]},
        content_type="multipart/form-data")
    assert started.status_code == 302, html(started)[:2000]
    citizen = Browser(world.app)
    citizen.get("/complaint")
    web = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
    filed = citizen.post("/complaint", {
        **form_of(web), "notice_acknowledged": "on",
        "evidence": [(io.BytesIO(H.PDF), n, "application/pdf") for n in H.TRAVERSAL_NAMES[5:10]]},
        content_type="multipart/form-data", follow=True)
    assert filed.status_code == 200, html(filed)[:2000]
    client = world.app.test_client()
    receipt = client.post("/api/v1/public/complaints",
                          json={**web, "notice_acknowledged": True}).get_json()
    for name in H.TRAVERSAL_NAMES[10:]:
        sent = client.post(
            f"/api/v1/public/complaints/{receipt['tracking_code']}/attachments",
            data={"secret": receipt["secret"],
                  "file": (io.BytesIO(H.PDF), name, "application/pdf")},
            content_type="multipart/form-data")
        assert sent.status_code in (201, 400), (name, sent.status_code)
        if sent.status_code == 201:
            harmless(sent.get_json()["filename"])
    files_stay_inside(root, rt, was_files)
    rows = stored_names(rt)[was_rows:]
    assert len(rows) >= len(H.TRAVERSAL_NAMES) - 3  # a few may be refused, none escape
    for filename, stored in rows:
        harmless(filename)
        assert re.fullmatch(r"[0-9a-f]{32}", stored)
    # Downloads: always a download, never sniffed, the name harmless in the header.
    with rt.db.read() as session:
        ids = [r[0] for r in session.execute(text(
            "SELECT id FROM attachment WHERE instance_id = :i"), {"i": world.publishing_id})]
    assert ids
    for attachment_id in ids:
        got = staff.get(f"/attachments/{attachment_id}")
        assert got.status_code == 200
        disposition = got.headers["Content-Disposition"]
        assert disposition.startswith("attachment;"), disposition
        assert not any(ch in disposition for ch in "\n\r\x00")
        assert "../" not in disposition and "..\\" not in disposition
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in got.headers["Content-Security-Policy"]
        assert got.data == H.PDF


@pytest.mark.parametrize("channel", ["case_page", "start_page", "public_page", "public_api"])
def test_files_whose_content_lies_are_refused_naming_the_file(world, channel):
    rt, root = world.rt, world.root
    skip = ("audit_event",)
    was = before(rt, root, skip)
    web = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
    if channel == "public_api":
        receipt = world.app.test_client().post(
            "/api/v1/public/complaints", json={**web, "notice_acknowledged": True}).get_json()
        was = before(rt, root, skip)
    for name, kind, data, why in H.CONTENT_LIES:
        upload = (io.BytesIO(data), name, kind)
        if channel == "case_page":
            b = world.browser("staff")
            b.get(f"/cases/{world.publishing_id}")
            response = b.post(f"/cases/{world.publishing_id}/attachments", {"file": upload},
                              content_type="multipart/form-data")
        elif channel == "start_page":
            b = world.browser("staff")
            b.get("/start/publishing")
            response = b.post("/start/publishing", {
                **form_of(PUBLISHING_REQUEST),
                "files": [(io.BytesIO(H.PDF), "ดี.pdf", "application/pdf"), upload]},
                content_type="multipart/form-data")
        elif channel == "public_page":
            citizen = Browser(world.app)
            citizen.get("/complaint")
            response = citizen.post("/complaint", {**form_of(web), "notice_acknowledged": "on",
                                                   "evidence": [upload]},
                                    content_type="multipart/form-data")
        else:
            response = world.app.test_client().post(
                f"/api/v1/public/complaints/{receipt['tracking_code']}/attachments",
                data={"secret": receipt["secret"], "file": upload},
                content_type="multipart/form-data")
        assert response.status_code == 400, (why, response.status_code)
        body = unescape(response.get_data(as_text=True))
        if response.is_json:
            body = str(response.get_json())
        assert f"“{name}”" in body, (why, channel, body[:3000])
        assert "ดี.pdf”" not in body  # only the bad file is named
        no_traceback(body)
    assert_unchanged(rt, root, was, skip)


# ================================================================ 6. filters and sorting


def _get_all(client, path: str, params: tuple[str, ...], headers=None,
             ok: tuple[int, ...] = (200, 400)) -> dict[int, int]:
    """Each parameter with each odd value: 200 (a harmless answer) or 400, never 500."""
    path, _sep, fixed = path.partition("?")
    base = dict(pair.split("=", 1) for pair in fixed.split("&") if pair)
    seen: dict[int, int] = {}
    for param in params:
        for value in H.ODD_VALUES:
            response = client.get(path, query_string={**base, param: value},
                                  headers=headers or {})
            assert response.status_code in ok, (path, param, value[:40], response.status_code,
                                                response.get_data()[:300])
            body = response.get_data(as_text=True)
            no_traceback(body)
            assert "<script>" not in body
            if response.status_code == 400 and response.is_json:
                assert response.get_json()["message"]
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
    return seen


def _tables_intact(world: World, was: Before) -> None:
    assert_unchanged(world.rt, world.root, was, ("audit_event",))
    counts = row_counts(world.rt)
    assert counts["task"] >= 2 and counts["process_instance"] >= 2
    assert counts["user_account"] >= 9 and counts["publication"] >= 4


def test_odd_api_task_filters_are_400_or_empty(world):
    was = before(world.rt, world.root, ("audit_event",))
    client = world.app.test_client()
    headers = world.api("legal_officer")
    seen = _get_all(client, "/api/v1/tasks",
                    ("sort", "process", "overdue", "due_before", "limit", "offset", "view"),
                    headers)
    assert seen.get(400) and seen.get(200)
    # Named: the parameter and what it takes.
    api_error(client.get("/api/v1/tasks?sort=due;%20DROP%20TABLE%20task--", headers=headers),
              400, "sort")
    api_error(client.get("/api/v1/tasks?offset=99999999999999999999999999", headers=headers),
              400, "offset")
    api_error(client.get("/api/v1/tasks?limit=' OR 1=1--", headers=headers), 400, "limit")
    hit = client.get("/api/v1/tasks", query_string={"process": "' OR 1=1--", "view": "mine"},
                     headers=headers)
    assert hit.status_code == 200 and hit.get_json() == {"tasks": [], "total": 0}
    # Other API reads with parameters.
    _get_all(client, "/api/v1/escalations", ("status",), world.api("director"))
    _get_all(client, "/api/v1/privacy/reads",
             ("instance_id", "date_from", "date_to", "username", "limit", "offset"),
             world.api("director"))
    _get_all(client, "/api/v1/processes/complaint/diff", ("from", "to"), world.api("owner"),
             ok=(200, 400, 404))
    _get_all(client, "/api/v1/public/complaints/GF69-AAAA-AAAA", ("secret",), ok=(404,))
    _tables_intact(world, was)


def test_odd_page_filters_are_400_or_empty(world):
    was = before(world.rt, world.root, ("audit_event",))
    pages = [
        ("legal_officer", "/inbox", ("view", "process", "overdue", "due_before", "sort",
                                     "page")),
        ("director", "/inbox?view=all", ("process", "sort", "page")),
        ("director", "/escalations", ("status", "sort")),
        ("legal_officer", "/reports/complaints", ("fiscal_year", "half", "format")),
        ("web_admin", "/reports/publications", ("from", "to", "format")),
        ("director", "/privacy/reads", ("instance_id", "date_from", "date_to", "username",
                                        "page")),
        ("staff", "/publications", ("status", "category", "q", "page")),
    ]
    for role, path, params in pages:
        b = world.browser(role)
        _get_all(b.client, path, params)
    public = world.app.test_client()
    _get_all(public, "/public/1.1.1", ("q", "page"))
    for value in H.ODD_VALUES:
        response = public.get("/public/" + value.replace("/", "%2F")[:200])
        assert response.status_code in (404, 400), (value[:40], response.status_code)
        no_traceback(response.get_data(as_text=True))
    # A filter that cannot be understood says which and why.
    refused = world.browser("director").get("/privacy/reads?date_from=' OR 1=1--")
    assert refused.status_code == 400 and "วันที่ไม่ถูกต้อง" in html(refused)
    _tables_intact(world, was)


HUGE = "99999999999999999999999"
PAGE_IDS = [f"/attachments/{HUGE}", "/attachments/\u00b2", "/attachments/2147483648",
            f"/cases/{HUGE}", f"/cases/{HUGE}/diagram.svg", f"/cases/{HUGE}/request-form.pdf",
            f"/tasks/{HUGE}", f"/publications/{HUGE}", f"/public/items/{HUGE}",
            f"/public/files/{HUGE}", f"/owner/processes/complaint/versions/{HUGE}"]
API_IDS = [f"/api/v1/instances/{HUGE}", f"/api/v1/tasks/{HUGE}",
           f"/api/v1/processes/complaint/versions/{HUGE}/diagram.svg",
           f"/api/v1/processes/complaint/diff?from={HUGE}&to=1"]
API_POST_IDS = [f"/api/v1/escalations/{HUGE}/acknowledge", f"/api/v1/instances/{HUGE}/migrate",
                f"/api/v1/processes/complaint/versions/{HUGE}/make-current",
                f"/api/v1/tasks/{HUGE}/claim"]
PAGE_POST_IDS = [f"/escalations/{HUGE}/acknowledge", f"/publications/{HUGE}/withdraw",
                 f"/cases/{HUGE}/comments", f"/cases/{HUGE}/attachments",
                 f"/tasks/{HUGE}/claim"]


def test_ids_beyond_the_databases_integers_are_missing_not_errors(world):
    """A number too large for the database in a path is a 404 (or a 400 naming it)."""
    was = before(world.rt, world.root, ("audit_event",))
    director = world.browser("director")
    for path in PAGE_IDS:
        got = director.get(path)
        assert got.status_code == 404, (path, got.status_code)
        no_traceback(html(got))
    for path in PAGE_POST_IDS:
        director.get("/inbox")
        got = director.post(path, {"text": "x", "reason": "x"})
        assert got.status_code == 404, (path, got.status_code)
    client = world.app.test_client()
    for path in API_IDS:
        got = client.get(path, headers=world.api("owner"))
        assert got.status_code in (400, 404), (path, got.status_code)
        api_error(got, got.status_code)
    for path in API_POST_IDS:
        got = client.post(path, headers=world.api("owner"), json={})
        api_error(got, 404)
    _tables_intact(world, was)


@pytest.mark.parametrize(("q", "expected"), [
    ("%", {"percent"}),
    ("100%", {"percent"}),
    ("_", {"underscore"}),
    ("a_b", {"underscore"}),
    ("a%b", set()),
    ("\\", {"backslash"}),
    ("' OR 1=1--", set()),
    ("แผน", {"underscore", "plain"}),
])
def test_search_takes_like_wildcards_literally(world, q, expected):
    """Publications and the public category pages say they search for the text itself."""
    ids = {world.publications[k] for k in expected}
    staff = world.browser("staff")
    page = html(staff.get("/publications", query_string={"q": q}))
    listed = {int(n) for n in re.findall(r'href="/publications/(\d+)"', page)}
    assert listed == ids, (q, listed)
    public = world.app.test_client()
    page = html(public.get("/public/1.1.1", query_string={"q": q}))
    listed = {int(n) for n in re.findall(r'href="/public/items/(\d+)"', page)}
    assert listed == ids, (q, listed)

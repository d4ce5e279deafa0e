"""Confidentiality: no complainant's or accused person's identity outside Legal Affairs.

Signs in as every role of engine/core/roles.py (and as nobody), requests every GET route of
the app for every case, task, attachment and tracking code of one data set
(tests/web/confidentiality_data.py), and fails if a name, address, phone number, e-mail
address, position or unit of a complainant or an accused person appears in anything a
role other than legal_officer, legal_head or director receives; then checks the logs,
the outbox, notifications and audit tables, and that nothing is stored in plaintext.

Every URL parameter is filled from an explicit table (confidentiality_data.parameter_table):
a GET route with a parameter the table does not know fails the test, so a new page or
endpoint has to be added here on purpose.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from sqlalchemy import MetaData, select

from engine.core import clock
from engine.core.roles import ROLES
from tests.web.confidentiality_data import (
    ALL_SECRETS,
    FILED,
    PERSONAL,
    PRIVILEGED,
    TEST_SMTP_LOGGERS,
    Dataset,
    Secret,
    make_dataset,
    parameter_table,
    query_variants,
)
from tests.web_client import Browser

ANONYMOUS = "anonymous"
WHO = [*ROLES, ANONYMOUS]
UNPRIVILEGED = [who for who in WHO if who not in PRIVILEGED]
#: Loggers that must be heard at DEBUG, whatever the app or a library set.
LOUD = ("werkzeug", "flask", "flask.app", "webui", "engine", "govflow", "sqlalchemy",
        "sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.orm", "apscheduler", "spiff",
        "flask_limiter", "alembic")
#: Chatty at DEBUG (every SQL statement and row): heard by this module's handler only,
#: so pytest's own report of captured logs stays readable.
PRIVATE = ("sqlalchemy", "spiff")


# ---- finding secrets in anything -------------------------------------------------------

_U_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_X_ESCAPES = re.compile(r"(?:\\x[0-9a-fA-F]{2})+")
_DIGIT_GAP = re.compile(r"(?<=\d)[-\s.](?=\d)")
#: Zero-width characters (Thai text is broken into words with U+200B for line breaking,
#: e.g. in the PDF letters) and the soft hyphen.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")


def _unx(match: re.Match[str]) -> str:
    return bytes.fromhex(match.group().replace("\\x", "")).decode("utf-8", "replace")


def canonical(text: str) -> str:
    """Undo the encodings a secret may hide behind: HTML entities, %-encoding, JSON's
    \\uXXXX and Python's b'\\xNN' escapes; lower-cased for the ASCII secrets."""
    text = unescape(text)
    if "%" in text or "+" in text:
        text = unquote_plus(text)
    text = _U_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = _X_ESCAPES.sub(_unx, text)
    return _INVISIBLE.sub("", text).lower()


def haystacks(data: bytes) -> list[str]:
    """Texts to search in a body: as UTF-8 and as Latin-1, plus the text of a PDF and the
    members of a zip (xlsx, docx)."""
    found = [canonical(data.decode("utf-8", "replace")), data.decode("latin-1")]
    if data.startswith(b"%PDF-"):
        found.append(canonical(_pdf_text(data)))
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    found.extend(haystacks(archive.read(name)))
        except zipfile.BadZipFile:
            pass
    return found


def _pdf_text(data: bytes) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:  # the bytes are searched all the same
        return ""
    try:
        reader = PdfReader(io.BytesIO(data))
        parts = [page.extract_text() or "" for page in reader.pages]
        parts.append(repr(dict(reader.metadata or {})))
        return "\n".join(parts)
    except Exception as exc:  # noqa: BLE001 - a PDF pypdf cannot read is searched as bytes
        return f"(pypdf: {type(exc).__name__})"


def secrets_in(texts: Iterable[str], secrets: Iterable[Secret] = ALL_SECRETS) -> list[Secret]:
    """The secrets found in ``texts`` (from :func:`haystacks` or :func:`canonical`): as
    they are, as UTF-8 read as Latin-1, and ignoring white space (a name broken over two
    lines of a letter; a phone number written 081-234-5678)."""
    texts = list(texts)
    squeezed = [_SPACE.sub("", _DIGIT_GAP.sub("", t)) for t in texts]
    found = []
    for secret in secrets:
        needle = secret.value.lower()
        latin = secret.value.encode("utf-8").decode("latin-1")
        bare = _SPACE.sub("", needle)
        if any(needle in t or latin in t for t in texts) or any(bare in t for t in squeezed):
            found.append(secret)
    return found


def describe(secrets: Iterable[Secret]) -> str:
    return "; ".join(f"{s.field} of case '{s.case}' ({s.value!r})" for s in secrets)


# ---- logs ------------------------------------------------------------------------------

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class LogCapture(logging.Handler):
    """Every record at DEBUG, formatted with its traceback and any 'extra' fields (a JSON
    log formatter in production would print those)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[tuple[str, str]] = []
        #: Logger name -> (logger, level, propagate, disabled) before this capture.
        self.saved: dict[str, tuple[logging.Logger, int, bool, bool]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(TEST_SMTP_LOGGERS):
            return  # the test's own mail server, standing in for the office's
        try:
            text = self.format(record)
        except Exception:  # noqa: BLE001 - a bad format string must not hide the arguments
            text = f"{record.name} {record.msg!r} {record.args!r}"
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if extras:
            text += f" extra={extras!r}"
        self.lines.append((record.name, text))


def hear_everything(handler: LogCapture) -> None:
    """Root at DEBUG with ``handler``; every logger that would not reach the root (no
    propagation, disabled, or a level above DEBUG) is made to reach ``handler``. Safe to
    call again for loggers created since; :func:`release` restores them all."""
    root = logging.getLogger()
    names = set(LOUD) | {n for n, lg in logging.root.manager.loggerDict.items()
                         if isinstance(lg, logging.Logger)}
    for logger in [root, *(logging.getLogger(n) for n in sorted(names))]:
        if logger.name in handler.saved:
            continue
        handler.saved[logger.name] = (logger, logger.level, logger.propagate, logger.disabled)
        logger.disabled = False
        if logger is root or logger.level > logging.DEBUG or logger.name in LOUD:
            logger.setLevel(logging.DEBUG)
        if logger is root:
            logger.addHandler(handler)
        elif logger.name in PRIVATE:
            logger.propagate = False
            logger.addHandler(handler)
        elif not logger.propagate:
            logger.addHandler(handler)


def release(handler: LogCapture) -> None:
    for logger, level, propagate, disabled in handler.saved.values():
        logger.setLevel(level)
        logger.propagate, logger.disabled = propagate, disabled
        if handler in logger.handlers:
            logger.removeHandler(handler)
    handler.saved.clear()


# ---- the data set and the sweep --------------------------------------------------------


#: One xdist worker runs the whole module, so the sweep (built once per module and
#: worker, about a minute) is built once in a run, not once in each worker.
pytestmark = pytest.mark.xdist_group("confidentiality")


@pytest.fixture(scope="module")
def logs() -> Iterator[LogCapture]:
    """Installed before the data set is built, removed after the last test of the module."""
    handler = LogCapture()
    hear_everything(handler)
    yield handler
    release(handler)


@pytest.fixture(scope="module")
def data(logs: LogCapture, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dataset]:
    instance = tmp_path_factory.mktemp("confidentiality") / "instance"
    with clock.frozen(FILED):
        ds = make_dataset(instance)
        hear_everything(logs)  # loggers created while building are heard too
        yield ds
    ds.rt.close()


@dataclass
class Seen:
    """One response, reduced to what the assertions need."""

    who: str
    via: str  # "session", "token" or "none"
    url: str
    endpoint: str
    status: int
    content_type: str
    secrets: list[Secret]


@dataclass
class Sweep:
    seen: list[Seen] = field(default_factory=list)
    #: (endpoint, rule, parameter) for GET routes whose parameter the table does not know.
    unknown: list[tuple[str, str, str]] = field(default_factory=list)
    requested_endpoints: set[str] = field(default_factory=set)
    get_endpoints: set[str] = field(default_factory=set)

    def by(self, who: str) -> list[Seen]:
        return [s for s in self.seen if s.who == who]


def _observe(sweep: Sweep, who: str, via: str, url: str, endpoint: str, response) -> Seen:
    body = response.get_data()
    headers = canonical(str(response.headers))
    texts = [*haystacks(body), headers]
    seen = Seen(who, via, url, endpoint, response.status_code, response.content_type or "",
                secrets_in(texts))
    sweep.seen.append(seen)
    return seen


def _urls(ds: Dataset, sweep: Sweep) -> list[tuple[str, str, dict[str, str]]]:
    """(endpoint, path, query) for every GET route and every known parameter value."""
    table = parameter_table(ds)
    assert all(table.values()), {k: v for k, v in table.items() if not v}
    adapter = ds.app.url_map.bind("localhost")
    found = []
    for rule in sorted(ds.app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        sweep.get_endpoints.add(rule.endpoint)
        missing = sorted(a for a in rule.arguments if a not in table)
        if missing:
            sweep.unknown.extend((rule.endpoint, rule.rule, name) for name in missing)
            continue
        combos: list[dict[str, str]] = [{}]
        for name in sorted(rule.arguments):
            combos = [{**c, name: value} for c in combos for value in table[name]]
        for params in combos:
            try:
                path = adapter.build(rule.endpoint, params, method="GET")
            except Exception:  # noqa: BLE001 - a value this rule's converter refuses
                continue
            for query in query_variants(ds, rule.endpoint, params):
                found.append((rule.endpoint, path, query))
    return found


@pytest.fixture(scope="module")
def sweep(data: Dataset) -> Sweep:
    """Every role, and nobody, requests every URL: pages with the web session, API routes
    with the session and with the role's API token."""
    result = Sweep()
    urls = _urls(data, result)
    for who in WHO:
        browser = Browser(data.app)
        if who != ANONYMOUS:
            browser.signin(data.users[who].username, data.passwords[who])
        token = data.tokens.get(who)
        for endpoint, path, query in urls:
            result.requested_endpoints.add(endpoint)
            shown = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
            response = browser.client.get(path, query_string=query)
            _observe(result, who, "session" if who != ANONYMOUS else "none", shown, endpoint,
                     response)
            if path.startswith("/api/") and token:
                response = browser.client.get(path, query_string=query,
                                              headers={"Authorization": f"Bearer {token}"})
                _observe(result, who, "token", shown, endpoint, response)
    return result


# ---- the tests -------------------------------------------------------------------------


def test_every_get_route_is_in_the_parameter_table(sweep: Sweep) -> None:
    assert not sweep.unknown, (
        "GET routes with URL parameters the confidentiality test does not know how to fill "
        "(add them to parameter_table in tests/web/confidentiality_data.py): "
        + "; ".join(f"{endpoint} {rule} <{name}>" for endpoint, rule, name in sweep.unknown))
    assert sweep.get_endpoints <= sweep.requested_endpoints, \
        sorted(sweep.get_endpoints - sweep.requested_endpoints)


def test_every_page_answers_so_it_can_be_checked(sweep: Sweep) -> None:
    """A page that fails with a server error shows nothing, so proves nothing."""
    failed = sorted({f"{s.who}: GET {s.url} -> {s.status}" for s in sweep.seen
                     if s.status >= 500})
    assert not failed, "pages that fail cannot be checked for leaks:\n  " + "\n  ".join(failed)


@pytest.mark.parametrize("who", UNPRIVILEGED)
def test_no_identity_reaches_other_roles(sweep: Sweep, data: Dataset, who: str) -> None:
    seen = sweep.by(who)
    assert seen, f"nothing was requested as {who}"
    if who != ANONYMOUS:
        # The sweep ran signed in: otherwise it proves nothing.
        inbox = [s for s in seen if s.endpoint == "inbox.inbox" and s.url == "/inbox"]
        assert inbox and inbox[0].status == 200, f"{who} is not signed in"
        token_ok = [s for s in seen if s.via == "token" and s.url == "/api/v1/tasks"]
        assert token_ok and token_ok[0].status == 200, f"{who}'s API token was refused"
    leaks = [s for s in seen if s.secrets]
    assert not leaks, f"personal data of complaints reached role '{who}':\n" + "\n".join(
        f"  GET {s.url} [{s.via}] -> {s.status} {s.content_type}: {describe(s.secrets)}"
        for s in leaks)


@pytest.mark.parametrize("who", sorted(PRIVILEGED))
def test_legal_affairs_and_the_director_do_see_identities(
        sweep: Sweep, data: Dataset, who: str) -> None:
    """The check above can fail: the privileged roles' case pages do show the names."""
    seen = sweep.by(who)
    for label, iid in data.complaint_cases.items():
        (page,) = [s for s in seen if s.url == f"/cases/{iid}"]
        assert page.status == 200, (who, label, page.status)
        shown = {s.field for s in page.secrets if s.case == label}
        assert "complainant_name" in shown, f"{who} cannot read the complainant of {label}"
        (api,) = [s for s in seen if s.url == f"/api/v1/instances/{iid}" and s.via == "token"]
        assert api.status == 200 and "complainant_email" in {s.field for s in api.secrets}
    # The evidence that names the accused is served to Legal Affairs, and found in its bytes.
    url = f"/attachments/{data.files['evidence_naming_accused']}"
    (download,) = [s for s in seen if s.url == url]
    assert download.status == 200
    assert {"accused_name", "complainant_email"} <= {s.field for s in download.secrets}
    # Files govflow made itself (letters to the accused and the complainant, as PDF with
    # Thai text): their names are found too, so the same files would be caught elsewhere.
    made = [s for s in seen if s.endpoint == "cases.download_attachment"
            and s.url.rsplit("/", 1)[1] not in {str(i) for i in data.files.values()}
            and s.status == 200]
    assert made, "the data set's letters were not drawn or not served to Legal Affairs"
    assert any(s.secrets for s in made), [s.url for s in made]


def test_public_tracking_and_receipts_show_no_identity(sweep: Sweep, data: Dataset) -> None:
    citizen = Browser(data.app)
    for label, (code, secret) in data.tracking.items():
        citizen.get("/track")
        page = citizen.post("/track", {"code": code, "secret": secret})
        assert page.status_code == 200, (label, page.status_code)
        api = citizen.client.get(f"/api/v1/public/complaints/{code}",
                                 query_string={"secret": secret})
        assert api.status_code == 200, (label, api.status_code)
        for what, response in (("POST /track", page), ("GET track API", api)):
            found = secrets_in([*haystacks(response.get_data()),
                                canonical(str(response.headers))])
            assert not found, f"{what} for case '{label}' shows {describe(found)}"
    for what, response in data.public_responses:
        found = secrets_in([*haystacks(response.get_data()), canonical(str(response.headers))])
        assert not found, f"{what} answered the public with {describe(found)}"
    tracked = [s for s in sweep.by(ANONYMOUS) if s.endpoint == "api.track_complaint"
               and "secret=" in s.url]
    assert tracked and all(s.status == 200 for s in tracked)


def test_no_identity_in_any_log_record(sweep: Sweep, logs: LogCapture) -> None:
    assert logs.lines, "no log record was captured at all: the handler is not installed"
    assert any(name.startswith("sqlalchemy") for name, _ in logs.lines)
    # All at once first (fast); line by line only to name the records that leak.
    found = secrets_in([canonical("\n".join(line for _name, line in logs.lines))])
    leaks = []
    for name, line in logs.lines if found else ():
        in_line = secrets_in([canonical(line)], found)
        if in_line:
            leaks.append(f"  logger {name}: {describe(in_line)}: {line[:300]!r}")
    assert not found, f"{len(leaks)} log records carry personal data ({describe(found)}):\n" \
        + "\n".join(leaks[:20])


def _rows(data: Dataset, table_name: str) -> list[dict]:
    metadata = MetaData()
    metadata.reflect(bind=data.rt.db.engine, only=[table_name])
    with data.rt.db.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(metadata.tables[table_name]))]


def _cell_texts(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bytes | bytearray | memoryview):
        return haystacks(bytes(value))
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return [canonical(str(value))]


def _complainant_addresses() -> set[str]:
    return {p["complainant_email"].lower() for p in PERSONAL.values()}


def test_no_identity_in_outbox_notifications_or_audit(sweep: Sweep, data: Dataset) -> None:
    """The one exception allowed: a complainant's own e-mail address in the recipient column
    of a message addressed to that complainant. (Today such messages are sealed: recipient
    and body are encrypted in outbox_message.sealed, so the exception is not even used.)"""
    outbox = _rows(data, "outbox_message")
    assert outbox, "the escalations queued no e-mail: the data set is not what it should be"
    assert _rows(data, "notification"), "the escalations made no in-app notification"
    leaks = []
    for table in ("outbox_message", "notification", "audit_event"):
        for row in _rows(data, table):
            for column, value in row.items():
                if (table, column) == ("outbox_message", "recipient") and \
                        str(value).lower() in _complainant_addresses():
                    continue  # the complainant's own address, on a message to them
                found = secrets_in(_cell_texts(value))
                if found:
                    leaks.append(f"  {table}.{column} (id {row.get('id')}): {describe(found)}")
    assert not leaks, "personal data in mail, notifications or the audit log:\n" + \
        "\n".join(leaks)


def _mail_text(message) -> str:
    from email.header import decode_header, make_header

    parts = [f"{key}: {make_header(decode_header(str(value)))}" for key, value in message.items()]
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if payload:
            parts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(parts)


def test_delivered_mail_names_no_one_but_a_complainant_to_themself(
        sweep: Sweep, data: Dataset) -> None:
    """Mail to staff names no one. A message to a complainant goes to that complainant
    alone, is about their own case, and may carry their own name and address (it is
    addressed to them), never the accused's or anyone else's."""
    complainant = {p["complainant_email"].lower(): label for label, p in PERSONAL.items()}
    assert data.mail, "nothing was delivered"
    problems = []
    for recipients, message in data.mail:
        text = _mail_text(message)
        theirs = {complainant[r.lower()] for r in recipients if r.lower() in complainant}
        if theirs:
            (label,) = theirs
            if len(recipients) != 1:
                problems.append(f"  a complainant's mail also went to {recipients}")
            if f"เลขที่ {data.cases[label]}" not in str(message["Subject"] or "") + text:
                problems.append(f"  mail to the complainant of '{label}' is not about their case")
        found = [s for s in secrets_in([canonical(text)])
                 if not (s.case in theirs and s.field.startswith("complainant_"))]
        if found:
            problems.append(f"  mail to {recipients}: {describe(found)}")
    assert not problems, "delivered e-mail carries personal data:\n" + "\n".join(problems)
    assert any(set(r) & set(complainant) for r, _m in data.mail), \
        "no result e-mail reached a complainant (the forwarded case gave an address)"


def test_personal_data_is_encrypted_in_every_database_column(sweep: Sweep, data: Dataset) -> None:
    metadata = MetaData()
    metadata.reflect(bind=data.rt.db.engine)
    assert {"process_instance", "attachment", "outbox_message"} <= set(metadata.tables)
    leaks = []
    with data.rt.db.engine.connect() as conn:
        for name, table in sorted(metadata.tables.items()):
            for row in conn.execute(select(table)):
                for column, value in row._mapping.items():
                    if (name, column) == ("outbox_message", "recipient") and \
                            str(value).lower() in _complainant_addresses():
                        continue  # see test_no_identity_in_outbox_notifications_or_audit
                    found = secrets_in(_cell_texts(value))
                    if found:
                        leaks.append(f"  {name}.{column}: {describe(found)}")
    assert not leaks, "personal data stored in plaintext in the database:\n" + "\n".join(leaks)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_no_plaintext_identity_in_files_under_the_instance_folder(
        sweep: Sweep, data: Dataset) -> None:
    """The database file itself (and its WAL), keys, anything else but attachments."""
    instance = data.rt.settings.instance_dir
    attachments = instance / "attachments"
    files = [p for p in _files(instance) if attachments not in p.parents]
    assert any(p.name.endswith(".db") for p in files), files
    leaks = [f"  {p.relative_to(instance)}: {describe(found)}" for p in files
             if (found := secrets_in(haystacks(p.read_bytes())))]
    assert not leaks, "personal data in plaintext in files under instance/:\n" + \
        "\n".join(leaks)


def test_complaint_attachments_are_encrypted_at_rest(sweep: Sweep, data: Dataset) -> None:
    """Evidence files may name people: their bytes must not be readable on disk."""
    folder = data.rt.settings.instance_dir / "attachments"
    files = _files(folder)
    assert len(files) >= len(data.files), files
    leaks = [f"  attachments/{p.name}: {describe(found)}" for p in files
             if (found := secrets_in(haystacks(p.read_bytes())))]
    assert not leaks, (
        "complaint attachments are stored UNENCRYPTED under instance/attachments/: evidence "
        "or letters whose content names the accused or the complainant are readable on disk "
        "(engine/services/inbox/attachments.py store_attachment must encrypt the files of cases "
        "that hold personal data):\n" + "\n".join(leaks))

"""``govflow``: the command line for administrators and process owners.

Every command goes through the engine's services, the same ones the web layer calls.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import click

from engine.bpmn.definitions import DeployReport, check_file
from engine.core.config import Settings
from engine.core.errors import ConfigurationError, GovflowError
from engine.core.roles import ROLES


def _runtime(*, office: bool = False):
    """The runtime; ``office``: also check the office file now (commands that serve pages,
    fire timers or print documents), so a broken one is a clear start-up error."""
    from engine.workflow.runtime import Runtime

    try:
        runtime = Runtime(Settings.from_env())
        if office:
            runtime.office  # noqa: B018 — read now, not at the first letter
        return runtime
    except ConfigurationError as exc:
        raise click.ClickException(exc.message) from exc


def _configure_logs() -> None:
    """JSON log lines on stderr for the long-running commands (GOVFLOW_LOG_LEVEL/FORMAT)."""
    from engine.core import logs

    try:
        logs.configure()
    except ConfigurationError as exc:
        raise click.ClickException(exc.message) from exc


def _print_report(report: DeployReport, lang: str) -> None:
    for key, version in report.deployed:
        click.echo(f"ติดตั้ง / deployed: {key} ฉบับที่ / version {version}")
    for key, version in report.unchanged:
        click.echo(f"ไม่เปลี่ยนแปลง / unchanged: {key} ฉบับที่ / version {version}")
    for problem in report.problems:
        click.echo(problem.format(lang), err=True)


@click.group(help="govflow: BPMN workflows of a Thai educational service area office (สพป.).")
def main() -> None:
    pass


@main.command(help="Create or upgrade the database schema, then deploy processes/.")
@click.option("--lang", type=click.Choice(["th", "en"]), default="th", show_default=True)
def init(lang: str) -> None:
    from engine.core.schema import upgrade
    from engine.services.admin.processes import deploy as deploy_processes
    from engine.services.inbox.attachments import seal_file_names

    runtime = _runtime()
    upgrade(runtime.db)
    click.echo(f"ฐานข้อมูลพร้อม / database ready: {_safe_url(runtime.db.url)}")
    if sealed := seal_file_names(runtime):
        click.echo(f"ปิดชื่อไฟล์เรื่องร้องเรียนเดิม {sealed} ไฟล์ / sealed the names of {sealed} "
                   "complaint files kept before")
    report = deploy_processes(runtime, "init")
    _print_report(report, lang)
    sys.exit(0 if report.ok else 1)


@main.command(help="Deploy every BPMN file under processes/; a new version only when content "
              "changed. A file that fails keeps its last good version live.")
@click.option("--lang", type=click.Choice(["th", "en"]), default="th", show_default=True)
def deploy(lang: str) -> None:
    from engine.services.admin.processes import deploy as deploy_processes

    report = deploy_processes(_runtime(), "cli")
    _print_report(report, lang)
    sys.exit(0 if report.ok else 1)


@main.command(help="Check BPMN files without deploying them: XML, the BPMN 2.0 XSD, "
              "SpiffWorkflow's parser and govflow's own lint. Prints one line per problem as "
              "file:line: message [element id]; exits 1 if there is any error (warnings, "
              "e.g. long gateway loops, are printed but pass unless --strict).")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["th", "en"]), default="th", show_default=True)
@click.option("--strict", is_flag=True, help="exit 1 on warnings too")
def validate(files: tuple[Path, ...], lang: str, strict: bool) -> None:
    settings = Settings.from_env()
    problems = 0
    for path in files:
        if not path.is_file():
            click.echo(f"{path}: ไม่พบไฟล์ / file not found", err=True)
            problems += 1
            continue
        # Forms and processes.toml live beside the BPMN file when it has them.
        beside = (path.parent / "processes.toml").is_file()
        folder = path.parent if beside else settings.processes_dir
        try:
            checked = check_file(path, folder)
        except OSError as exc:
            click.echo(f"{path}: อ่านไฟล์ไม่ได้ / cannot read: {exc.strerror}", err=True)
            problems += 1
            continue
        for problem in checked.problems:
            warning = problem.severity == "warning"
            click.echo(("warning: " if warning else "") + problem.format(lang))
            problems += 1 if (strict or not warning) else 0
        if checked.ok:
            click.echo(f"{path.name}: ผ่าน / ok", err=True)
    sys.exit(1 if problems else 0)


@main.group(help="Manage users.")
def user() -> None:
    pass


@user.command("add", help="Add a user. Roles: " + ", ".join(ROLES))
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(list(ROLES)))
@click.option("--unit", required=True,
              help="the unit's code (e.g. PLAN) or its exact name (e.g. กลุ่มนโยบายและแผน); "
              "a new code (at most 50 characters) creates the unit")
@click.option("--display-name", default=None)
@click.option("--email", default=None,
              help="one e-mail address, for deadline reminders and escalations")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def user_add(name: str, roles: tuple[str, ...], unit: str, display_name: str | None,
             email: str | None, password_stdin: bool) -> None:
    from engine.services.admin.users import add_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        add_user(_runtime(), name, list(roles), unit, password=password,
                 display_name=display_name, email=email)
    except GovflowError as exc:
        raise click.ClickException(_with_fields(exc)) from exc
    click.echo(f"เพิ่มผู้ใช้แล้ว / added user {name} ({', '.join(roles)}) in unit {unit}")


class _TokenGroup(click.Group):
    """``govflow user token`` with subcommands, where the older ``govflow user token NAME``
    still works: a first argument that is no subcommand means ``new NAME`` with an
    automatic token name ("api", "api-2"…)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["new-unnamed", *args]
        return super().parse_args(ctx, args)


@user.group("token", cls=_TokenGroup, help=(
    "API tokens: several per user, one per system that calls the API, each with a name. "
    "`token new NAME --name LABEL` prints a new token (shown once; stored hashed); "
    "`token list NAME`; `token revoke NAME --id ID` or `--all`. The older `token NAME` "
    "still prints a new token, named automatically (api, api-2, …)."))
def user_token() -> None:
    pass


def _issue(name: str, label: str | None) -> None:
    from engine.services.admin.users import issue_token

    try:
        click.echo(issue_token(_runtime(), name, label))
    except GovflowError as exc:
        raise click.ClickException(_with_fields(exc)) from exc


@user_token.command("new", help="Print a new API token for user NAME, called LABEL (e.g. "
                    "the system that will use it); the user's other tokens stay valid.")
@click.argument("name")
@click.option("--name", "label", required=True,
              help="the token's name, unique among the user's live tokens (at most 100)")
def token_new(name: str, label: str) -> None:
    _issue(name, label)


@user_token.command("new-unnamed", hidden=True)
@click.argument("name")
def token_new_unnamed(name: str) -> None:
    _issue(name, None)


@user_token.command("list", help="List user NAME's live API tokens: id, name, created, "
                    "last used (Bangkok time, Buddhist Era).")
@click.argument("name")
def token_list(name: str) -> None:
    from engine.services.admin.tokens import list_tokens

    try:
        found = list_tokens(_runtime(), name)
    except GovflowError as exc:
        raise click.ClickException(exc.message) from exc
    if not found:
        click.echo(f"{name} ไม่มีโทเคนที่ใช้งานอยู่ / {name} has no live token")
    for token in found:
        click.echo(f"  {token['id']:>6}  {token['name']}  สร้าง / created "
                   f"{_when(token['created_at'])}  ใช้ล่าสุด / last used "
                   f"{_when(token['last_used_at'])}")


def _when(iso_value: str | None) -> str:
    from datetime import datetime

    from engine.thai.dates import format_thai_datetime

    if not iso_value:
        return "ยังไม่เคย / never"
    return format_thai_datetime(datetime.fromisoformat(iso_value))


@user_token.command("revoke", help="Revoke one of user NAME's API tokens (--id, from "
                    "`token list`) or all of them (--all).")
@click.argument("name")
@click.option("--id", "token_id", type=click.IntRange(1, 2**62), default=None)
@click.option("--all", "every", is_flag=True)
def token_revoke(name: str, token_id: int | None, every: bool) -> None:
    from engine.services.admin.tokens import revoke

    if (token_id is None) == (not every):
        raise click.UsageError("ระบุ --id ID หรือ --all อย่างใดอย่างหนึ่ง / give either --id ID "
                               "or --all")
    try:
        count = revoke(_runtime(), name, token_id=token_id)
    except GovflowError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"ยกเลิกโทเคนแล้ว / revoked: {count}")


@main.command(help="Create one demo user per role and print their logins and API tokens.")
def demo() -> None:
    from engine.services.admin.users import seed_demo

    logins = seed_demo(_runtime())
    click.echo("ผู้ใช้สาธิต / demo users (passwords and tokens change every run):")
    click.echo(f"  {'user':<14} {'password':<14} {'role':<14} {'unit':<6} API token")
    for login in logins:
        click.echo(f"  {login.username:<14} {login.password:<14} {','.join(login.roles):<14} "
                   f"{login.unit:<6} token: {login.token}")


@main.command(help="Print a new key for GOVFLOW_DATA_KEY (encrypts personal data).")
def keygen() -> None:
    from cryptography.fernet import Fernet

    click.echo(Fernet.generate_key().decode())


@main.command(help="Serve the web app and API (waitress), with the scheduler beside it unless "
              "--no-scheduler. A request body over 51 MB (the largest upload: five 10 MB "
              "files and the form) is refused before it is read. Production runs the app "
              "under gunicorn "
              "(gunicorn -w 4 'webui.wsgi:app') and the scheduler as `govflow scheduler`.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--scheduler/--no-scheduler", default=True, show_default=True,
              help="fire deadlines and send e-mail from this process")
def serve(host: str, port: int, threads: int, scheduler: bool) -> None:
    import waitress

    from engine.jobs.scheduler import make_scheduler
    from webui import create_app
    from webui.body_limit import LARGEST_BODY_BYTES

    _configure_logs()
    runtime = _runtime(office=True)
    try:
        app = create_app(runtime=runtime)
    except ConfigurationError as exc:  # a rate limit or proxy setting: say which, no traceback
        raise click.ClickException(exc.message) from exc
    background = make_scheduler(runtime, background=True) if scheduler else None
    if background is not None:
        background.start()
    click.echo(f"govflow: http://{host}:{port}/  (Ctrl+C เพื่อหยุด / to stop)")
    try:
        # waitress itself refuses a larger body by its Content-Length, before reading it
        # (it refuses a body of exactly max_request_body_size bytes too: hence the + 1).
        waitress.serve(app, host=host, port=port, threads=threads, ident="govflow",
                       max_request_body_size=LARGEST_BODY_BYTES + 1)
    finally:
        if background is not None:
            background.shutdown(wait=False)


@main.command(help="Run the scheduler alone: fires due BPMN timers (deadlines, reminders, "
              "escalations) within seconds, draws queued letters, hands over the six-monthly "
              "report, records its heartbeat and sends the e-mail outbox. Several may run "
              "against one PostgreSQL database; each timer fires once.")
@click.option("--interval", default=1.0, show_default=True, type=float,
              help="seconds between passes")
def scheduler(interval: float) -> None:
    from engine.jobs.scheduler import make_scheduler

    _configure_logs()
    click.echo("govflow scheduler: ทำงาน / running (Ctrl+C เพื่อหยุด / to stop)")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        make_scheduler(_runtime(office=True), background=False, interval=interval).start()


@main.command(help="Run one scheduler pass and exit (for cron-style deployments).")
def tick() -> None:
    from engine.jobs.scheduler import tick as one_pass

    _configure_logs()
    report = one_pass(_runtime(office=True))
    click.echo(f"fired {report.fired} timer(s), skipped {report.skipped}, "
               f"errors {len(report.errors)}; mail sent {report.mail_sent}, "
               f"failed {report.mail_failed}")
    sys.exit(1 if report.errors else 0)


@main.group(help="The working-day calendar: Thai public and government holidays, plus days "
            "administrators add or remove.")
def holidays() -> None:
    pass


@holidays.command("list", help="List days off in a Buddhist-Era FISCAL year (1 Oct – 30 Sep; "
                  "e.g. --year 2570 is 1 Oct 2569 to 30 Sep 2570), with Thai names.")
@click.option("--year", type=int, default=None,
              help="Buddhist-Era fiscal year; default: the current one")
def holidays_list(year: int | None) -> None:
    from engine.core.actors import today_in_bangkok
    from engine.services.admin.holidays import fiscal_year_range, list_holidays
    from engine.thai.dates import fiscal_year_be, format_thai_date

    year = year or fiscal_year_be(today_in_bangkok())
    if not 2400 <= year <= 2700:
        raise click.BadParameter("ใช้ปี พ.ศ. เช่น 2570 / use a Buddhist-Era year such as 2570",
                                 param_hint="--year")
    start, end = fiscal_year_range(year)
    click.echo(f"ปีงบประมาณ พ.ศ. {year} ({format_thai_date(start)} – {format_thai_date(end)})")
    labels = {"package": "", "added": " [เพิ่มโดยผู้ดูแล]", "removed": " [ถอนออก: เป็นวันทำการ]"}
    for day in list_holidays(_runtime(), start, end):
        when = format_thai_date(date.fromisoformat(day["day"]), "full")
        ref = f" ({day['reference']})" if day["reference"] else ""
        click.echo(f"  {when}  {day['name']}{labels[day['source']]}{ref}")


def _holiday_change(kind: str, day: str, reason: str, ref: str) -> None:
    from engine.services.admin import holidays as service

    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter("ใช้วันที่แบบ ค.ศ. YYYY-MM-DD เช่น 2027-05-10 / use a Gregorian "
                                 "ISO date such as 2027-05-10", param_hint="DATE") from None
    change = service.add_holiday if kind == "add" else service.remove_holiday
    try:
        result = change(_runtime(), None, when, reason, ref)
    except GovflowError as exc:
        raise click.ClickException(_with_fields(exc)) from exc
    click.echo(f"{result['action']}: {result['day']}; คำนวณกำหนดเวลาใหม่ / deadlines "
               f"recomputed: {result['recomputed']}")


@holidays.command("add", help="Make DATE (Gregorian YYYY-MM-DD) a day off, with a reason.")
@click.argument("day", metavar="DATE")
@click.argument("reason")
@click.option("--ref", default="", help="reference, e.g. the cabinet resolution")
def holidays_add(day: str, reason: str, ref: str) -> None:
    _holiday_change("add", day, reason, ref)


@holidays.command("remove", help="Make DATE (Gregorian YYYY-MM-DD) a working day, with a "
                  "reason (or undo an earlier `holidays add`).")
@click.argument("day", metavar="DATE")
@click.argument("reason")
@click.option("--ref", default="", help="reference, e.g. the cabinet resolution")
def holidays_remove(day: str, reason: str, ref: str) -> None:
    _holiday_change("remove", day, reason, ref)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _with_fields(exc: GovflowError) -> str:
    fields = getattr(exc, "fields", {}) or {}
    return exc.message + "".join(f"\n  {k}: {v}" for k, v in fields.items())


@main.command(help="List the deployed versions of a process, with running/finished cases.")
@click.argument("key")
def versions(key: str) -> None:
    from engine.services.admin import versions as service

    try:
        rows = service.list_versions(_runtime(), key)
    except GovflowError as exc:
        raise click.ClickException(exc.message) from exc
    for row in rows:
        mark = "*" if row["is_current"] else " "
        click.echo(f"{mark} {row['version']:>3}  {row['version_hash'][:12]}  "
                   f"{row['deployed_at']}  {row['deployed_by']:<12} running {row['running']:>4}"
                   f"  finished {row['finished']:>4}")


@main.command(help="Show what changed between two versions of a process, and which running "
              "cases sit on a changed or removed task.")
@click.argument("key")
@click.argument("from_version", type=int)
@click.argument("to_version", type=int)
def diff(key: str, from_version: int, to_version: int) -> None:
    from engine.services.admin import versions as service

    try:
        result = service.diff_versions(_runtime(), key, from_version, to_version)
    except GovflowError as exc:
        raise click.ClickException(exc.message) from exc
    for element in result["added"]:
        click.echo(f"+ {element}")
    for element in result["removed"]:
        click.echo(f"- {element}")
    for element, attributes in result["changed"].items():
        click.echo(f"~ {element}: {', '.join(attributes)}")
    for case in result["instances_on_changed"]:
        click.echo(f"  case {case['instance_id']} waits at {case['task']}")


@main.command(help="Move running cases to a newer version (default: the current one). "
              "Unsafe moves are refused with the reason; each move is audited.")
@click.argument("key")
@click.option("--from", "from_version", type=int, help="move every running case on this version")
@click.option("--instance", "instance_id", type=int, help="move only this case")
@click.option("--to", "to_version", type=int, default=None, help="target version")
def migrate(key: str, from_version: int | None, instance_id: int | None,
            to_version: int | None) -> None:
    from engine.services.admin import versions as service

    if (from_version is None) == (instance_id is None):
        raise click.UsageError("give exactly one of --from VERSION or --instance ID")
    runtime = _runtime()
    try:
        if instance_id is not None:
            moved = [service.migrate_instance(runtime, None, instance_id, to_version)]
            refused: list = []
        else:
            outcome = service.migrate_version(runtime, None, key, from_version, to_version)
            moved, refused = outcome["migrated"], outcome["refused"]
    except GovflowError as exc:
        raise click.ClickException(exc.message) from exc
    for case in moved:
        click.echo(f"moved case {case['instance_id']}: {case['from']} → {case['to']}")
    for case in refused:
        click.echo(f"refused case {case['instance_id']}: {case['reason']}", err=True)
    sys.exit(1 if refused else 0)


@main.command(help="Draw a BPMN file's diagram (its BPMNDI) as SVG.")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write here instead of standard output")
@click.option("--diagram", "diagram_index", type=int, default=0, show_default=True,
              help="which diagram, when the file holds several")
def render(file: Path, output: Path | None, diagram_index: int) -> None:
    from engine.bpmn.diagram.render import render_file
    from engine.core.errors import BpmnLoadError, DiagramError

    try:
        svg = render_file(file, diagram_index=diagram_index)
    except BpmnLoadError as exc:
        raise click.ClickException(str(exc)) from exc
    except DiagramError as exc:
        raise click.ClickException(f"{file.name}: {exc}") from exc
    if output is None:
        click.echo(svg)
    else:
        output.write_text(svg, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@main.group(help="Reports.")
def report() -> None:
    pass


@report.command("complaints", help="The six-monthly complaints report (seed 5.4): counts by "
                "status, channel, type and month, triage times in working days, and the cases "
                "without personal data. --fiscal-year is Buddhist Era (e.g. 2570 = 1 Oct 2569 "
                "– 30 Sep 2570); --half 1 is 1 Oct–31 Mar, 2 is 1 Apr–30 Sep. --format csv "
                "(default; UTF-8 with a byte-order mark in a file), xlsx (a สรุป sheet with a "
                "chart and a รายการเรื่อง sheet) or pdf (with the office's header, from "
                "office.toml). Without -o, CSV goes to standard output; xlsx and pdf go there "
                "only when it is redirected or piped, never to a terminal.")
@click.option("--fiscal-year", "fiscal_year", type=int, required=True)
@click.option("--half", type=click.IntRange(1, 2), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), default="csv",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write the report to this file")
def report_complaints(fiscal_year: int, half: int, fmt: str, output: Path | None) -> None:
    from engine.documents.complaint_report import report_csv
    from engine.documents.report_files import report_file
    from engine.services.complaints.reports import complaint_report

    if fmt != "csv" and output is None and sys.stdout.isatty():
        raise click.UsageError(f"ไฟล์ {fmt} เป็นข้อมูลไบนารี ระบุ -o FILE หรือส่งต่อด้วย > / "
                               f"{fmt} is binary: give -o FILE or redirect standard output")
    runtime = _runtime()
    try:
        result = complaint_report(runtime, None, fiscal_year, half)
        if fmt == "csv" and output is None:
            click.echo(report_csv(result), nl=False)
            return
        document = report_file(result, fmt, runtime.office if fmt != "csv" else None)
    except GovflowError as exc:
        raise click.ClickException(_with_fields(exc)) from exc
    if output is None:
        sys.stdout.buffer.write(document.content)
        sys.stdout.buffer.flush()
        return
    output.write_bytes(document.content)
    click.echo(f"wrote {output} ({len(result.cases)} cases)", err=True)


@report.command("publications", help="The publication log (ทะเบียนการเผยแพร่ข้อมูล): per "
                "publishing request, who asked, approved (with รักษาราชการแทน for an acting "
                "Director), checked, decided and published it, when (Buddhist Era), and the "
                "outcome. --from/--to are Bangkok dates the requests were made, YYYY-MM-DD "
                "(a year from 2400 is read as Buddhist Era); both optional. CSV; with -o the "
                "file is UTF-8 with a byte-order mark, so spreadsheet programs read the Thai.")
@click.option("--from", "date_from", default="", metavar="YYYY-MM-DD",
              help="requests made on or after this day")
@click.option("--to", "date_to", default="", metavar="YYYY-MM-DD",
              help="requests made on or before this day")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write the log to this file")
def report_publications(date_from: str, date_to: str, output: Path | None) -> None:
    from engine.services.publishing.register import (
        log_csv,
        log_csv_bytes,
        period_from,
        publication_log,
    )

    try:
        log = publication_log(_runtime(), None, period_from(date_from, date_to))
    except GovflowError as exc:
        raise click.ClickException(_with_fields(exc)) from exc
    if output is None:
        click.echo(log_csv(log), nl=False)
        return
    output.write_bytes(log_csv_bytes(log))
    click.echo(f"wrote {output} ({len(log.records)} requests)", err=True)


@contextlib.contextmanager
def _backup_errors() -> Iterator[None]:
    """A database or file error as one clear line, never a traceback."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except GovflowError as exc:
        raise click.ClickException(exc.message) from None
    except (OSError, sqlite3.Error, SQLAlchemyError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise click.ClickException(f"ทำไม่สำเร็จ / failed: {detail}") from None


@main.command(help="Back up the database and every attachment file into FILE (tar.gz, with "
              "a manifest of row counts and sha256 sums). SQLite uses the online backup API "
              "and PostgreSQL pg_dump, so govflow may keep running. The data key "
              "(GOVFLOW_DATA_KEY / instance/data.key) is NOT included: back it up separately.")
@click.argument("file", type=click.Path(path_type=Path))
def backup(file: Path) -> None:
    from engine.services.ops import backup as service

    with _backup_errors():
        result = service.backup(Settings.from_env(), file)
    manifest = result.manifest
    click.echo(f"สำรองแล้ว / backed up to {result.path}: {manifest['database']['kind']} "
               f"database, {sum(manifest['row_counts'].values())} rows in "
               f"{len(manifest['row_counts'])} tables, "
               f"{len(manifest['attachments'])} attachment file(s)")
    click.echo(service.KEY_REMINDER, err=True)


@main.command(help="Restore a `govflow backup` FILE into the configured database and instance "
              "folder. Stop the web app and the scheduler first. Refuses a damaged or altered "
              "archive, and (unless --force) a database that already holds cases or a data "
              "key other than the backup's. Prints the restored row counts against the "
              "manifest.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="overwrite a database that already holds cases")
def restore(file: Path, force: bool) -> None:
    from engine.services.ops import backup as service

    with _backup_errors():
        result = service.restore(Settings.from_env(), file, force=force)
    manifest = result.manifest
    click.echo(f"กู้คืนจากไฟล์สำรองเมื่อ / restored the backup of {manifest['created_at']} "
               f"({manifest['database']['kind']}, {len(manifest['attachments'])} attachment "
               "file(s))")
    click.echo(f"  {'table':<24} {'manifest':>9} {'restored':>9}")
    for name in sorted(set(manifest["row_counts"]) | set(result.counts)):
        want = manifest["row_counts"].get(name)
        got = result.counts.get(name)
        mark = "" if want == got else "  <-- ไม่ตรง / MISMATCH"
        click.echo(f"  {name:<24} {want if want is not None else '-':>9} "
                   f"{got if got is not None else '-':>9}{mark}")
    if result.mismatches:
        raise click.ClickException(
            "จำนวนแถวหลังกู้คืนไม่ตรงกับ manifest / the restored row counts do not match the "
            "manifest: " + ", ".join(f"{name} {want} → {got}" for name, (want, got)
                                    in sorted(result.mismatches.items())))
    click.echo("จำนวนแถวตรงกับ manifest / row counts match the manifest")


@main.command(help="Check that every case's inbox rows, timers and escalations match its "
              "saved workflow (after a crash, an outage or a restore). Changes nothing; the "
              "web app and schedulers may keep running. Exits 1 listing each mismatch by "
              "case and id, e.g. a lost task, a lost or stale timer, a missing escalation.")
@click.option("--late-after", type=click.IntRange(min=1), default=300, show_default=True,
              help="seconds past due after which a waiting timer is reported as late")
@click.option("--json", "as_json", is_flag=True, help="print the report as one JSON object")
def check(late_after: int, as_json: bool) -> None:
    import json
    from datetime import timedelta

    from engine.services.ops.integrity import KINDS, check_all

    report = check_all(_runtime(), late_after=timedelta(seconds=late_after))
    if as_json:
        click.echo(json.dumps(report.as_dict()))
    else:
        click.echo(f"ตรวจแล้ว / checked {report.instances} case(s): {report.open_tasks} open "
                   f"task(s), {report.waiting_timers} waiting and {report.fired_timers} fired "
                   f"timer(s), {report.escalations} escalation(s)")
        for mismatch in report.mismatches:
            click.echo(f"  {mismatch.describe()} — {KINDS[mismatch.kind]}", err=True)
    if not report.ok:
        raise click.ClickException(
            f"พบความไม่ตรงกัน {len(report.mismatches)} รายการ / {len(report.mismatches)} "
            "mismatch(es) between cases and their inbox rows or timers")
    if not as_json:
        click.echo("ตรงกันทั้งหมด / everything matches")

"""Setting govflow up and running it: init, demo, keygen, serve, scheduler, tick."""

from __future__ import annotations

import contextlib
import sys

import click

from webui.cli.common import configure_logs, lang_option, load_runtime, print_report
from webui.cli.ports import check_port, port_error


@click.command(help="Create or upgrade the database schema, then deploy processes/.")
@lang_option
def init(lang: str) -> None:
    from engine.core.schema import upgrade
    from engine.services.admin.processes import deploy as deploy_processes
    from engine.services.inbox.attachments import seal_file_names
    from engine.services.ops.name_reindex import reindex_names

    runtime = load_runtime()
    upgrade(runtime.db)
    click.echo(f"ฐานข้อมูลพร้อม / database ready: {_safe_url(runtime.db.url)}")
    if sealed := seal_file_names(runtime):
        click.echo(f"ปิดชื่อไฟล์เรื่องร้องเรียนเดิม {sealed} ไฟล์ / sealed the names of {sealed} "
                   "complaint files kept before")
    if indexed := reindex_names(runtime, only_missing=True).cases:
        click.echo(f"ทำดัชนีชื่อเรื่องเดิม {indexed} เรื่อง / indexed the names of {indexed} "
                   "case(s) filed before")
    report = deploy_processes(runtime, "init")
    print_report(report, lang)
    sys.exit(0 if report.ok else 1)


@click.command(help="Create one demo user per role and print their logins and API tokens. "
              "Demo users that already exist keep their passwords and tokens unless --reset.")
@click.option("--reset", is_flag=True,
              help="give every demo user a new password and token, and print them")
def demo(reset: bool) -> None:
    from engine.services.admin.users import seed_demo

    seeding = seed_demo(load_runtime(), reset=reset)
    if seeding.logins:
        click.echo("ผู้ใช้สาธิต / demo users:")
        click.echo(f"  {'user':<14} {'password':<14} {'role':<14} {'unit':<6} API token")
    for login in seeding.logins:
        click.echo(f"  {login.username:<14} {login.password:<14} {','.join(login.roles):<14} "
                   f"{login.unit:<6} token: {login.token}")
    if seeding.kept:
        kept = len(seeding.kept)
        click.echo(f"ผู้ใช้สาธิต {kept} คนมีอยู่แล้ว ยังใช้รหัสผ่านและโทเค็นเดิม "
                   f"(govflow demo --reset ตั้งใหม่และพิมพ์ออกมา) / {kept} demo users already "
                   "exist and keep their passwords and tokens (govflow demo --reset gives them "
                   f"new ones and prints them): {', '.join(seeding.kept)}")


@click.command(help="Print a new key for GOVFLOW_DATA_KEY (encrypts personal data), or with "
              "--name-index for GOVFLOW_NAME_INDEX_KEY (the blind index of names).")
@click.option("--name-index", is_flag=True,
              help="a key for GOVFLOW_NAME_INDEX_KEY instead of GOVFLOW_DATA_KEY")
def keygen(name_index: bool) -> None:
    from cryptography.fernet import Fernet

    from engine.core.keys import new_name_index_key

    click.echo(new_name_index_key() if name_index else Fernet.generate_key().decode())


@click.command(help="Serve the web app and API (waitress), with the scheduler beside it unless "
              "--no-scheduler. A port already in use is said in one line (choose another "
              "with --port; `make run PORT=8001`). A request body over 51 MB (the largest "
              "upload: five 10 MB files and the form) is refused before it is read. "
              "Production runs the app under gunicorn "
              "(gunicorn -w 4 'webui.wsgi:app') and the scheduler as `govflow scheduler`.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--scheduler/--no-scheduler", default=True, show_default=True,
              help="fire deadlines and send e-mail from this process")
@click.option("--check-port", "check_only", is_flag=True,
              help="only check that the port is free, then exit (make run does this before "
              "it sets anything up)")
def serve(host: str, port: int, threads: int, scheduler: bool, check_only: bool) -> None:
    check_port(host, port)
    if check_only:
        click.echo(f"พอร์ต {port} ว่าง / port {port} is free")
        return
    import waitress

    from engine.jobs.scheduler import make_scheduler
    from webui import create_app
    from webui.body_limit import LARGEST_BODY_BYTES

    configure_logs()
    runtime = load_runtime(office=True)
    app = create_app(runtime=runtime)
    try:
        # waitress itself refuses a larger body by its Content-Length, before reading it
        # (it refuses a body of exactly max_request_body_size bytes too: hence the + 1).
        server = waitress.create_server(app, host=host, port=port, threads=threads,
                                        ident="govflow",
                                        max_request_body_size=LARGEST_BODY_BYTES + 1)
    except OSError as exc:  # taken by another program since check_port, a moment ago
        raise port_error(host, port, exc) from exc
    background = make_scheduler(runtime, background=True) if scheduler else None
    if background is not None:
        background.start()
    click.echo(f"govflow: http://{host}:{port}/  (Ctrl+C เพื่อหยุด / to stop)")
    try:
        server.run()
    finally:
        if background is not None:
            background.shutdown(wait=False)


@click.command(help="Run the scheduler alone: fires due BPMN timers (deadlines, reminders, "
              "escalations) within seconds, draws queued letters, hands over the six-monthly "
              "report, records its heartbeat and sends the e-mail outbox. Several may run "
              "against one PostgreSQL database; each timer fires once.")
@click.option("--interval", default=1.0, show_default=True, type=float,
              help="seconds between passes")
def scheduler(interval: float) -> None:
    from engine.jobs.scheduler import make_scheduler

    configure_logs()
    click.echo("govflow scheduler: ทำงาน / running (Ctrl+C เพื่อหยุด / to stop)")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        make_scheduler(load_runtime(office=True), background=False, interval=interval).start()


@click.command(help="Run one scheduler pass and exit (for cron-style deployments).")
def tick() -> None:
    from engine.jobs.scheduler import tick as one_pass

    configure_logs()
    report = one_pass(load_runtime(office=True))
    click.echo(f"fired {report.fired} timer(s), skipped {report.skipped}, "
               f"errors {len(report.errors)}; mail sent {report.mail_sent}, "
               f"failed {report.mail_failed}")
    sys.exit(1 if report.errors else 0)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)



"""Keeping the data whole: backup, restore and the integrity check."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import click

from engine.core.config import Settings
from webui.cli.common import load_runtime


@contextlib.contextmanager
def _backup_errors() -> Iterator[None]:
    """A database or file error as one clear line, never a traceback (govflow's own errors
    are the command group's to print)."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except (OSError, sqlite3.Error, SQLAlchemyError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise click.ClickException(f"ทำไม่สำเร็จ / failed: {detail}") from None


@click.command(help="Back up the database and every attachment file into FILE (tar.gz, with "
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


@click.command(help="Restore a `govflow backup` FILE into the configured database and instance "
              "folder. Stop the web app and the scheduler first. Refuses a damaged or altered "
              "archive, and (unless --force) a database that already holds cases or a data "
              "key other than the backup's. Prints the restored row counts against the "
              "manifest, and rebuilds the index of names when the name-index key is not the "
              "backup's.")
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
    if result.names_reindex_needed:
        _reindex_restored_names()


def _reindex_restored_names() -> None:
    """The backup's index of names was made under another name-index key: rebuild it
    (a backup older than the index gets it from `govflow init`, which upgrades first)."""
    from sqlalchemy import inspect

    from engine.services.ops.name_reindex import reindex_names as service

    runtime = load_runtime()
    if not inspect(runtime.db.engine).has_table("personal_name_term"):
        click.echo("ฐานข้อมูลที่กู้คืนยังไม่มีดัชนีชื่อ ให้สั่ง govflow init / the restored "
                   "database predates the index of names: run `govflow init`")
        return
    report = service(runtime)
    click.echo(f"กุญแจดัชนีชื่อต่างจากตอนสำรอง ทำดัชนีชื่อใหม่ {report.cases} เรื่อง / the "
               f"name-index key differs from the backup's: reindexed the names of "
               f"{report.cases} case(s)")


@click.command(help="Check that every case's inbox rows, timers and escalations match its "
              "saved workflow (after a crash, an outage or a restore). Changes nothing; the "
              "web app and schedulers may keep running. Exits 1 listing each mismatch by "
              "case and id, e.g. a lost task, a lost or stale timer, a missing escalation. "
              "Reads every case's workflow, so its time grows with the years of cases kept; "
              "after a crash or an outage --since DAYS checks only the cases still running "
              "and those changed in the last DAYS days (a case not written since cannot have "
              "been parted from its rows). After a restore, check every case.")
@click.option("--late-after", type=click.IntRange(min=1), default=300, show_default=True,
              help="seconds past due after which a waiting timer is reported as late")
@click.option("--since", "since_days", type=click.IntRange(min=1, max=36_500), default=None,
              metavar="DAYS", help="only the running cases and those changed in the last "
              "DAYS days (default: every case)")
@click.option("--json", "as_json", is_flag=True, help="print the report as one JSON object")
def check(late_after: int, since_days: int | None, as_json: bool) -> None:
    import json
    from datetime import timedelta

    from engine.core.models import utcnow
    from engine.services.ops.integrity import KINDS, check_all

    since = None if since_days is None else utcnow() - timedelta(days=since_days)
    report = check_all(load_runtime(), late_after=timedelta(seconds=late_after), since=since)
    if as_json:
        click.echo(json.dumps(report.as_dict()))
    else:
        scope = "" if since_days is None else (
            f" (running or changed in the last {since_days} day(s))")
        click.echo(f"ตรวจแล้ว / checked {report.instances} case(s){scope}: {report.open_tasks} "
                   f"open task(s), {report.waiting_timers} waiting and {report.fired_timers} "
                   f"fired timer(s), {report.escalations} escalation(s)")
        for mismatch in report.mismatches:
            click.echo(f"  {mismatch.describe()} — {KINDS[mismatch.kind]}", err=True)
    if not report.ok:
        raise click.ClickException(
            f"พบความไม่ตรงกัน {len(report.mismatches)} รายการ / {len(report.mismatches)} "
            "mismatch(es) between cases and their inbox rows or timers")
    if not as_json:
        click.echo("ตรงกันทั้งหมด / everything matches")


@click.command("reindex-names",
               help="Rebuild the blind index that finds complaints by the complainant's or "
               "accused person's name (keyed hashes only, no names). Run it after changing "
               "GOVFLOW_NAME_INDEX_KEY (stop the web app first: until it ends, older cases "
               "are not found by name) and after a restore taken under another key. "
               "Decrypts one case at a time; safe to stop and run again.")
@click.option("--batch-size", type=click.IntRange(min=1, max=10_000), default=200,
              show_default=True, help="cases per transaction")
def reindex_names(batch_size: int) -> None:
    from engine.services.ops.name_reindex import reindex_names as service

    report = service(load_runtime(), batch_size=batch_size)
    click.echo(f"ทำดัชนีชื่อใหม่แล้ว {report.cases} เรื่อง / reindexed the names of "
               f"{report.cases} case(s): {report.terms} term hash(es)")

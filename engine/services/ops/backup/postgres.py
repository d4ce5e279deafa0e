"""A PostgreSQL database in the archive: ``pg_dump --format=custom`` in the snapshot the
row counts were read in, put back by ``pg_restore`` in one transaction."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from engine.core.errors import BackupError
from engine.core.text_search import ensure_pg_trgm
from engine.services.ops.backup.manifest import copy_member
from engine.services.ops.backup.row_counts import pg_counts


def pg_command(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for pg_dump/pg_restore (no ``+psycopg``; the password in the
    environment, not on the command line) and the environment to run them with."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql")._replace(password=None)
    return plain.render_as_string(hide_password=False), env


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"ไม่พบโปรแกรม {name} ติดตั้ง PostgreSQL client (เช่น apt install postgresql-client) "
            f"ให้รุ่นตรงกับเซิร์ฟเวอร์ / {name} was not found on PATH: install the PostgreSQL "
            "client tools (e.g. apt install postgresql-client) of the server's version")
    return found


def _run_tool(args: list[str], env: dict[str, str], what: str) -> None:
    try:
        # Our own argument list for pg_dump/pg_restore found on PATH; no shell.
        done = subprocess.run(args, env=env, capture_output=True,  # noqa: S603
                              text=True, check=False)
    except OSError as exc:
        raise BackupError(f"เรียก {args[0]} ไม่ได้ / cannot run {args[0]}: {exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupError(f"{what} ไม่สำเร็จ / {what} failed (exit {done.returncode}):\n{detail}")


@contextmanager
def _engine(url: str) -> Iterator[Engine]:
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def dump_postgres(url: str, target: Path) -> tuple[dict[str, int], str]:
    pg_dump = pg_tool("pg_dump")
    uri, env = pg_command(url)
    with _engine(url) as engine, engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # The counts and the dump see one snapshot, so the manifest matches the dump.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            counts = pg_counts(conn)
            args = [pg_dump, "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                    f"--file={target}", f"--dbname={uri}"]
            if schema != "public":
                args.insert(1, f"--schema={schema}")
            _run_tool(args, env, "pg_dump")
    return counts, schema


def postgres_cases(url: str) -> int:
    """How many cases the PostgreSQL database holds (0 when it has no schema yet)."""
    with _engine(url) as engine, engine.connect() as conn:
        has = conn.execute(text("SELECT to_regclass('process_instance')")).scalar()
        if not has:
            return 0
        return conn.execute(text("SELECT count(*) FROM process_instance")).scalar_one()


def postgres_table_counts(url: str) -> dict[str, int]:
    with _engine(url) as engine, engine.connect() as conn:
        return pg_counts(conn)


def restore_postgres(archive: tarfile.TarFile, manifest: dict[str, Any], url: str) -> None:
    pg_restore = pg_tool("pg_restore")
    uri, env = pg_command(url)
    with tempfile.TemporaryDirectory(prefix="govflow-restore-") as work:
        dump = Path(work) / "govflow.pgdump"
        copy_member(archive, manifest["database"]["member"], dump)
        # The trigram indexes need pg_trgm, which a dump of one schema leaves out (it is
        # the database's). Made first, and kept if the restore fails: it changes no data.
        with _engine(url) as engine, engine.begin() as conn:
            ensure_pg_trgm(conn)
        # One transaction: if anything fails, the target is left as it was.
        _run_tool([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                   f"--dbname={uri}", str(dump)], env, "pg_restore")

"""Backup and restore: the database and every attachment file in one ``tar.gz`` archive.

The archive holds ``manifest.json`` (format version, when, which database, row counts per
table, the sha256 of every member), ``database/govflow.sqlite`` (SQLite, taken with the
online backup API, safe while govflow runs) or ``database/govflow.pgdump`` (PostgreSQL,
``pg_dump --format=custom`` in the same snapshot the row counts were read in), and
``attachments/<stored name>`` as stored (complaint files stay encrypted).

The keys are never in the archive: personal data and complaint files are encrypted with
GOVFLOW_DATA_KEY (``instance/data.key`` in development), which must be backed up apart.

The modules: ``manifest`` (the archive's layout and its checks), ``row_counts``, ``sqlite``
and ``postgres`` (each database kind's dump and restore), ``archive`` (taking a backup)
and ``restoring`` (putting one back).
"""

from engine.services.ops.backup.archive import KEY_REMINDER, BackupResult, backup
from engine.services.ops.backup.manifest import (
    FORMAT_VERSION,
    MANIFEST,
    PG_MEMBER,
    SQLITE_MEMBER,
    key_fingerprint,
)
from engine.services.ops.backup.restoring import RestoreResult, restore, restored_counts

__all__ = [
    "FORMAT_VERSION",
    "KEY_REMINDER",
    "MANIFEST",
    "PG_MEMBER",
    "SQLITE_MEMBER",
    "BackupResult",
    "RestoreResult",
    "backup",
    "key_fingerprint",
    "restore",
    "restored_counts",
]

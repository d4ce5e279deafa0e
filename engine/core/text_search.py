"""Trigram indexes for searching titles by any fragment: case titles (subjects) and the
public pages' publications (การค้นหาด้วยไตรแกรม).

Thai is written without spaces between words, so a word index finds nothing a clerk
types from the middle of a subject ("ครุภัณฑ์" in "ร้องเรียนการจัดซื้อครุภัณฑ์"). A trigram
index finds any substring of three characters or more:

- SQLite: an external-content FTS5 table with ``tokenize='trigram'`` beside each indexed
  table, kept in step with it by triggers (so every writer, the ORM, bulk inserts and
  restores alike, keeps it current);
- PostgreSQL: ``pg_trgm`` GIN indexes on the columns, used by ``ILIKE '%…%'``.

The objects are not in the SQLAlchemy models (neither an FTS5 table nor an operator
class has a portable model), so one function, :func:`create_text_indexes`, makes them for
both a database created from the models (``engine.core.schema``) and migration 0004, and
:func:`include_name` keeps them out of Alembic's comparisons.

A migration that rebuilds ``process_instance`` or ``publication`` on SQLite (a batch
"move and copy") drops their triggers with the old table: it must call
:func:`create_text_indexes` again afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Column, ColumnElement, Connection, and_, column, false, or_, select, table
from sqlalchemy import text as sql_text

#: Characters in one trigram: a shorter term cannot use the index (see :func:`matching`).
TRIGRAM = 3


@dataclass(frozen=True)
class TextIndex:
    """The indexed columns of one table and the names of the objects that index them."""

    table: str
    columns: tuple[str, ...]
    #: The FTS5 table on SQLite (its shadow tables start with this name too).
    fts: str

    def pg_index(self, column_name: str) -> str:
        return f"ix_{self.table}_{column_name}_trgm"


#: Case titles: the start form's title field (a complaint's subject, a request's title).
CASE_TITLES = TextIndex("process_instance", ("title",), "case_title_fts")
#: Publications on the public pages: title and details, as the category search reads them.
PUBLICATION_TEXT = TextIndex("publication", ("title", "details"), "publication_fts")
INDEXES = (CASE_TITLES, PUBLICATION_TEXT)


# ---- creating and dropping ------------------------------------------------------------

def _sqlite_create(connection: Connection, index: TextIndex) -> None:
    cols = ", ".join(index.columns)
    new = ", ".join(f"new.{c}" for c in index.columns)
    old = ", ".join(f"old.{c}" for c in index.columns)
    fts, source = index.fts, index.table
    # Names only from the constants above, never from input.
    remove = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"  # noqa: S608
    add = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"  # noqa: S608
    for statement in (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{source}', "
        f"content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {source} BEGIN {add} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {source} BEGIN {remove} END",
        # Only a change of an indexed column: a case's row is updated on every step.
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} ON {source} "
        f"BEGIN {remove} {add} END",
        # Rows written before the index existed (an upgraded database).
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608
    ):
        connection.exec_driver_sql(statement)


def ensure_pg_trgm(connection: Connection) -> str:
    """The schema holding pg_trgm, installed in ``public`` if it is not there yet (also
    before a restore: a dump of one schema does not carry the database's extensions).

    Pinned to one schema because an extension belongs to the whole database: made in a
    search path's first schema it would disappear with that schema (tests make one each).
    """
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    schema = connection.scalar(sql_text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"))
    return str(schema)


def _pg_create(connection: Connection, index: TextIndex, schema: str) -> None:
    for name in index.columns:
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {index.pg_index(name)} ON {index.table} "
            f"USING gin ({name} {schema}.gin_trgm_ops)")


def create_text_indexes(connection: Connection) -> None:
    """Make the trigram indexes of :data:`INDEXES` (idempotent), filled from the rows."""
    if connection.dialect.name == "sqlite":
        for index in INDEXES:
            _sqlite_create(connection, index)
    elif connection.dialect.name == "postgresql":
        schema = ensure_pg_trgm(connection)
        for index in INDEXES:
            _pg_create(connection, index, schema)


def drop_text_indexes(connection: Connection) -> None:
    """Remove what :func:`create_text_indexes` made (the extension stays: others may use it)."""
    for index in INDEXES:
        if connection.dialect.name == "sqlite":
            for suffix in ("ai", "ad", "au"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {index.fts}_{suffix}")
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {index.fts}")
        elif connection.dialect.name == "postgresql":
            for name in index.columns:
                connection.exec_driver_sql(f"DROP INDEX IF EXISTS {index.pg_index(name)}")


def _managed(name: str | None, type_: str) -> bool:
    if name is None:
        return False
    if type_ == "table":
        return any(name == i.fts or name.startswith(f"{i.fts}_") for i in INDEXES)
    if type_ == "index":
        return any(name == i.pg_index(c) for i in INDEXES for c in i.columns)
    return False


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name`` hook: the objects made here are not the models' to
    compare (the migrations and the create path both make them with this module)."""
    return not _managed(name, type_)


# ---- searching ------------------------------------------------------------------------

def terms_of(text: str) -> list[str]:
    """The words of a search, each of which must be found (AND); spaces separate them."""
    return list(dict.fromkeys(text.split()))


def is_indexed_term(term: str) -> bool:
    """A term the trigram index can answer: at least :data:`TRIGRAM` characters."""
    return len(term) >= TRIGRAM


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(columns: Sequence[Column[str]], term: str) -> ColumnElement[bool]:
    """Some column holds ``term``, any case. ``ILIKE`` on the bare column, so PostgreSQL
    can use the trigram index (``lower(column) LIKE`` could not)."""
    pattern = f"%{_escape_like(term)}%"
    return or_(*(c.ilike(pattern, escape="\\") for c in columns))


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def matching(index: TextIndex, row_id: Column[int], columns: Sequence[Column[str]],
             terms: Sequence[str], dialect: str) -> ColumnElement[bool]:
    """Rows of ``index.table`` whose indexed columns hold every one of ``terms`` (any
    case, anywhere in a word). Terms of :data:`TRIGRAM` characters or more use the
    index; a shorter term is a ``LIKE`` the caller should bound (it reads every row the
    other conditions leave)."""
    if not terms:
        return false()
    long_terms = [t for t in terms if is_indexed_term(t)]
    short_terms = [t for t in terms if not is_indexed_term(t)]
    conditions: list[ColumnElement[bool]] = []
    if dialect == "sqlite" and long_terms:
        fts = table(index.fts, column("rowid"))
        query = " ".join(_fts_phrase(t) for t in long_terms)
        conditions.append(row_id.in_(
            select(fts.c.rowid).where(column(index.fts).op("MATCH")(query))))
    else:
        conditions.extend(_contains(columns, t) for t in long_terms)
    conditions.extend(_contains(columns, t) for t in short_terms)
    return and_(*conditions)

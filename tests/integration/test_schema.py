"""The migrations build exactly the schema the models describe, on both databases, and a
new database created straight from the models is the same schema at the same revision."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from engine.core.config import Settings
from engine.core.models import Base
from engine.core.schema import alembic_config, upgrade
from engine.core.text_search import include_name
from engine.workflow.runtime import Runtime

#: The trigram indexes are not in the models (engine/core/text_search.py makes them).
COMPARED = {"include_name": include_name}


def _differences(rt: Runtime) -> tuple[list, str | None]:
    with rt.db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=COMPARED)
        return compare_metadata(context, Base.metadata), context.get_current_revision()


def _fresh(tmp_path: Path, backend: str | None, *, replay: bool) -> Runtime:
    rt = Runtime(Settings(instance_dir=tmp_path / "instance", database_url=backend))
    upgrade(rt.db, replay=replay)
    return rt


HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrations_match_the_models(tmp_path, backend):
    rt = _fresh(tmp_path, backend, replay=True)
    assert _differences(rt) == ([], HEAD)
    rt.close()


def test_a_new_database_is_made_from_the_models_at_the_head(tmp_path, backend):
    rt = _fresh(tmp_path, backend, replay=False)
    assert _differences(rt) == ([], HEAD)
    upgrade(rt.db)  # already at the head: nothing to do, nothing fails
    assert _differences(rt) == ([], HEAD)
    rt.close()


def _text_index_objects(rt: Runtime) -> set[str]:
    """The names of the trigram search objects the database holds."""
    with rt.db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') "
                "AND name LIKE '%_fts%'").scalars()
        else:
            rows = connection.execute(text(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                "AND indexname LIKE :pattern"), {"pattern": "%_trgm"}).scalars()
        return set(rows)


def test_both_ways_make_the_same_trigram_indexes(tmp_path, backend):
    replayed = _fresh(tmp_path / "replayed", backend, replay=True)
    created = _fresh(tmp_path / "created", backend, replay=False)
    try:
        made = _text_index_objects(created)
        assert made == _text_index_objects(replayed)
        assert {"case_title_fts", "publication_fts", "case_title_fts_au"} <= made or {
            "ix_process_instance_title_trgm", "ix_publication_title_trgm",
            "ix_publication_details_trgm"} <= made
    finally:
        replayed.close()
        created.close()

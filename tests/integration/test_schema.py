"""The migrations build exactly the schema the models describe, on both databases, and a
new database created straight from the models is the same schema at the same revision."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from engine.core.config import Settings
from engine.core.models import Base
from engine.core.schema import alembic_config, upgrade
from engine.workflow.runtime import Runtime


def _differences(rt: Runtime) -> tuple[list, str | None]:
    with rt.db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
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

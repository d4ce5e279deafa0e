"""Alembic environment: migrations run on the connection engine.core.schema hands in."""

from alembic import context

from engine.core.models import Base
from engine.core.text_search import include_name

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through engine.core.schema.upgrade(), which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    # The trigram indexes are made by engine.core.text_search, not from the models.
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()

"""Alembic environment: always run on a connection handed over by ``workbench.store.engine``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import workbench.store.tables  # noqa: F401  (registers the tables on the metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `workbench db upgrade`, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite can only ALTER by copying tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

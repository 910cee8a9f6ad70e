"""Alembic runs migrations on the connection `database.upgrade` hands it."""

from alembic import context

from simplespa_zoom.book.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

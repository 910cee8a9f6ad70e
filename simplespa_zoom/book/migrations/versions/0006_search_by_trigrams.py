"""Search client names by trigram index, so a name only one client has is found at the same cost at any size.

The index holds the case-folded name (`client_search`), so a search keeps its meaning: the text
anywhere in the name, in any case (Unicode case folding), accents as typed. On SQLite it is an FTS5
table with the trigram tokenizer, case-sensitive because the text is folded already, over the
appointments table's own column (external content), kept in step by triggers. On PostgreSQL it is
a GIN index of pg_trgm's trigrams, which serves `LIKE` itself; PostgreSQL keeps it in step.

Revision ID: 0006
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from simplespa_zoom.book.database import DatabaseError

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _create_trigram_extension()
        # Without a pending list: new rows go straight into the index, so no search has to read through
        # up to 4 MB of recent, unmerged entries first (about 10 ms a search until autovacuum merges them).
        op.execute(
            "CREATE INDEX appointments_by_client_trigrams ON appointments"
            " USING gin (client_search gin_trgm_ops) WITH (fastupdate = off)"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE appointments_search USING fts5("
        "client_search, content='appointments', content_rowid='id', tokenize='trigram case_sensitive 1')"
    )
    # The 'delete' command must be given the text as it was indexed: the old row's, before it changes or goes.
    op.execute(
        "CREATE TRIGGER appointments_search_insert AFTER INSERT ON appointments BEGIN"
        " INSERT INTO appointments_search (rowid, client_search) VALUES (new.id, new.client_search); END"
    )
    op.execute(
        "CREATE TRIGGER appointments_search_delete AFTER DELETE ON appointments BEGIN"
        " INSERT INTO appointments_search (appointments_search, rowid, client_search)"
        " VALUES ('delete', old.id, old.client_search); END"
    )
    op.execute(
        "CREATE TRIGGER appointments_search_update AFTER UPDATE OF id, client_search ON appointments BEGIN"
        " INSERT INTO appointments_search (appointments_search, rowid, client_search)"
        " VALUES ('delete', old.id, old.client_search);"
        " INSERT INTO appointments_search (rowid, client_search) VALUES (new.id, new.client_search); END"
    )
    # Index the names already in the book, read from the appointments table in one pass.
    op.execute("INSERT INTO appointments_search (appointments_search) VALUES ('rebuild')")


def _create_trigram_extension() -> None:
    """pg_trgm, unless a database administrator created it already; refused, say who can create it."""
    try:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as error:
        raise DatabaseError(
            "PostgreSQL refused to create the pg_trgm extension that the name search needs "
            f"({str(error.orig).strip().splitlines()[0]}). Connect to this database as its owner "
            "(PostgreSQL 13 or later) or as a superuser, run `CREATE EXTENSION pg_trgm;` once, "
            "then run `simplespa-zoom init-db` again. The extension ships with PostgreSQL "
            "(Debian and Ubuntu: the postgresql package; elsewhere: postgresql-contrib)."
        ) from error


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # The extension stays: other schemas in the database may use it, and dropping it needs its owner.
        op.execute("DROP INDEX appointments_by_client_trigrams")
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER appointments_search_{trigger}")
    op.execute("DROP TABLE appointments_search")

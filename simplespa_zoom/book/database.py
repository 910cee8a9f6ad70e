"""The database: SQLite (a file path, the embedded default) or PostgreSQL (a URL), and its migrations."""

from __future__ import annotations

import select
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import DisconnectionError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LEGACY_SCHEMA_VERSION = 6  # the last hand-written SQLite migration; revision 0001 is that schema
BASELINE = "0001"
# Seconds to reach PostgreSQL: a dead or unreachable server is reported at once ("unavailable"),
# not waited on by every request. A `connect_timeout` in the DATABASE URL overrides it.
CONNECT_TIMEOUT = 3
# Seconds a pooled PostgreSQL connection is kept before it is opened anew: a firewall or proxy that silently drops
# idle connections after a while (no goodbye the checkout could see) meets none older than this.
RECYCLE_SECONDS = 1800


class DatabaseError(Exception):
    """The database cannot be used as configured; the message says what to do."""


POSTGRES_SCHEMES = ("postgresql+psycopg://", "postgresql://", "postgres://")


def url_for(database: str) -> str:
    """`DATABASE` as a SQLAlchemy URL: PostgreSQL through psycopg, a SQLite URL, or else a SQLite file path."""
    for scheme in POSTGRES_SCHEMES:
        if database.startswith(scheme):
            return "postgresql+psycopg://" + database[len(scheme) :]
    if database.startswith("sqlite://"):
        return database
    if "://" in database:
        raise DatabaseError(
            f"DATABASE must be a SQLite file path or a postgresql+psycopg:// URL, not {database.split('://')[0]}://…"
        )
    return f"sqlite:///{database}"


def open_engine(database: str) -> Engine:
    """One engine per process: its pool keeps connections open across requests."""
    url = url_for(database)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15}, pool_size=8, max_overflow=16)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    timeout = {} if "connect_timeout" in make_url(url).query else {"connect_timeout": CONNECT_TIMEOUT}
    # No pre-ping (a round trip on every checkout): _closed_by_server checks the socket instead, and a connection
    # dropped unseen fails its request once, after which SQLAlchemy opens the pool's connections anew.
    engine = create_engine(url, pool_size=5, max_overflow=10, pool_recycle=RECYCLE_SECONDS, connect_args=timeout)
    event.listen(engine, "checkout", _closed_by_server)
    return engine


def _closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Refuse a pooled connection the server has closed, without a round trip: an idle connection's socket has
    something to read only when the server said goodbye (a restart, pg_terminate_backend, an idle timeout) or
    hung up. The pool then opens a fresh one in its place (SQLAlchemy's DisconnectionError)."""
    if dbapi_connection.closed or dbapi_connection.fileno() < 0:
        raise DisconnectionError("the connection is closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):
        raise DisconnectionError("the server closed the connection")


class Reads:
    """Where the stores read. A unit of work that reads many times (one web request) lends one connection for all
    its reads (`lend`): no checkout, no BEGIN and no ROLLBACK per read. Without one, each read takes a pooled
    connection for its call. Writes always take their own pooled connection and transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lent: Callable[[], Connection | None] = lambda: None

    def open(self) -> Connection:
        """A connection for a unit of work's reads: in autocommit, so each read sees everything committed before it
        (its own writes included) and no transaction stays open while the request waits on anything else."""
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        lent = self.lent()
        if lent is not None:
            yield lent
            return
        with self.engine.connect() as connection:
            yield connection


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Wait for writers instead of failing; WAL lets pages read while a request writes."""
    cursor = dbapi_connection.cursor()
    for pragma in ("foreign_keys = ON", "busy_timeout = 15000", "synchronous = NORMAL", "journal_mode = WAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _alembic(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision; safe to run again, from any app server. Returns the revision."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # Two servers starting at once: the second waits, then finds nothing to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(7311)"))
        config = _alembic(connection)
        if _legacy_version(connection) is not None:
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
        return current_revision(connection) or ""


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""


def _legacy_version(connection: Connection) -> int | None:
    """The schema version of a database the hand-written SQLite migrations made, if this is one."""
    if connection.dialect.name != "sqlite" or inspect(connection).has_table("alembic_version"):
        return None
    version = connection.execute(text("PRAGMA user_version")).scalar_one()
    if version == 0:
        return None
    if version != LEGACY_SCHEMA_VERSION:
        raise DatabaseError(
            f"This database is at the old schema version {version}; open it once with simplespa-zoom 0.1 "
            f"(`simplespa-zoom init-db`) to reach version {LEGACY_SCHEMA_VERSION}, then run this version."
        )
    return version

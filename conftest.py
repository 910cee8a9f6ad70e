"""Which database the suites run on: `--database=sqlite` (default) or `--database=postgresql`.

On PostgreSQL the tests start a throw-away cluster themselves (devtools/postgres.py); each test
gets a fresh database copied from one that was migrated once.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, event

from devtools.postgres import ThrowawayCluster
from simplespa_zoom.book import Book
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

# Apps made by a test keep their pooled connections; the engines are closed when its database goes.
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _remember(connection: Connection) -> None:
    _engines.add(connection.engine)


def _close_engines() -> None:
    for engine in list(_engines):
        engine.dispose()
    _engines.clear()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="Run the app on a SQLite file per test, or on a throw-away PostgreSQL cluster.",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {config.getoption('--database')}"


@pytest.fixture(scope="session")
def postgres_template(request: pytest.FixtureRequest) -> Iterator[tuple[ThrowawayCluster, str] | None]:
    """The cluster and a migrated template database, on PostgreSQL runs only."""
    if request.config.getoption("--database") != "postgresql":
        yield None
        return
    cluster = ThrowawayCluster().start()
    try:
        template_url = cluster.create_database()
        book = Book.open(template_url, ZOOM_LINE_FORMAT)
        book.upgrade()
        _close_engines()
        yield cluster, template_url.rsplit("/", 1)[1]
    finally:
        cluster.stop()


@pytest.fixture
def database(tmp_path: Path, postgres_template: tuple[ThrowawayCluster, str] | None) -> Iterator[str]:
    """A fresh, empty-but-migrated database for one test: a SQLite path or a PostgreSQL URL."""
    if postgres_template is None:
        yield str(tmp_path / "test.sqlite")
        _close_engines()
        return
    cluster, template = postgres_template
    url = cluster.create_database(template)
    try:
        yield url
    finally:
        _close_engines()
        cluster.drop_database(url)

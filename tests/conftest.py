"""Fixtures for unit and Flask test-client tests: Zoom is faked with `responses`; helpers are in helpers.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient

from zoom_standin.mailbox import Mailbox

from .helpers import login, staffed_app


@pytest.fixture
def app(database: str) -> Iterator[Flask]:
    yield staffed_app(database)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def zoom() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def signed_in(client: FlaskClient) -> FlaskClient:
    """The test client, signed in as the test staff member."""
    login(client)
    return client


@pytest.fixture
def mail_server() -> Iterator[Mailbox]:
    """A real SMTP server on a loopback port, keeping what it receives; faults are switched on it."""
    with Mailbox() as mailbox:
        yield mailbox

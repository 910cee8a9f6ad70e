"""Browser tests' fixtures: the real app and the Zoom stand-in on loopback, driven in system Chromium.

What tests share that is not a fixture is in helpers.py."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import mail_config
from zoom_standin.mailbox import Mailbox

from .helpers import TIMEZONE, Stack, served_stack

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "permissions": ["clipboard-read", "clipboard-write"], "timezone_id": TIMEZONE}


@pytest.fixture
def stack(database: str) -> Iterator[Stack]:
    local = served_stack(database)
    yield local
    local.stop()


@pytest.fixture
def mail_stack(database: str) -> Iterator[tuple[Stack, Mailbox]]:
    """The served stack sending the spa's own mail to a real SMTP server on loopback, and that server."""
    with Mailbox() as mailbox:
        local = served_stack(database, **mail_config(mailbox))
        yield local, mailbox
        local.app.extensions["mail"].courier.wait_idle(10)
        local.stop()

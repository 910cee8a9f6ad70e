"""Browser tests' fixtures: the real app and the Zoom stand-in on loopback, driven in system Chromium.

What tests share that is not a fixture is in helpers.py."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from zoom_standin.stack import start_stack

from .helpers import STAFF_EMAIL, STAFF_PASSWORD, TIMEZONE, Stack

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
    local = start_stack(
        database,
        timezone=TIMEZONE,
        staff=(STAFF_EMAIL, STAFF_PASSWORD),
        config={"ZOOM_TIMEOUT": (2.0, 2.0)},
    )
    local.serve_app()
    yield local
    local.stop()

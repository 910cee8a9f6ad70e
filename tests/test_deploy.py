"""The production recipe's systemd units (deploy/systemd/) are valid, and the app they start writes
nothing beside its installed package, which their ProtectSystem=strict makes read-only.

nginx in front of the app is e2e/test_reverse_proxy.py."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from devtools.reverse_proxy import DEPLOY, INSTALLED
from simplespa_zoom import create_app
from simplespa_zoom.config import REQUIRED
from tests.helpers import TEST_CONFIG

UNITS = ("simplespa-zoom.service", "simplespa-zoom-tick.service", "simplespa-zoom-tick.timer")


def test_the_units_pass_systemds_own_check(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # systemd checks that each command exists: the recipe's virtualenv is stood in for by stubs.
    installed = tmp_path / "venv-bin"
    installed.mkdir()
    for program in ("gunicorn", "simplespa-zoom"):
        (installed / program).write_text("#!/bin/sh\n")
        (installed / program).chmod(stat.S_IRWXU)
    for unit in UNITS:
        text = (DEPLOY / "systemd" / unit).read_text()
        (tmp_path / unit).write_text(text.replace(INSTALLED, f"{installed}/"))
    checked = subprocess.run(
        [analyze, "verify", *(str(tmp_path / unit) for unit in UNITS)], capture_output=True, text=True, timeout=60
    )
    assert (checked.returncode, checked.stderr) == (0, "")


def test_the_tick_timer_runs_the_tick_every_minute() -> None:
    timer = (DEPLOY / "systemd" / "simplespa-zoom-tick.timer").read_text()
    tick = (DEPLOY / "systemd" / "simplespa-zoom-tick.service").read_text()
    assert "OnCalendar=*-*-* *:*:00\n" in timer
    assert f"ExecStart={INSTALLED}simplespa-zoom tick\n" in tick


def test_with_database_set_the_app_writes_no_instance_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    beside_package = tmp_path / "venv" / "var" / "simplespa_zoom-instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda _app: str(beside_package))
    for name in REQUIRED:
        monkeypatch.setenv(name, TEST_CONFIG[name])
    monkeypatch.setenv("DATABASE", str(tmp_path / "state" / "book.sqlite"))
    assert create_app().config["DATABASE"] == str(tmp_path / "state" / "book.sqlite")
    assert not beside_package.exists()

    monkeypatch.delenv("DATABASE")  # the default book lives there, so then it is made
    assert create_app().config["DATABASE"] == str(beside_package / "simplespa-zoom.sqlite")
    assert beside_package.is_dir()

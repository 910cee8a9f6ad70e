"""scripts/setup-env says which Python it picked, stops below the floor pyproject.toml states, and warns when the
interpreter lacks the email fix for CVE-2024-6923 (issue 30 item 5)."""

from __future__ import annotations

import email.policy
import importlib.util
import platform
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "python-check.py"


def python_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("python_check", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_floor_is_the_one_pyproject_states() -> None:
    assert python_check().floor((ROOT / "pyproject.toml").read_text()) == (3, 11)
    assert 'requires-python = ">=3.11"' in (ROOT / "pyproject.toml").read_text()


def test_an_interpreter_without_the_header_fix_is_named_and_warned_about() -> None:
    lines, ok = python_check().check((3, 11, 7), "/usr/bin/python3.11", False, (3, 11))
    assert ok and lines[0] == "setup-env: using Python 3.11.7 (/usr/bin/python3.11)."
    assert "lacks the fix for CVE-2024-6923" in lines[1] and "3.11.10, 3.12.5 or 3.13.0 and later" in lines[1]


def test_a_patched_interpreter_is_named_without_a_warning() -> None:
    assert python_check().check((3, 13, 0), "/usr/bin/python3.13", True, (3, 11)) == (
        ["setup-env: using Python 3.13.0 (/usr/bin/python3.13)."],
        True,
    )


def test_an_interpreter_below_the_floor_stops_setup() -> None:
    lines, ok = python_check().check((3, 10, 13), "/usr/bin/python3.10", False, (3, 11))
    assert not ok and "older than 3.11, the floor pyproject.toml states" in lines[1]


def test_the_script_reports_the_interpreter_it_runs_on() -> None:
    run = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0
    assert f"using Python {platform.python_version()} ({sys.executable}" in run.stdout
    has_fix = hasattr(email.policy.default, "verify_generated_headers")
    assert ("lacks the fix for CVE-2024-6923" in run.stderr) is not has_fix

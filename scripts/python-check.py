"""Which Python scripts/setup-env picked: say it, stop below the floor pyproject.toml states, and warn when it
lacks a security fix the app guards against itself (so the operator can update it).

Standard library only, and runs on Python 3.7 and later: it runs before anything is installed, with
whatever `python3` the machine has, to tell an old one apart.
"""

from __future__ import annotations

import email.policy
import re
import sys
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
HEADER_FIX = "3.11.10, 3.12.5 or 3.13.0 and later"  # the releases with the fix for CVE-2024-6923


def floor(pyproject: str) -> tuple[int, ...]:
    """The lowest Python pyproject.toml's requires-python (">=X.Y") accepts."""
    match = re.search(r'^requires-python\s*=\s*">=\s*([0-9.]+)"', pyproject, re.MULTILINE)
    if match is None:
        raise ValueError("pyproject.toml states no requires-python >= floor")
    return tuple(int(part) for part in match.group(1).split("."))


def check(
    version: tuple[int, ...], where: str, has_header_fix: bool, lowest: tuple[int, ...]
) -> tuple[list[str], bool]:
    """What to tell the operator about this interpreter, and whether the app can run on it."""
    shown = ".".join(map(str, version))
    lines = [f"setup-env: using Python {shown} ({where})."]
    if version < lowest:
        needed = ".".join(map(str, lowest))
        lines.append(
            f"setup-env: Python {shown} is older than {needed}, the floor pyproject.toml states. Install "
            f"Python {needed} or later and run PYTHON=/path/to/that/python3 scripts/setup-env (after removing .venv)."
        )
        return lines, False
    if not has_header_fix:
        lines.append(
            f"setup-env: warning: Python {shown} lacks the fix for CVE-2024-6923 (email header injection through "
            f"an encoded word), which came with {HEADER_FIX}. The app refuses such names and checks every header "
            "of its mail itself, so its mail stays safe; still, update Python to a patched release and run "
            "PYTHON=/path/to/that/python3 scripts/setup-env (after removing .venv)."
        )
    return lines, True


def main() -> int:
    where = sys.executable if sys.prefix == sys.base_prefix else f"{sys.executable}, a venv of {sys.base_prefix}"
    has_fix = hasattr(email.policy.default, "verify_generated_headers")
    lines, ok = check(tuple(sys.version_info[:3]), where, has_fix, floor(PYPROJECT.read_text(encoding="utf-8")))
    for line in lines:
        print(line, file=sys.stdout if line == lines[0] else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""The page script: small ES modules loaded from the app's own origin, so the strict CSP needs no exception."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simplespa_zoom.meetings.when import format_when
from simplespa_zoom.messages import MESSAGES, WORDS, say

from .helpers import add_appointment, login

ROOT = Path(__file__).resolve().parent.parent

IMPORT = re.compile(r'^import [^;]+ from "\./([a-z_]+\.js)";$', re.MULTILINE)


def test_every_page_loads_the_script_as_one_module_and_runs_no_inline_script(app: Flask, client: FlaskClient) -> None:
    login(client)
    appointment = add_appointment(app)
    for path in ("/login", "/help", "/appointments", f"/appointments/{appointment.id}", "/appointments/new"):
        page = client.get(path).get_data(as_text=True)
        assert re.findall(r"<script\b[^>]*>", page) == ['<script type="module" src="/static/js/main.js">'], path


def test_each_module_the_script_imports_is_served_as_javascript_by_the_app_itself(client: FlaskClient) -> None:
    seen: set[str] = set()
    waiting = ["main.js"]
    while waiting:
        name = waiting.pop()
        seen.add(name)
        with client.get(f"/static/js/{name}") as response:
            assert response.status_code == 200 and response.mimetype.endswith("/javascript"), name
            source = response.get_data(as_text=True)
        imports = [line for line in source.splitlines() if line.startswith("import ")]
        assert all(IMPORT.fullmatch(line) for line in imports), (name, imports)  # only the app's own modules
        waiting += [module for module in IMPORT.findall(source) if module not in seen]
    assert {"main.js", "requests.js", "widget.js", "times.js"} <= seen


def _script_code() -> dict[str, str]:
    """Each module of the page script without its comment lines (which may quote what the page says)."""
    return {
        path.name: re.sub(r"^\s*//.*$", "", path.read_text(), flags=re.MULTILINE)
        for path in sorted((ROOT / "static" / "js").glob("*.js"))
    }


def test_the_script_restates_no_text_and_no_rule_of_the_server() -> None:
    """Every text staff can see from the script, and every code it acts on, is handed to it by the server."""
    texts = [message.text for message in MESSAGES.values()]
    texts += [part.strip() for text in WORDS.values() for part in text.split("{when}") if part.strip()]
    for name, source in _script_code().items():
        assert not [text for text in texts if text in source], name
        assert not re.findall(r'"(?:zoom|meeting|connect)_[a-z_]+"|/help#|X-Zoom', source), name


def test_the_app_hands_the_script_its_texts_and_rules_from_the_message_table(app: Flask, client: FlaskClient) -> None:
    with client.get("/static/js/page_data.js") as response:
        assert response.mimetype == "text/javascript" and "Set-Cookie" not in response.headers
        module = response.get_data(as_text=True)
    data = {
        name: json.loads(value) for name, value in re.findall(r"^export const (\w+) = (.*);$", module, re.MULTILINE)
    }
    assert {key: data["texts"][key] for key in WORDS} == WORDS
    help_page = client.get("/help").get_data(as_text=True)
    for code in ("request_failed", "network_unreachable", "meeting_unchecked", "copy_failed"):
        assert data["texts"][code] == say(code) and f'<dt id="{code}">' in help_page
    rules = data["rules"]
    codes = {*rules["reconnect_codes"], rules["not_connected_code"], rules["retry_code"], rules["day_check_busy_code"]}
    assert codes <= set(MESSAGES) and rules["help_prefix"] == "/help#"
    assert rules["spa_timezone"] == app.config["SPA_TZ"].key == "America/New_York"


def test_people_read_times_from_one_formatter_that_ignores_the_locale() -> None:
    """strftime's names and am/pm follow the process locale: only meetings/when.py writes them, in English."""
    sources = [*(ROOT / "simplespa_zoom").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]
    locale_dependent = re.compile(r"%[AaBbIpcxX]\b|toLocale")
    found = [str(path.relative_to(ROOT)) for path in sources if locale_dependent.search(path.read_text())]
    found += [name for name, code in _script_code().items() if locale_dependent.search(code)]
    assert found == []


@pytest.mark.parametrize(
    ("local", "said"),
    [
        (datetime(2025, 11, 11, 18, 0), "Tuesday, November 11 2025 6:00 pm"),
        (datetime(2026, 1, 1, 0, 5), "Thursday, January 1 2026 12:05 am"),
        (datetime(2026, 7, 4, 12, 30), "Saturday, July 4 2026 12:30 pm"),
    ],
)
def test_the_list_page_and_the_appointment_page_write_the_start_as_the_line_does(
    app: Flask, client: FlaskClient, local: datetime, said: str
) -> None:
    login(client)
    start = local.replace(tzinfo=app.config["SPA_TZ"])
    appointment = add_appointment(app, start=start)
    assert format_when(local) == said
    day_page = client.get(f"/appointments?day={local.date().isoformat()}").get_data(as_text=True)
    assert f"Appointments on {said.rsplit(' ', 2)[0]}" in day_page and said in day_page
    assert said in client.get(f"/appointments/{appointment.id}").get_data(as_text=True)

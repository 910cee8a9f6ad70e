"""The page script: small ES modules loaded from the app's own origin, so the strict CSP needs no exception."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from .conftest import add_appointment, login

IMPORT = re.compile(r'^import [^;]+ from "\./([a-z_]+\.js)";$', re.MULTILINE)


def test_every_page_loads_the_script_as_one_module_and_runs_no_inline_script(app: Flask, client: FlaskClient) -> None:
    login(client)
    appointment = add_appointment(app)
    for path in ("/login", "/help", "/appointments", f"/appointments/{appointment.id}", "/appointments/new"):
        page = client.get(path).get_data(as_text=True)
        tags = re.findall(r"<script\b[^>]*>", page)
        assert '<script type="module" src="/static/js/main.js">' in tags, path
        assert all('src="' in tag or 'type="application/json"' in tag for tag in tags), (path, tags)


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

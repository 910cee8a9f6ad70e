"""The app with one more view, for bench_poll: `gunicorn poll_wsgi:app` from bench/.

GET /bench/bare is the bare signed-in request the presence poll is measured against: the same app, session and
sign-in check (who is signed in, from the database), answering an empty JSON object, no-store, as the poll does.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from simplespa_zoom.web.staff import login_required
from simplespa_zoom.wsgi import app


@app.get("/bench/bare")
@login_required
def bare() -> Any:
    response = jsonify({})
    response.headers["Cache-Control"] = "no-store"
    return response

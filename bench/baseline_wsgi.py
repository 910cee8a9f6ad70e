"""The bare Flask + Jinja baseline app, for gunicorn: `gunicorn baseline_wsgi:app` from bench/."""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

from common import baseline_app

from simplespa_zoom import _asset_folder

app = baseline_app(os.environ["DATABASE"], _asset_folder("templates"), {"SPA_TZ": ZoneInfo(os.environ["SPA_TIMEZONE"])})

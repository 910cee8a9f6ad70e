"""The production entry point: `gunicorn simplespa_zoom.wsgi:app`."""

from __future__ import annotations

import sys

from simplespa_zoom import create_app
from simplespa_zoom.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"simplespa-zoom: {error}")

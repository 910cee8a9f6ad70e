"""What the server hands the page script: its texts and its rules, so the script restates neither.

They are served as one small ES module beside the script's own files, static/js/page_data.js, which
is not a file: this module renders it from the message table. A module from the app's own origin
keeps the strict CSP (`script-src 'self'`), and the pages stay free of the script's words.
"""

from __future__ import annotations

import json

from flask import Flask, Response, current_app, url_for

from simplespa_zoom.messages import RECONNECT_CODES, WORDS, say, tell
from simplespa_zoom.web.zoom_session import RETRY_HEADER

# The messages the script says itself: no answer from the app carries them.
SCRIPT_MESSAGES = (
    "request_failed",
    "network_unreachable",
    "meeting_unchecked",
    "copy_failed",
    "copy_stale",
    "start_tab_blocked",
    "alert_refused",
    "alert_unsupported",
)
# The confirmations the script words itself: the check's line as it ages on a page left open.
SCRIPT_CONFIRMATIONS = ("meeting_checked", "checked_minute", "checked_minutes", "checked_hour", "checked_hours")


def page_script_data() -> dict[str, dict[str, object]]:
    """The texts and rules the page script acts on, from their one home on the server."""
    return {
        "texts": {
            **WORDS,
            **{code: say(code) for code in SCRIPT_MESSAGES},
            **{code: tell(code, count="{count}") for code in SCRIPT_CONFIRMATIONS},
        },
        "rules": {
            "reconnect_codes": list(RECONNECT_CODES),
            "not_connected_code": "zoom_not_connected",
            "retry_code": "zoom_retry",
            "retry_header": RETRY_HEADER,
            "day_check_busy_code": "day_check_busy",
            "help_prefix": f"{url_for('pages.help')}#",
            "spa_timezone": current_app.config["SPA_TZ"].key,
        },
    }


def page_data_module() -> Response:
    """page_data.js: the same for every page and every visitor, so it holds nothing private."""
    exports = "".join(f"export const {name} = {json.dumps(value)};\n" for name, value in page_script_data().items())
    response = Response(f"// Rendered by simplespa_zoom/web/page_script.py.\n{exports}", mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # a new release's texts reach the next page load
    return response


def init_app(app: Flask) -> None:
    app.add_url_rule(f"{app.static_url_path}/js/page_data.js", "page_script_data", page_data_module)

"""Who is asking: the page script wants JSON, a person's form or link wants a page. One answer for every view."""

from __future__ import annotations

from flask import request


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"

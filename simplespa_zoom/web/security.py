"""Headers every response carries, and CSRF protection for every state-changing request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from flask import Flask

from simplespa_zoom.web.csrf import CSRFProtect
from simplespa_zoom.zoom.oauth import LOOPBACK_HOSTS

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self' {zoom}; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def zoom_form_targets(oauth_base_url: str, zoom_hosts: list[str]) -> str:
    """Where a form's redirects may lead: Chrome checks form-action on every redirect of a form
    submission, and the way to Zoom's consent (sign-in, then connect) passes through Zoom's own
    hosts (zoom.us, then us05web.zoom.us)."""
    parts = urlsplit(oauth_base_url)
    sources = [f"{parts.scheme}://{parts.netloc}"]
    for host in zoom_hosts:
        host = host.strip().lower()
        sources.append(f"http://{host}:*" if host in LOOPBACK_HOSTS else f"https://{host}")
    return " ".join(dict.fromkeys(sources))


_NO_STORE = [("Cache-Control", "no-store")]
_HSTS = [("Strict-Transport-Security", "max-age=63072000; includeSubDomains")]
_PRIVATE_TYPES = ("text/html", "application/json")


class SecurityHeaders:
    """WSGI middleware: the headers every response carries, error pages and static files too.

    They are the same on every response, so they are appended as ready-made tuples here,
    at the WSGI edge; setting them one by one through Werkzeug's Headers in an after_request
    hook cost about as much as the whole CSRF check. Pages and JSON, which show appointments,
    are never cached unless the view chose otherwise.
    """

    def __init__(self, app: WSGIApplication, policy: str) -> None:
        self.app = app
        self.every_response = [
            ("Content-Security-Policy", policy),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("X-Frame-Options", "DENY"),
        ]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        added = self.every_response + _HSTS if environ.get("wsgi.url_scheme") == "https" else self.every_response

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, headers + added + _cache_default(headers), exc_info)

        return self.app(environ, start)


def _cache_default(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    lowered = {name.lower(): value for name, value in headers}
    if "cache-control" in lowered or lowered.get("content-type", "").split(";")[0].strip() not in _PRIVATE_TYPES:
        return []
    return _NO_STORE


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    policy = CONTENT_SECURITY_POLICY.format(
        zoom=zoom_form_targets(app.config["ZOOM_OAUTH_BASE_URL"], app.config["ZOOM_HOSTS"])
    )
    app.wsgi_app = SecurityHeaders(app.wsgi_app, policy)  # type: ignore[method-assign]

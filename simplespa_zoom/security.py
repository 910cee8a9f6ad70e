"""Headers every response carries, and CSRF protection for every state-changing request."""

from __future__ import annotations

from flask import Flask, Response, request

from .csrf import CSRFProtect

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self' {oauth}; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    policy = CONTENT_SECURITY_POLICY.format(oauth=app.config["ZOOM_OAUTH_BASE_URL"].rstrip("/"))

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if response.mimetype in ("text/html", "application/json"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

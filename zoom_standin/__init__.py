"""A local stand-in for Zoom (OAuth, REST API, Marketplace), for the demo and the tests.

Never imported by the app's own request paths: only the CLI's demo command and tests use it.
"""

from __future__ import annotations

from .app import create_sandbox, send_webhook
from .server import RunningServer, serve_in_thread
from .state import BASIC, LICENSED, ClientApp, Fault, SandboxState, User

__all__ = [
    "BASIC",
    "LICENSED",
    "ClientApp",
    "Fault",
    "RunningServer",
    "SandboxState",
    "User",
    "create_sandbox",
    "send_webhook",
    "serve_in_thread",
]

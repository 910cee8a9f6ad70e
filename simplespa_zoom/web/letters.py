"""The spa's letters leave once the request that wrote them is done, so delivery never shares its time."""

from __future__ import annotations

from flask import Flask, g, has_request_context


def init_app(app: Flask) -> None:
    """Wire the book's on_letter to the courier, held to the end of the request (the CLI, with no request, kicks at
    once)."""
    mail = app.extensions.get("mail")
    if mail is None:
        return
    courier = mail.courier

    def on_letter() -> None:
        if has_request_context():
            g.letters_written = True
        else:
            courier.kick()

    def deliver_when_done(error: BaseException | None) -> None:
        if g.pop("letters_written", False):
            courier.kick()

    app.extensions["book"].appointments.on_letter = on_letter
    app.teardown_request(deliver_when_done)

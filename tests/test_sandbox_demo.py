"""The stand-in's demo: the book it seeds opens on an appointment today."""

from __future__ import annotations

from flask import Flask

from zoom_standin.demo import seed_demo

from .helpers import login


def test_the_demo_book_opens_on_an_appointment_today(app: Flask) -> None:
    seed_demo(app, "demo@spa.example", "demo password 123")
    client = app.test_client()
    login(client, "demo@spa.example", "demo password 123")
    page = client.get("/appointments").get_data(as_text=True)
    assert "Dana Lee" in page and "Ana Souza" not in page

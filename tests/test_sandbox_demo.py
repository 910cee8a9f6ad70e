"""The stand-in's demo: the book it seeds opens on an appointment today; its mail goes to its own mailbox."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import threading
from pathlib import Path

import click
import requests
from flask import Flask

from simplespa_zoom.web import the_book
from zoom_standin.demo import DEMO_REMINDER_MINUTES, SEND_MAIL, Every, banner, run_command, seed_demo, start_demo

from .helpers import login
from .test_mailbox import message


def test_the_demo_book_opens_on_an_appointment_today(app: Flask) -> None:
    seed_demo(app, "demo@spa.example", "demo password 123")
    client = app.test_client()
    login(client, "demo@spa.example", "demo password 123")
    page = client.get("/appointments").get_data(as_text=True)
    assert "Dana Lee" in page and "Ana Souza" not in page


def test_the_demo_starts_its_mailbox_and_the_app_sends_its_mail_there(tmp_path: Path) -> None:
    stack, password = start_demo(tmp_path, "127.0.0.1", 5000, 0)  # the app is not served here
    try:
        mailbox = stack.mailbox
        assert mailbox is not None and mailbox.running
        config = stack.app.config
        assert config["SMTP_URL"] == mailbox.url and mailbox.host == "127.0.0.1"
        assert (config["SMTP_SERVER"].host, config["SMTP_SERVER"].port) == (mailbox.host, mailbox.port)
        assert config["MAIL_SENDER"].addr_spec == "bookings@spa.example"
        assert config["REMINDER_MINUTES"] == DEMO_REMINDER_MINUTES
        with smtplib.SMTP(config["SMTP_SERVER"].host, config["SMTP_SERVER"].port, timeout=10) as smtp:
            smtp.send_message(message(subject="Sent to the demo's SMTP_URL"))
        mailbox.wait_for(1)
        page = requests.get(f"{stack.zoom_server.url}/mailbox", timeout=10)
        assert page.status_code == 200 and "Sent to the demo&#39;s SMTP_URL" in page.text
        shown = banner(stack, "http://127.0.0.1:5000", password, tmp_path)
        assert f"nothing leaves this machine): {stack.zoom_server.url}/mailbox\n" in shown
        assert "`simplespa-zoom tick` runs every minute" in shown
    finally:
        stack.stop()
    assert not mailbox.running


def test_the_demo_runs_the_cli_in_its_own_process_against_its_app(app: Flask, capsys) -> None:
    run_command(app, ["add-appointment", "--client", "Eve Adams", "--start", "2030-01-07T10:00"])
    appointment_id = int(capsys.readouterr().out.strip())
    with app.app_context():
        assert the_book().appointments.get(appointment_id).client_name == "Eve Adams"
    assert SEND_MAIL == ("tick",)  # what the demo runs every minute, as cron would


def test_the_command_the_demo_runs_every_minute_is_the_installed_cli_s_own() -> None:
    """`simplespa-zoom tick --help` from the installed console script: the demo's job is a real command."""
    script = Path(sys.executable).with_name("simplespa-zoom")
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.environ.get("PYTHONPATH", "")}  # no app settings
    answer = subprocess.run([script, *SEND_MAIL, "--help"], capture_output=True, text=True, env=env, timeout=60)
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.startswith("Usage: simplespa-zoom tick") and "reminders" in answer.stdout


def test_every_runs_its_job_again_until_stopped() -> None:
    runs: list[int] = []
    third = threading.Event()

    def job() -> None:
        runs.append(1)
        if len(runs) == 3:
            third.set()

    every = Every(0.01, job, "job").start()
    assert third.wait(10)
    every.stop()
    done = len(runs)
    assert not every._thread.is_alive() and len(runs) == done


def test_a_failing_run_is_reported_once_and_the_next_runs_still_come(capsys) -> None:
    runs: list[int] = []
    recovered = threading.Event()

    def job() -> None:
        runs.append(1)
        if len(runs) <= 3:
            raise click.UsageError("No such command 'send-mail'.")
        recovered.set()

    every = Every(0.01, job, "send-mail").start()
    assert recovered.wait(10)
    every.stop()
    assert capsys.readouterr().err == "send-mail failed: No such command 'send-mail'.\n"

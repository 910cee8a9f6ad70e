"""Contract of the mailbox stand-in: a real SMTP server the app's mail tests and the demo rely on."""

from __future__ import annotations

import smtplib
import threading
import time
from email.message import EmailMessage

import pytest

from zoom_standin.mailbox import Mailbox


def message(to: str = "ana@client.example", subject: str = "Your appointment") -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "Serene Spa <spa@spa.example>"
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content("See you soon.")
    mail.add_alternative("<p>See you soon.</p>", subtype="html")
    return mail


def send(mailbox: Mailbox, mail: EmailMessage | None = None, *, login: tuple[str, str] | None = None) -> None:
    with smtplib.SMTP(mailbox.host, mailbox.port, timeout=10) as smtp:
        if login:
            smtp.login(*login)
        smtp.send_message(mail or message())


def test_keeps_each_message_parsed_with_its_envelope(mail_server: Mailbox) -> None:
    send(mail_server)
    [received] = mail_server.wait_for(1)
    assert received.mail_from == "spa@spa.example"
    assert received.rcpt_tos == ("ana@client.example",)
    assert received.subject == "Your appointment"
    assert str(received.message["From"]) == "Serene Spa <spa@spa.example>"
    assert received.part("text/plain").strip() == "See you soon."
    assert received.part("text/html").strip() == "<p>See you soon.</p>"
    assert received.part("text/calendar") is None
    assert mail_server.to("ANA@client.example") == [received]
    assert mail_server.to("someone@else.example") == []


def test_messages_from_many_threads_are_all_kept(mail_server: Mailbox) -> None:
    threads = [threading.Thread(target=send, args=(mail_server, message(subject=f"n{n}"))) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(received.subject for received in mail_server.wait_for(8)) == [f"n{n}" for n in range(8)]
    mail_server.clear()
    assert mail_server.messages == []


def test_down_refuses_connections_and_up_serves_on_the_same_port(mail_server: Mailbox) -> None:
    url = mail_server.url
    mail_server.down()
    with pytest.raises(ConnectionRefusedError):
        send(mail_server)
    mail_server.up()
    assert mail_server.url == url
    send(mail_server)
    assert len(mail_server.wait_for(1)) == 1


@pytest.mark.parametrize(("fault", "code"), [("temporary_failure", 451), ("permanent_failure", 554)])
def test_a_failing_server_answers_its_code_keeps_nothing_and_heals(mail_server: Mailbox, fault: str, code: int) -> None:
    getattr(mail_server, fault)()
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(mail_server)
    assert refused.value.smtp_code == code
    assert mail_server.messages == []
    mail_server.healthy()
    send(mail_server)
    assert len(mail_server.wait_for(1)) == 1


def test_a_refused_recipient_is_a_550_for_that_address_only(mail_server: Mailbox) -> None:
    mail_server.refuse_recipient("Nobody@Client.example")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(mail_server, message(to="nobody@client.example"))
    assert refused.value.recipients["nobody@client.example"][0] == 550
    send(mail_server)
    assert [received.rcpt_tos for received in mail_server.wait_for(1)] == [("ana@client.example",)]


def test_slow_holds_the_answer_until_released(mail_server: Mailbox) -> None:
    mail_server.slow(30)
    sender = threading.Thread(target=send, args=(mail_server,))
    sender.start()
    sender.join(0.5)
    assert sender.is_alive(), "the answer came before the delay or a release"
    assert mail_server.messages == []
    mail_server.release()
    sender.join(10)
    assert not sender.is_alive()
    assert len(mail_server.wait_for(1)) == 1


def test_slow_answers_by_itself_after_the_delay(mail_server: Mailbox) -> None:
    mail_server.slow(0.3)
    began = time.monotonic()
    send(mail_server)
    assert time.monotonic() - began >= 0.3
    assert len(mail_server.wait_for(1)) == 1


def test_wait_for_says_how_many_arrived_when_too_few(mail_server: Mailbox) -> None:
    with pytest.raises(TimeoutError, match="0 of 1"):
        mail_server.wait_for(1, timeout=0.1)


def test_login_is_required_and_checked_when_set() -> None:
    with Mailbox(login=("spa", "s3cret")) as mailbox:
        assert mailbox.url == f"smtp://spa:s3cret@127.0.0.1:{mailbox.port}"
        with pytest.raises(smtplib.SMTPAuthenticationError):
            send(mailbox, login=("spa", "wrong"))
        send(mailbox, login=("spa", "s3cret"))
        assert len(mailbox.wait_for(1)) == 1


def test_answers_late_keeps_the_message_before_it_answers(mail_server: Mailbox) -> None:
    mail_server.answers_late(30)
    sender = threading.Thread(target=send, args=(mail_server,))
    sender.start()
    mail_server.wait_until_held(1)
    assert len(mail_server.wait_for(1)) == 1 and sender.is_alive()  # kept, its answer not given yet
    mail_server.release()
    sender.join(10)
    assert not sender.is_alive()
    assert len(mail_server.messages) == 1

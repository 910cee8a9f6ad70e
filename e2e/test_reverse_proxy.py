"""The production recipe in deploy/: Debian's nginx with the shipped site file, in front of gunicorn
run as the shipped unit runs it. Slow clients are held by nginx, not by gunicorn's threads, and the
app behind it sees https, the browser's host and the client's address.

The timing (how fast `/login` stays, and the stall without nginx) is bench/bench_slow_clients.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from devtools.reverse_proxy import Proxy, SlowClients, app_behind_nginx
from simplespa_zoom.config import REQUIRED
from simplespa_zoom.messages import say
from simplespa_zoom.web.appointment_forms import FORM_BODY_LIMIT
from tests.helpers import STAFF_EMAIL, STAFF_PASSWORD, TEST_CONFIG, staffed_app
from zoom_standin.browserless import csrf_token

SLOW_HEADERS = SLOW_BODIES = 12
ANSWERS_WITHIN = 5  # seconds: not stalled (how fast is the benchmark's question)


@pytest.fixture(scope="module")
def proxy(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    if request.config.getoption("--database") != "sqlite":
        pytest.skip("nginx in front is the same on any database: the SQLite pass runs it")
    folder = tmp_path_factory.mktemp("recipe")
    database = str(folder / "book.sqlite")
    staffed_app(database).extensions["book"].engine.dispose()
    env = {name: TEST_CONFIG[name] for name in REQUIRED}
    env.update(DATABASE=database, TRUSTED_PROXY_HOPS="1")  # as the README's environment file has them
    with app_behind_nginx(env, folder) as (front, _app_port):
        # The workers' first request loads the app: let it happen before anything is timed.
        assert requests.get(f"{front.url}/login", verify=front.certificate, timeout=60).status_code == 200
        yield front


def sign_in_page(proxy: Proxy, browser: requests.Session | None = None) -> requests.Response:
    answer = (browser or requests).get(f"{proxy.url}/login", verify=proxy.certificate, timeout=ANSWERS_WITHIN)
    assert answer.status_code == 200 and "<h1>Sign in</h1>" in answer.text
    return answer


def test_slow_clients_leave_sign_in_answering_behind_nginx(proxy: Proxy) -> None:
    with SlowClients(proxy.https_port, SLOW_HEADERS, SLOW_BODIES, tls=True) as slow:
        slow.started()
        for _ in range(4):  # as the attack probed
            sign_in_page(proxy)
        assert not slow.failures  # nginx refused none of them: it holds them while the app answers


def test_the_app_behind_nginx_sees_https_the_host_and_takes_the_largest_form(proxy: Proxy) -> None:
    with requests.Session() as browser:
        page = sign_in_page(proxy, browser)
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
        assert page.cookies.keys() == ["__Host-session"]
        assert "secure" in page.headers["Set-Cookie"].lower()
        signed_in = browser.post(
            f"{proxy.url}/login",
            data={"csrf_token": csrf_token(page.text), "email": STAFF_EMAIL, "password": STAFF_PASSWORD},
            headers={"Referer": f"{proxy.url}/login"},  # as a browser sends it; the CSRF check compares hosts
            verify=proxy.certificate,
            timeout=30,
        )
        assert signed_in.status_code == 200 and signed_in.url == f"{proxy.url}/appointments"

        def post_form(size: int) -> requests.Response:
            return browser.post(
                f"{proxy.url}/login",
                data=b"x" * size,
                headers={"Referer": f"{proxy.url}/login", "Content-Type": "application/x-www-form-urlencoded"},
                verify=proxy.certificate,
                timeout=30,
            )

        largest = post_form(FORM_BODY_LIMIT)
        assert largest.status_code == 400 and say("csrf_failed") in largest.text  # the app read it: no token
        too_large = post_form(FORM_BODY_LIMIT + 1)
        assert too_large.status_code == 413 and say("too_large") in too_large.text

    redirect = requests.get(f"http://127.0.0.1:{proxy.http_port}/login", allow_redirects=False, timeout=10)
    assert redirect.status_code == 301 and redirect.headers["Location"].startswith("https://127.0.0.1")

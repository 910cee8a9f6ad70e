"""The browser's Zoom tokens: when they expire, when they are refreshed, where they are sent."""

from __future__ import annotations

import time

import responses

from simplespa_zoom.zoom.oauth import REFRESH_EARLY_SECONDS, BoundTokens, TokenEndpoint, Tokens

from .helpers import OAUTH

NOW = 1_900_000_000.0  # far from the machine's clock, so a test reading it instead would fail


def test_tokens_expire_when_zoom_says_counted_from_the_given_moment() -> None:
    tokens = Tokens.from_token_response({"access_token": "a", "refresh_token": "r", "expires_in": 120}, now=NOW)
    assert tokens.expires_at == NOW + 120


def test_tokens_without_an_expiry_last_the_hour_less_a_second_zoom_gives() -> None:
    tokens = Tokens.from_token_response({"access_token": "a", "refresh_token": "r"}, now=NOW)
    assert tokens.expires_at == NOW + 3599


def test_tokens_are_refreshed_from_a_minute_before_they_expire() -> None:
    tokens = Tokens("a", "r", expires_at=NOW + REFRESH_EARLY_SECONDS)
    assert not tokens.due_for_refresh(now=NOW - 0.001)
    assert tokens.due_for_refresh(now=NOW)
    assert not Tokens("a", "r", expires_at=time.time() + 3600).due_for_refresh()


def test_the_token_and_revoke_urls_ignore_a_trailing_slash_and_use_basic_client_auth(
    zoom: responses.RequestsMock,
) -> None:
    endpoint = TokenEndpoint(OAUTH + "/", "client-id", "client-secret", (1.0, 1.0))
    assert (endpoint.token_url, endpoint.revoke_url) == (f"{OAUTH}/oauth/token", f"{OAUTH}/oauth/revoke")
    zoom.post(f"{OAUTH}/oauth/token", json={"access_token": "a2", "refresh_token": "r2", "expires_in": 3599})
    fresh = endpoint.refresh("r1")
    assert fresh is not None and (fresh.access_token, fresh.refresh_token) == ("a2", "r2")
    assert zoom.calls[0].request.headers["Authorization"].startswith("Basic ")


class CountingStore:
    """A browser's token store that counts its reads (each one is a read of the session cookie)."""

    def __init__(self, tokens: Tokens | None) -> None:
        self.tokens, self.reads = tokens, 0

    def get(self) -> Tokens | None:
        self.reads += 1
        return self.tokens

    def set(self, tokens: Tokens) -> None:
        self.tokens = tokens

    def delete(self) -> None:
        self.tokens = None


def test_a_request_reads_the_cookie_once_and_trusts_its_own_writes() -> None:
    store = CountingStore(Tokens("access", "refresh", NOW + 3600))
    bound = BoundTokens(store)
    assert bound.get() == bound.get() == store.tokens and store.reads == 1
    bound.delete()
    assert bound.get() is None and store.reads == 1  # forgotten: nothing to read again
    bound.set(Tokens("new-access", "new-refresh", NOW + 3600))
    assert bound.get() == Tokens("new-access", "new-refresh", NOW + 3600) and store.reads == 1

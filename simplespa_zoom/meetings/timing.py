"""How long the meeting services wait, and how often they try again (read at call time, so tests may shorten them)."""

from __future__ import annotations

CLAIM_WAIT_SECONDS = 30.0
CLAIM_POLL_SECONDS = 0.1
SAVE_ATTEMPTS = 5
# How long a request may wait for the provider in all (token refresh and retries included): a status
# check is worth a few seconds; adding or removing a meeting somewhat more. A claim outlives
# its holder's deadline (the book's CLAIM_STALE_AFTER) only when the holder died.
CHECK_SECONDS = 4.0
CHANGE_SECONDS = 15.0

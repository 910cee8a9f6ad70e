"""Zoom itself: the REST client, OAuth tokens and refresh, webhook signatures; no views."""

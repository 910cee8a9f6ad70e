"""One check of every address and form value: text no database can store is a clear 400, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, request

from simplespa_zoom.messages import say
from simplespa_zoom.web.appointment_forms import unstorable
from simplespa_zoom.web.errors import error_answer

View = TypeVar("View", bound=Callable[..., Any])
# How the pages name the fields a message may point at (the search box, the date picker, a return link).
_FIELDS = {"q": "search", "day": "date", "next": "return address"}


def checks_its_own_form(view: View) -> View:
    """Mark a view whose form shows each field's problem under the field: only its address is checked here."""
    view.checks_its_own_form = True  # type: ignore[attr-defined]
    return view


def refuse_unstorable_input() -> Any:
    """A NUL or broken character in the query or form: a clear 400 before any view (or sign-in) uses it."""
    if request.endpoint == "static" or request.blueprint == "webhooks":
        return None  # a webhook's signed body is read raw, never as a form
    view = current_app.view_functions.get(request.endpoint or "")
    sources = [request.args] if getattr(view, "checks_its_own_form", False) else [request.args, request.form]
    for values in sources:
        for key, value in values.items(multi=True):
            if unstorable(key) or unstorable(value):
                field = "text" if unstorable(key) else _FIELDS.get(key, key)
                return error_answer("input_unstorable", say("input_unstorable", field=field), 400)
    return None

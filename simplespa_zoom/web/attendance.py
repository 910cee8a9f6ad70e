"""The attendance export for signed-in staff: GET /attendance.csv?from=YYYY-MM-DD&to=YYYY-MM-DD (attendance_csv)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from simplespa_zoom.web.attendance_csv import BadRange, day_range, export
from simplespa_zoom.web.staff import login_required

bp = Blueprint("attendance", __name__)


@bp.get("/attendance.csv")
@login_required
def csv_export() -> Any:
    """The range's CSV as a download, or a 400 that says what a range must be."""
    try:
        first, last = day_range(request.args.get("from"), request.args.get("to"))
    except BadRange as bad:
        return Response(bad.problem.text, 400, {"Content-Type": "text/plain; charset=utf-8"})
    name = f"attendance-{first.isoformat()}-to-{last.isoformat()}.csv"
    return Response(
        export(first, last, current_app.config["SPA_TZ"]),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )

"""Zone list and zone pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from .. import db, params
from ..pages import details

bp = Blueprint("zones", __name__, url_prefix="/zones")


@bp.get("/")
def index():
    kind = params.code(request.args, "kind")
    with db.read() as conn:
        context = details.zones_index(conn, kind)
    return render_template("zones.html", **context)


@bp.get("/<int:zone_id>")
def detail(zone_id: int):
    with db.read() as conn:
        context = details.zone(conn, current_app.config["LAGUNA"], zone_id)
    return render_template("zone.html", **context)

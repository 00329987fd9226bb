"""The change map between two dates."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from .. import db, params
from ..pages import change

bp = Blueprint("change", __name__, url_prefix="/change")


@bp.get("/")
def index():
    args = request.args
    date_from = params.date(args.get("from"), "from")
    date_to = params.date(args.get("to"), "to")
    kind = params.code(args, "kind")
    with db.read() as conn:
        context = change.page(conn, current_app.config["LAGUNA"], date_from, date_to, kind)
    return render_template("change.html", **context)

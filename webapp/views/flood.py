"""The flood map at a chosen tide level."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from .. import db, params
from ..pages import flood
from ..queries.flood import LEVELS

bp = Blueprint("flood", __name__, url_prefix="/flood")


@bp.get("/")
def index():
    level = params.choice(request.args, "level", LEVELS, "110")
    kind = params.code(request.args, "kind")
    with db.read() as conn:
        context = flood.page(conn, current_app.config["LAGUNA"], level, kind)
    return render_template("flood.html", **context)

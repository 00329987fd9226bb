"""The plan map: Management Plan projects, filterable."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from .. import db
from ..pages import plan
from .api import project_filter

bp = Blueprint("plan", __name__, url_prefix="/plan")


@bp.get("/")
def index():
    flt = project_filter(request.args)
    with db.read() as conn:
        context = plan.page(conn, current_app.config["LAGUNA"], flt)
    return render_template("plan.html", **context)

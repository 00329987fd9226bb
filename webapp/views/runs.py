"""Job runs: what produced the numbers."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from .. import db, params
from ..pages import details

bp = Blueprint("runs", __name__, url_prefix="/runs")


@bp.get("/")
def index():
    job = params.code(request.args, "job")
    with db.read() as conn:
        context = details.runs_index(conn, job)
    return render_template("runs.html", **context)


@bp.get("/<int:run_id>")
def detail(run_id: int):
    with db.read() as conn:
        context = details.run(conn, run_id)
    return render_template("run.html", **context)

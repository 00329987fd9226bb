"""Project pages."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for

from .. import db
from ..pages import plan

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.get("/")
def index():
    return redirect(url_for("plan.index"))


@bp.get("/<int:project_id>")
def detail(project_id: int):
    with db.read() as conn:
        context = plan.project(conn, current_app.config["LAGUNA"], project_id)
    return render_template("project.html", **context)

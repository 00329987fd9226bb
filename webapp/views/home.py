"""The home map of the site."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from .. import db
from ..pages import home

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    with db.read() as conn:
        context = home.page(conn, current_app.config["LAGUNA"])
    return render_template("home.html", **context)

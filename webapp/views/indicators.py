"""Indicators: the list, the indicator map, one indicator's page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from .. import db, params
from ..pages import indicators

bp = Blueprint("indicators", __name__, url_prefix="/indicators")


@bp.get("/")
def index():
    with db.read() as conn:
        context = indicators.index(conn)
    return render_template("indicators.html", **context)


@bp.get("/map", endpoint="map")
def indicator_map():
    args = request.args
    code, kind = params.code(args, "indicator"), params.code(args, "kind")
    category, period = args.get("category"), params.period(args)
    with db.read() as conn:
        context = indicators.map_page(conn, current_app.config["LAGUNA"], code, category, kind,
                                      period)
    return render_template("indicator_map.html", **context)


@bp.get("/<code>")
def detail(code: str):
    args = request.args
    kind, zone = params.code(args, "kind"), params.integer(args, "zone", None, low=1)
    page = params.page(args, 1000, default=100)
    with db.read() as conn:
        context = indicators.detail(conn, current_app.config["LAGUNA"], code,
                                    args.get("category"), kind, zone, page)
    return render_template("indicator.html", **context)

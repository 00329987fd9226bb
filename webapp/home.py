"""The home page (the map viewer fills it in a later issue)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template_string

bp = Blueprint("home", __name__)

PAGE = """<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>laguna</title></head>
<body><h1>laguna</h1>
<p>Venezia e la sua Laguna: monitoraggio dello stato di conservazione.</p>
<p lang="en">Venice and its Lagoon: state of conservation monitoring.</p>
<p>{{ store }}</p></body></html>"""


@bp.get("/")
def index():
    from geoprocessing.store.admin import status

    return render_template_string(PAGE, store=status(current_app.config["LAGUNA"]).detail)

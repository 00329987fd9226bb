"""The read-only JSON API behind the pages (GeoJSON where spatial).

Every list is paged (``limit``, ``offset``; ``links`` to the next/previous page) and
takes simple filters; spatial lists also take ``bbox`` (EPSG:4326) and ``zoom`` (geometry
simplified to half a pixel at that zoom). Errors: ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import orjson
from flask import Blueprint, current_app, request, url_for

from geoprocessing.errors import InvalidInput, NotFound

from .. import db, params, responses
from ..queries import catalogue, indicators, plan, runs, site
from ..queries import zones as zone_queries
from ..queries.zones import STATUSES

bp = Blueprint("api", __name__, url_prefix="/api")


def settings():
    return current_app.config["LAGUNA"]


def page() -> params.Page:
    return params.page(request.args, settings().max_page_size)


@bp.get("/")
def index():
    return responses.json({"title": "laguna API", "endpoints": [
        url_for("api.zones"), url_for("api.layers"), url_for("api.projects"),
        url_for("api.indicators_list"), url_for("api.values"), url_for("api.stations"),
        url_for("api.search")]})


@bp.get("/zones")
def zones():
    args = request.args
    pg, box, zoom = page(), params.bbox(args), params.zoom(args)
    kind, code = params.code(args, "kind"), params.code(args, "code")
    status = params.choice(args, "status", STATUSES, "current")
    q = params.text(args, "q")
    with db.read() as conn:
        found = zone_queries.zones_geojson(conn, pg, kind=kind, status=status, code=code, q=q,
                                    bbox=box, zoom=zoom, srid=settings().storage_srid)
    return responses.geojson(found)


@bp.get("/zones/<int:zone_id>")
def zone(zone_id: int):
    with db.read() as conn:
        found = zone_queries.zone(conn, zone_id)
    geometry = found.pop("geojson")
    return responses.json({"type": "Feature", "id": found["id"], "properties": found,
                           "geometry": _raw(geometry)})


def _raw(text: str | None):
    return None if text is None else orjson.loads(text)


@bp.get("/layers")
def layers():
    kind = params.choice(request.args, "kind", ("vector", "raster"))
    with db.read() as conn:
        found = catalogue.layers(conn, kind)
    return responses.json({"layers": [_layer_json(r) for r in found]})


def _layer_json(row: dict) -> dict:
    out = {k: v for k, v in row.items() if k not in ("id",)}
    if row["kind"] == "vector" and row["version"] is not None:
        out["features"] = url_for("api.layer_features", layer=row["name"])
    if row["kind"] == "raster" and row["dates"]:
        out["tiles"] = [f"{request.script_root}/tiles/raster/{row['name']}/{d.isoformat()}/{{z}}/{{x}}/{{y}}.png"
                        for d in row["dates"]]
    return out


@bp.get("/layers/<layer>")
def layer(layer: str):
    with db.read() as conn:
        found = catalogue.layer(conn, layer)
    return responses.json(_layer_json(found))


@bp.get("/layers/<layer>/features")
def layer_features(layer: str):
    args = request.args
    pg, box, zoom = page(), params.bbox(args), params.zoom(args)
    point = params.flag(args, "point")
    with db.read() as conn:
        lay = catalogue.vector_layer(conn, layer)
        found = catalogue.features(conn, lay, args, pg, bbox=box, zoom=zoom, point=point,
                                   storage_srid=settings().storage_srid)
    return responses.geojson(found)


def project_filter(args) -> plan.ProjectFilter:
    return plan.ProjectFilter(
        challenge=params.code(args, "challenge"),
        action_plan=params.integer(args, "action_plan", None, low=1),
        status=params.choice(args, "status", plan.STATUSES),
        lead_body=params.code(args, "lead_body"),
        funding=params.code(args, "funding"))


@bp.get("/projects")
def projects():
    args = request.args
    pg, box, zoom = page(), params.bbox(args), params.zoom(args)
    flt, point = project_filter(args), params.flag(args, "point")
    with db.read() as conn:
        found = plan.projects_geojson(conn, flt, pg, bbox=box, zoom=zoom, point=point,
                                      srid=settings().storage_srid)
    return responses.geojson(found)


@bp.get("/projects/<int:project_id>")
def project(project_id: int):
    with db.read() as conn:
        found = plan.project(conn, project_id)
    geometry = found.pop("geojson")
    return responses.json({"type": "Feature", "id": found["id"], "properties": found,
                           "geometry": _raw(geometry)})


@bp.get("/indicators")
def indicators_list():
    with db.read() as conn:
        found = indicators.indicators(conn)
    for row in found:
        row["url"] = url_for("api.indicator", code=row["code"])
    return responses.json({"indicators": found})


@bp.get("/indicators/<code>")
def indicator(code: str):
    with db.read() as conn:
        found = indicators.indicator(conn, code)
        found["categories"] = indicators.categories(conn, found["id"])
    found["values"] = url_for("api.values", indicator=code)
    return responses.json(found)


def value_filter(conn, args) -> indicators.ValueFilter:
    """Values by indicator code, zone id, station code, category, period, zone kind, run."""
    code = params.code(args, "indicator")
    indicator_id = None
    if code:
        indicator_id = indicators.indicator(conn, code)["id"]
    station = params.code(args, "station")
    station_id = None
    if station:
        row = conn.execute("SELECT id FROM laguna.stations WHERE code = %s", (station,)).fetchone()
        if row is None:
            raise NotFound(f"There is no station with code '{station}'.")
        station_id = row[0]
    return indicators.ValueFilter(
        indicator_id=indicator_id, zone_id=params.integer(args, "zone", None, low=1),
        station_id=station_id, category=args.get("category") if "category" in args else None,
        period=params.period(args), zone_kind=params.code(args, "zone_kind"),
        job_run_id=params.integer(args, "run", None, low=1))


@bp.get("/values")
def values():
    args = request.args
    pg, box, zoom = page(), params.bbox(args), params.zoom(args)
    with_geometry = params.flag(args, "geometry", True)
    category = args.get("category")
    if category is not None and len(category) > 100:
        raise InvalidInput("Parameter 'category' is longer than 100 characters.")
    with db.read() as conn:
        flt = value_filter(conn, args)
        if with_geometry:
            found = indicators.values_geojson(conn, flt, pg, zoom=zoom, bbox=box,
                                              srid=settings().storage_srid)
            return responses.geojson(found)
        if box is not None:
            raise InvalidInput("Parameter 'bbox' needs geometry: leave out geometry=false.")
        found, more = indicators.values(conn, flt, pg)
    return responses.json({"values": found, "numberReturned": len(found),
                           "links": responses.page_links(more, pg.limit, pg.offset)})


@bp.get("/stations")
def stations():
    args = request.args
    pg, box = page(), params.bbox(args)
    kind = params.choice(args, "kind", ("tide_gauge", "water_quality", "meteo", "other"))
    with db.read() as conn:
        found = site.stations_geojson(conn, pg, kind=kind, bbox=box, srid=settings().storage_srid)
    return responses.geojson(found)


@bp.get("/search")
def search():
    q = params.text(request.args, "q")
    if not q or len(q) < 2:
        raise InvalidInput("Parameter 'q' must have at least 2 characters to search for.")
    limit = params.integer(request.args, "limit", 12, low=1, high=50)
    lang = "en" if request.args.get("lang") == "en" else "it"
    with db.read() as conn:
        found = site.search(conn, q, limit)
    results = []
    for r in found:
        name = r[f"name_{lang}"] or r["name_it"]
        kind = r["kind"]
        url = (url_for("zones.detail", zone_id=r["id"]) if r["type"] == "zone"
               else url_for("projects.detail", project_id=r["id"]))
        results.append({"type": r["type"], "id": r["id"], "kind": kind, "code": r["code"],
                        "name": name, "label": f"{name} ({r['code']})", "url": url,
                        "bbox": [r["w"], r["s"], r["e"], r["n"]] if r["w"] is not None else None})
    return responses.json({"results": results})


@bp.get("/runs/<int:run_id>")
def run(run_id: int):
    with db.read() as conn:
        found = runs.run(conn, run_id)
    return responses.json(found)

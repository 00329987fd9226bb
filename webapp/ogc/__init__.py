"""OGC API - Features under ``/ogc``: thin Flask views over :mod:`geoprocessing.features`.

Each view parses the request, calls one function of the features package (or of
:mod:`.documents` to shape the answer) and renders JSON, GeoJSON or HTML. Every error
becomes the OGC exception document ``{"code": ..., "description": ...}``.
"""

from __future__ import annotations

import os
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from geoprocessing import features
from geoprocessing.errors import InvalidInput, LagunaError, NotFound
from geoprocessing.features import collections as colls
from geoprocessing.features import downloads as fdownloads
from geoprocessing.features import params as fparams
from geoprocessing.features import query

from . import documents, downloads, openapi

bp = Blueprint("ogc", __name__, template_folder="templates")

JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
DEFAULT_LIMIT = 10
# Only reading is offered; other methods get the OGC exception with 405, not Flask's page.
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
_OGC_CODES = {400: "InvalidParameterValue", 404: "NotFound", 405: "MethodNotAllowed",
              406: "NotAcceptable", 503: "ServiceUnavailable"}


def _route(rule: str):
    def register(view):
        def guarded(**kwargs):
            if request.method not in ("GET", "HEAD"):
                return _exception(405, f"{request.method} is not allowed here: this API is "
                                       "read-only.", {"Allow": "GET, HEAD"})
            return view(**kwargs)

        guarded.__name__ = view.__name__
        return bp.route(rule, methods=_METHODS, strict_slashes=False)(guarded)

    return register


# -- errors -----------------------------------------------------------------------------
def _exception(status: int, description: str, headers: dict | None = None) -> Response:
    body = query.dumps({"code": _OGC_CODES.get(status, "NoApplicableCode"),
                        "description": description})
    return Response(body, status=status, mimetype=JSON, headers=headers)


@bp.errorhandler(LagunaError)
def _laguna_error(exc: LagunaError):
    return _exception(exc.http_status, exc.message)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _exception(exc.code or 500, exc.description or exc.name)
    current_app.logger.exception("OGC API request failed: %s", request.full_path)
    return _exception(500, "The server met an unexpected error; it has been logged.")


# -- helpers ----------------------------------------------------------------------------
def _settings():
    return current_app.config["LAGUNA"]


def _format(json_type: str = JSON) -> str:
    """The response format: ``f`` (json, geojson, html) first, else the Accept header."""
    f = request.args.get("f")
    if f is not None:
        chosen = {"json": json_type, "geojson": GEOJSON, "html": HTML}.get(f)
        if chosen is None or (f == "geojson" and json_type != GEOJSON):
            allowed = "json, geojson or html" if json_type == GEOJSON else "json or html"
            raise InvalidInput(f"f must be {allowed}, not {f!r}.")
        return chosen
    best = request.accept_mimetypes.best_match([json_type, JSON, HTML], default=json_type)
    return HTML if best == HTML else json_type


def _only(*allowed: str) -> None:
    unknown = [k for k in request.args if k not in ("f", *allowed)]
    if unknown:
        raise InvalidInput(f"Unknown query parameter {unknown[0]!r}.")


def _json(document, media_type: str = JSON, headers: dict | None = None) -> Response:
    return Response(query.dumps(document), mimetype=media_type, headers=headers)


LEAFLET = "vendor/leaflet@1.9.3/dist/"


def _html(template: str, **context) -> Response:
    # The web app vendors Leaflet; when it is there, feature pages draw a small map that
    # fetches the page's own GeoJSON (no data inside the script, no base map, no CDN).
    static = current_app.static_folder
    leaflet = bool(static) and os.path.exists(os.path.join(static, LEAFLET, "leaflet.js"))
    return Response(render_template(f"ogc/{template}", leaflet=leaflet and LEAFLET, **context),
                    mimetype=HTML)


def _base() -> str:
    """The API's absolute root URL (``http://host/ogc``), wherever the blueprint is mounted."""
    return url_for("ogc.landing", _external=True).rstrip("/")


def _map_url() -> str:
    """This request's GeoJSON in CRS84, for the page's map."""
    args = {k: v for k, v in request.args.items() if k not in ("f", "crs")}
    return request.base_url + "?" + urlencode({**args, "f": "json"})


# -- landing, conformance, API ---------------------------------------------------------
@_route("/")
def landing():
    _only()
    fmt = _format()
    doc = documents.landing(_base())
    return _html("landing.html", doc=doc) if fmt == HTML else _json(doc)


@_route("/conformance")
def conformance():
    _only()
    fmt = _format()
    doc = documents.conformance(_base())
    return _html("conformance.html", doc=doc) if fmt == HTML else _json(doc)


@_route("/api")
def api():
    _only()
    fmt = _format(OPENAPI)
    with features.reading(_settings()) as conn:
        collections = colls.all_collections(conn, _settings().storage_srid)
        examples = {c.id: query.first_id(conn, c) for c in collections}
    doc = openapi.document(_base(), collections, examples, _settings().max_page_size,
                           DEFAULT_LIMIT)
    return _html("api.html", doc=doc) if fmt == HTML else _json(doc, OPENAPI)


# -- collections ------------------------------------------------------------------------
@_route("/collections")
def collections():
    _only()
    fmt = _format()
    with features.reading(_settings()) as conn:
        found = colls.all_collections(conn, _settings().storage_srid)
        docs = [documents.collection(_base(), c, query.spatial_extent(conn, c),
                                     query.temporal_extent(conn, c)) for c in found]
    doc = documents.collections(_base(), docs)
    return _html("collections.html", doc=doc) if fmt == HTML else _json(doc)


@_route("/collections/<collection_id>")
def collection(collection_id: str):
    _only()
    fmt = _format()
    with features.reading(_settings()) as conn:
        c = colls.get_collection(conn, _settings().storage_srid, collection_id)
        doc = documents.collection(_base(), c, query.spatial_extent(conn, c),
                                   query.temporal_extent(conn, c))
    return _html("collection.html", doc=doc) if fmt == HTML else _json(doc)


@_route("/collections/<collection_id>/queryables")
def queryables(collection_id: str):
    _only()
    fmt = _format("application/schema+json")
    with features.reading(_settings()) as conn:
        c = colls.get_collection(conn, _settings().storage_srid, collection_id)
    doc = documents.queryables(_base(), c)
    if fmt == HTML:
        return _html("queryables.html", doc=doc, collection_id=c.id)
    return _json(doc, "application/schema+json")


@_route("/collections/<collection_id>/items")
def items(collection_id: str):
    fmt = _format(GEOJSON)
    s = _settings()
    with features.reading(s) as conn:
        c = colls.get_collection(conn, s.storage_srid, collection_id)
        req = fparams.parse_items(request.args, queryables=tuple(c.queryables),
                                  default_limit=DEFAULT_LIMIT, max_limit=s.max_page_size)
        page = query.items(conn, c, req)
    doc = documents.items(_base(), c, req, page, request.args)
    headers = {"Content-Crs": f"<{page.crs.uri}>"}
    if fmt == HTML:
        response = _html("items.html", doc=doc, collection=c, geojson_url=_map_url())
        response.headers.update(headers)
        return response
    return _json(doc, GEOJSON, headers)


@_route("/collections/<collection_id>/items/<feature_id>")
def item(collection_id: str, feature_id: str):
    _only("crs")
    fmt = _format(GEOJSON)
    s = _settings()
    with features.reading(s) as conn:
        c = colls.get_collection(conn, s.storage_srid, collection_id)
        feature, out = query.item(conn, c, feature_id, request.args.get("crs"))
    doc = documents.feature(_base(), c, feature, request.args)
    headers = {"Content-Crs": f"<{out.uri}>"}
    if fmt == HTML:
        response = _html("item.html", doc=doc, collection=c, geojson_url=_map_url())
        response.headers.update(headers)
        return response
    return _json(doc, GEOJSON, headers)


# -- downloads (the exports of ``laguna export``, streamed) ------------------------------
@_route("/downloads")
def downloads_index():
    _only()
    fmt = _format()
    with features.reading(_settings()) as conn:
        found = fdownloads.available(conn)
    doc = documents.downloads(_base(), found)
    return _html("downloads.html", doc=doc) if fmt == HTML else _json(doc)


@_route("/downloads/snapshot.gpkg")
def download_snapshot():
    _only()
    return downloads.snapshot()


@_route("/downloads/layers/<name>.gpkg")
def download_layer(name: str):
    _only()
    return downloads.layer(name)


@_route("/downloads/indicators.csv")
def download_indicators():
    _only("indicator")
    return downloads.indicators()


@_route("/downloads/rasters/<name>.tif")
def download_raster(name: str):
    _only("date")
    return downloads.raster(name)


@_route("/<path:anything>")
def unknown(anything: str):
    raise NotFound(f"There is no resource /{anything} in this API: start from the landing page.")


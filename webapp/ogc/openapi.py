"""The OpenAPI 3.0 definition of the API, built from the collections the store publishes.

Self-contained: every schema is in ``components`` (no remote ``$ref``), so validators
and schemathesis work offline. Each collection gets its own items path, listing its
queryables as query parameters (property equality), as OGC API Features suggests.
"""

from __future__ import annotations

from geoprocessing.features import crs as crs_mod
from geoprocessing.features.collections import DATE, DATETIME, Collection
from geoprocessing.features.params import MAX_OFFSET

from .documents import GEOJSON, HTML, JSON, OPENAPI, TITLE_EN, TITLE_IT

_REF = "#/components/"


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"{_REF}{kind}/{name}"}


def _content(schema_name: str, media: str = JSON, html: bool = True) -> dict:
    content = {media: {"schema": _ref("schemas", schema_name)}}
    if html:
        content[HTML] = {"schema": {"type": "string"}}
    return content


def _errors(*statuses: int) -> dict:
    texts = {400: "Richiesta non valida / Bad request", 404: "Non trovato / Not found",
             405: "Metodo non ammesso / Method not allowed",
             503: "Servizio non disponibile / Service unavailable",
             500: "Errore del server / Server error"}
    return {str(s): {"description": texts[s], "content": _content("exception", html=False)}
            for s in statuses}


def _get(summary: str, op_id: str, ok: dict, parameters: list, tags: list[str],
         errors: tuple[int, ...] = (400, 500)) -> dict:
    return {"get": {"summary": summary, "operationId": op_id, "tags": tags,
                    "parameters": parameters,
                    "responses": {"200": ok, **_errors(*errors)}}}


def _schemas() -> dict:
    link = {"type": "object", "required": ["href"],
            "properties": {"href": {"type": "string"}, "rel": {"type": "string"},
                           "type": {"type": "string"}, "title": {"type": "string"}}}
    links = {"type": "array", "items": _ref("schemas", "link")}
    feature = {"type": "object", "required": ["type", "geometry", "properties"],
               "properties": {"type": {"type": "string", "enum": ["Feature"]},
                              "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                              "geometry": {"type": "object", "nullable": True},
                              "properties": {"type": "object", "nullable": True},
                              "links": links}}
    return {
        "exception": {"type": "object", "required": ["code"],
                      "properties": {"code": {"type": "string"},
                                     "description": {"type": "string"}}},
        "link": link,
        "landingPage": {"type": "object", "required": ["links"],
                        "properties": {"title": {"type": "string"},
                                       "description": {"type": "string"}, "links": links}},
        "confClasses": {"type": "object", "required": ["conformsTo"],
                        "properties": {"conformsTo": {"type": "array",
                                                      "items": {"type": "string"}}}},
        "collection": {"type": "object", "required": ["id", "links"],
                       "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                      "description": {"type": "string"},
                                      "itemType": {"type": "string"},
                                      "crs": {"type": "array", "items": {"type": "string"}},
                                      "storageCrs": {"type": "string"},
                                      "extent": {"type": "object"}, "links": links}},
        "collections": {"type": "object", "required": ["links", "collections"],
                        "properties": {"links": links,
                                       "collections": {"type": "array",
                                                       "items": _ref("schemas", "collection")}}},
        "queryables": {"type": "object", "required": ["properties"],
                       "properties": {"properties": {"type": "object"}}},
        "featureGeoJSON": feature,
        "featureCollectionGeoJSON": {
            "type": "object", "required": ["type", "features"],
            "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                           "features": {"type": "array", "items": _ref("schemas", "featureGeoJSON")},
                           "links": links, "timeStamp": {"type": "string", "format": "date-time"},
                           "numberMatched": {"type": "integer", "minimum": 0},
                           "numberReturned": {"type": "integer", "minimum": 0}}},
        "openapi": {"type": "object"},
    }


def _parameters(max_limit: int, default_limit: int) -> dict:
    def q(name: str, schema: dict, description: str, **extra) -> dict:
        return {"name": name, "in": "query", "required": False, "schema": schema,
                "description": description, **extra}

    return {
        "f": q("f", {"type": "string", "enum": ["json", "html"]},
               "Formato della risposta / Response format", style="form", explode=False),
        "f-items": q("f", {"type": "string", "enum": ["json", "geojson", "html"]},
                     "Formato della risposta / Response format", style="form", explode=False),
        "limit": q("limit", {"type": "integer", "minimum": 1, "maximum": max_limit,
                             "default": default_limit},
                   "Numero massimo di elementi / Most features per page", style="form",
                   explode=False),
        "offset": q("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET,
                               "default": 0},
                    "Elementi da saltare / Features to skip", style="form", explode=False),
        "bbox": q("bbox", {"type": "array", "minItems": 4, "maxItems": 6,
                           "items": {"type": "number"}},
                  "Riquadro (nel bbox-crs, CRS84 se assente) / Bounding box (in bbox-crs, "
                  "CRS84 by default)", style="form", explode=False),
        "datetime": q("datetime", {"type": "string"},
                      "Istante o intervallo RFC 3339 (../ per gli estremi aperti) / RFC 3339 "
                      "instant or interval (.. for open ends)", style="form", explode=False),
        "filter": q("filter", {"type": "string"}, "Filtro CQL2 / CQL2 filter", style="form",
                    explode=False),
        "filter-lang": q("filter-lang", {"type": "string", "enum": ["cql2-text", "cql2-json"],
                                         "default": "cql2-text"},
                         "Linguaggio del filtro / Filter language", style="form", explode=False),
    }


def _crs_parameter(name: str, c: Collection) -> dict:
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": False,
            "schema": {"type": "string", "format": "uri", "enum": list(crs_mod.offered(c.geom_srid)),
                       "default": crs_mod.CRS84},
            "description": f"CRS ({name})"}


def _feature_id(example: int | None) -> dict:
    param = {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "Id dell'elemento / Feature id"}
    if example is not None:
        param["example"] = str(example)
    return param


def _property_parameter(name: str, type_: str) -> dict:
    schema: dict = {"type": "string" if type_ in (DATE, DATETIME) else type_}
    if type_ == DATE:
        schema["format"] = "date"
    elif type_ == DATETIME:
        schema["format"] = "date-time"
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": False,
            "schema": schema, "description": f"Uguale a / Equal to ({name})"}


def document(base: str, collections: list[Collection], examples: dict[str, int | None],
             max_limit: int, default_limit: int) -> dict:
    """The definition; ``examples`` gives an existing feature id per collection."""
    p = lambda name: _ref("parameters", name)  # noqa: E731
    paths: dict = {
        "/": _get("Pagina iniziale / Landing page", "getLandingPage",
                  {"description": "Pagina iniziale / Landing page", "content": _content("landingPage")},
                  [p("f")], ["Capabilities"]),
        "/conformance": _get("Classi di conformità / Conformance classes", "getConformance",
                             {"description": "Conformità / Conformance",
                              "content": _content("confClasses")}, [p("f")], ["Capabilities"]),
        "/api": _get("Questa definizione / This definition", "getApi",
                     {"description": "OpenAPI", "content": _content("openapi", OPENAPI)},
                     [p("f")], ["Capabilities"]),
        "/collections": _get("Collezioni / Collections", "getCollections",
                             {"description": "Collezioni / Collections",
                              "content": _content("collections")}, [p("f")], ["Capabilities"]),
    }
    for c in collections:
        tag = [c.id]
        op = c.id.replace("-", "_")
        props = [_property_parameter(name, prop.type) for name, prop in c.queryables.items()]
        paths[f"/collections/{c.id}"] = _get(
            c.title, f"describe_{op}", {"description": c.title, "content": _content("collection")},
            [p("f")], tag, (400, 404, 500))
        paths[f"/collections/{c.id}/queryables"] = _get(
            f"{c.title}: proprietà interrogabili / queryables", f"queryables_{op}",
            {"description": "JSON Schema", "content": {
                "application/schema+json": {"schema": _ref("schemas", "queryables")},
                HTML: {"schema": {"type": "string"}}}},
            [p("f")], tag, (400, 404, 500))
        paths[f"/collections/{c.id}/items"] = _get(
            f"{c.title}: elementi / items", f"items_{op}",
            {"description": "Elementi / Features",
             "headers": {"Content-Crs": {"schema": {"type": "string"}}},
             "content": _content("featureCollectionGeoJSON", GEOJSON)},
            [p("f-items"), p("limit"), p("offset"), p("bbox"), _crs_parameter("bbox-crs", c),
             _crs_parameter("crs", c), p("datetime"), p("filter"), p("filter-lang"),
             _crs_parameter("filter-crs", c), *props],
            tag, (400, 404, 500, 503))
        paths[f"/collections/{c.id}/items/{{featureId}}"] = _get(
            f"{c.title}: un elemento / one feature", f"item_{op}",
            {"description": "Elemento / Feature",
             "headers": {"Content-Crs": {"schema": {"type": "string"}}},
             "content": _content("featureGeoJSON", GEOJSON)},
            [_feature_id(examples.get(c.id)), p("f-items"), _crs_parameter("crs", c)], tag,
            (400, 404, 500))
    return {
        "openapi": "3.0.3",
        "info": {"title": f"{TITLE_IT} / {TITLE_EN}", "version": "1.0.0",
                 "description": "OGC API - Features (Parts 1, 2, 3) del progetto laguna / "
                                "of the laguna project.",
                 "license": {"name": "EUPL-1.2"}},
        "servers": [{"url": base}],
        "tags": [{"name": "Capabilities"}, *({"name": c.id, "description": c.title}
                                              for c in collections)],
        "paths": paths,
        "components": {"schemas": _schemas(),
                       "parameters": _parameters(max_limit, default_limit)},
    }

"""The JSON documents of the API (landing page, conformance, collections, pages), with links.

Links are absolute (from the request's host), as GDAL and QGIS prefer; every document
links itself and its alternate format.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import urlencode

from geoprocessing.features import crs as crs_mod
from geoprocessing.features.collections import DATE, DATETIME, Collection
from geoprocessing.features.params import ItemsRequest
from geoprocessing.features.query import Page

JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
OGC_REL = "http://www.opengis.net/def/rel/ogc/1.0/"

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/property-property",
    "http://www.opengis.net/spec/cql2/1.0/conf/arithmetic",
)

TITLE_IT = "Venezia e la sua Laguna: dati del monitoraggio"
TITLE_EN = "Venice and its Lagoon: monitoring data"


def _link(href: str, rel: str, type_: str, title: str | None = None) -> dict:
    link = {"href": href, "rel": rel, "type": type_}
    if title:
        link["title"] = title
    return link


def _with(url: str, args: Mapping[str, str], **changes) -> str:
    merged = {k: v for k, v in args.items() if k not in changes}
    merged.update({k: v for k, v in changes.items() if v is not None})
    return f"{url}?{urlencode(merged)}" if merged else url


def landing(base: str) -> dict:
    return {
        "title": f"{TITLE_IT} / {TITLE_EN}",
        "description": "OGC API - Features del sito UNESCO 394: zone, strati, progetti del "
                       "Piano di Gestione, stazioni e valori degli indicatori. / OGC API - "
                       "Features of the UNESCO property 394: zones, layers, Management Plan "
                       "projects, stations and indicator values.",
        "links": [
            _link(f"{base}/?f=json", "self", JSON, "Questa pagina / This document"),
            _link(f"{base}/?f=html", "alternate", HTML, "Questa pagina in HTML / As HTML"),
            _link(f"{base}/api?f=json", "service-desc", OPENAPI,
                  "Definizione OpenAPI 3.0 / OpenAPI 3.0 definition"),
            _link(f"{base}/api?f=html", "service-doc", HTML, "Documentazione / Documentation"),
            _link(f"{base}/conformance?f=json", "conformance", JSON, "Conformità / Conformance"),
            _link(f"{base}/conformance?f=json", OGC_REL + "conformance", JSON),
            _link(f"{base}/collections?f=json", "data", JSON, "Collezioni / Collections"),
            _link(f"{base}/collections?f=json", OGC_REL + "data", JSON),
            _link(f"{base}/downloads?f=json", "enclosure", JSON,
                  "Scaricamenti (GeoPackage, CSV, COG) / Downloads"),
        ],
    }


def conformance(base: str) -> dict:
    return {"conformsTo": list(CONFORMANCE),
            "links": [_link(f"{base}/conformance?f=json", "self", JSON),
                      _link(f"{base}/conformance?f=html", "alternate", HTML)]}


def collection(base: str, c: Collection, bbox: list[float] | None,
               interval: list[str | None] | None) -> dict:
    url = f"{base}/collections/{c.id}"
    extent: dict = {}
    if bbox is not None:
        extent["spatial"] = {"bbox": [bbox], "crs": crs_mod.CRS84}
    if interval is not None:
        extent["temporal"] = {"interval": [interval],
                              "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    doc = {
        "id": c.id, "title": c.title, "description": c.description,
        "itemType": "feature",
        "crs": list(crs_mod.offered(c.geom_srid)),
        "storageCrs": crs_mod.uri_for(c.geom_srid),
        "links": [
            _link(f"{url}?f=json", "self", JSON, c.title),
            _link(f"{url}?f=html", "alternate", HTML, c.title),
            _link(f"{url}/items?f=json", "items", GEOJSON, "Elementi / Items"),
            _link(f"{url}/items?f=html", "items", HTML, "Elementi / Items"),
            _link(f"{url}/queryables?f=json", OGC_REL + "queryables", "application/schema+json",
                  "Proprietà interrogabili / Queryables"),
        ],
        "illustrative": c.illustrative,
    }
    if extent:
        doc["extent"] = extent
    return doc


def collections(base: str, docs: list[dict]) -> dict:
    return {"links": [_link(f"{base}/collections?f=json", "self", JSON),
                      _link(f"{base}/collections?f=html", "alternate", HTML)],
            "collections": docs}


def queryables(base: str, c: Collection) -> dict:
    props: dict = {"geometry": {"title": "Geometria / Geometry",
                                "format": f"geometry-{c.geometry_type.lower()}"
                                if c.geometry_type != "Geometry" else "geometry-any"}}
    for p in c.queryables.values():
        schema: dict = {"type": "string" if p.type in (DATE, DATETIME) else p.type}
        if p.type == DATE:
            schema["format"] = "date"
        elif p.type == DATETIME:
            schema["format"] = "date-time"
        props[p.name] = {"title": p.title or p.name, **schema}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{base}/collections/{c.id}/queryables",
            "type": "object", "title": c.title, "properties": props,
            "additionalProperties": False}


def items(base: str, c: Collection, req: ItemsRequest, page: Page, args: Mapping[str, str]) -> dict:
    url = f"{base}/collections/{c.id}/items"
    json_args = {k: v for k, v in args.items() if k != "f"}
    links = [_link(_with(url, json_args, f="json"), "self", GEOJSON, "Questa pagina / This page"),
             _link(_with(url, json_args, f="html"), "alternate", HTML, "In HTML / As HTML")]
    if page.has_next:
        links.append(_link(_with(url, json_args, f="json", offset=str(req.offset + req.limit),
                                 limit=str(req.limit)), "next", GEOJSON, "Successiva / Next"))
    if req.offset > 0:
        links.append(_link(_with(url, json_args, f="json", offset=str(max(0, req.offset - req.limit)),
                                 limit=str(req.limit)), "prev", GEOJSON, "Precedente / Previous"))
    links.append(_link(f"{base}/collections/{c.id}?f=json", "collection", JSON, c.title))
    doc = {"type": "FeatureCollection", "features": page.features,
           "numberReturned": len(page.features),
           "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
           "links": links}
    if page.number_matched is not None:
        doc["numberMatched"] = page.number_matched
    return doc


def feature(base: str, c: Collection, feat: dict, args: Mapping[str, str]) -> dict:
    url = f"{base}/collections/{c.id}/items/{feat['id']}"
    json_args = {k: v for k, v in args.items() if k != "f"}
    return {**feat, "links": [
        _link(_with(url, json_args, f="json"), "self", GEOJSON),
        _link(_with(url, json_args, f="html"), "alternate", HTML),
        _link(f"{base}/collections/{c.id}?f=json", "collection", JSON, c.title)]}


def downloads(base: str, found: dict) -> dict:
    """The downloads, each with its link: GeoPackage, CSV and COG files."""
    root = f"{base}/downloads"
    gpkg, csv, cog = "application/geopackage+sqlite3", "text/csv", "image/tiff; application=geotiff"
    return {
        "title": "Scaricamenti / Downloads",
        "links": [_link(f"{root}?f=json", "self", JSON), _link(f"{root}?f=html", "alternate", HTML)],
        "snapshot": _link(f"{root}/snapshot.gpkg", "enclosure", gpkg,
                          "Istantanea: zone, strati, progetti, valori / Snapshot: zones, layers, "
                          "projects, indicator values"),
        "layers": [{**layer, "link": _link(f"{root}/layers/{layer['name']}.gpkg", "enclosure", gpkg,
                                           f"{layer['title_it']} / {layer['title_en']}")}
                   for layer in found["layers"]],
        "indicators": [{**ind, "link": _link(f"{root}/indicators.csv?indicator={ind['code']}",
                                             "enclosure", csv, f"{ind['name_it']} / {ind['name_en']}")}
                       for ind in found["indicators"]],
        "all_indicators": _link(f"{root}/indicators.csv", "enclosure", csv,
                                "Tutti i valori degli indicatori / Every indicator value"),
        "rasters": [{**r, "links": [_link(f"{root}/rasters/{r['name']}.tif?date={d}", "enclosure", cog,
                                          f"{r['title_it']} / {r['title_en']} {d}")
                                    for d in r["dates"]]}
                    for r in found["rasters"]],
    }

"""JSON and GeoJSON responses (orjson: dates as ISO 8601, decimals as numbers)."""

from __future__ import annotations

from decimal import Decimal

import orjson
from flask import Response, request, url_for

from .queries.geojson import Collection


def _default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json(obj, status: int = 200) -> Response:
    return Response(orjson.dumps(obj, default=_default), status=status, mimetype="application/json")


def page_links(has_more: bool, limit: int, offset: int) -> list[dict]:
    """next/prev links of a paged response: the same request with another offset."""
    args = {**request.args.to_dict(), **(request.view_args or {})}
    links = []
    if offset > 0:
        links.append({"rel": "prev", "href": url_for(request.endpoint, **{
            **args, "offset": max(0, offset - limit)})})
    if has_more:
        links.append({"rel": "next", "href": url_for(request.endpoint, **{
            **args, "offset": offset + limit})})
    return links


def geojson(collection: Collection) -> Response:
    links = page_links(collection.has_more, collection.page.limit, collection.page.offset)
    return Response(collection.text(links), mimetype="application/geo+json")

"""How errors reach the browser: mapped once from :mod:`geoprocessing.errors`.

Every :class:`~geoprocessing.errors.LagunaError` carries its HTTP status and a user-safe
sentence. API and tile requests get one JSON shape,
``{"error": {"code": ..., "message": ...}}``; pages get the same sentence in HTML.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from geoprocessing.errors import LagunaError

log = logging.getLogger("laguna.web")

JSON_PREFIXES = ("/api/", "/tiles/")


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def respond(status: int, code: str, message: str):
    if wants_json():
        return {"error": {"code": code, "message": message}}, status
    return render_template("error.html", status=status, code=code, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(LagunaError)
    def laguna_error(exc: LagunaError):
        if exc.http_status >= 500:
            log.warning("%s %s: %s", request.method, request.path, exc.message)
        return respond(exc.http_status, exc.code, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = {404: _("There is no page at this address."),
                    405: _("This address does not accept that method.")}
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.code, "http_error")
        return respond(exc.code or 500, code, messages.get(exc.code, exc.description or exc.name))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # noqa: BLE001 - the one place that catches everything
        log.exception("unexpected error on %s %s", request.method, request.path)
        return respond(500, "error", _("Something went wrong on our side; the error was logged."))

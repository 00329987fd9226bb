"""The map viewer and web API: a Flask application over :mod:`geoprocessing`."""

from __future__ import annotations

from flask import Flask

from geoprocessing.config import Settings, get_settings


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    """Application factory: ``settings`` and ``test_config`` let tests inject their own."""
    app = Flask(__name__)
    app.config["LAGUNA"] = settings or get_settings()
    app.config["SECRET_KEY"] = app.config["LAGUNA"].secret_key
    if test_config:
        app.config.update(test_config)

    from . import home
    from .ogc import bp as ogc_bp

    app.register_blueprint(home.bp)
    app.register_blueprint(ogc_bp, url_prefix="/ogc")
    return app

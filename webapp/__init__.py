"""The map viewer and web API: a Flask application over :mod:`geoprocessing`.

``create_app`` builds the app: settings, the connection pool, languages, error handling
and one blueprint per area (``views.BLUEPRINTS``). Another package mounts itself with one
line, e.g. ``app.register_blueprint(ogc.bp, url_prefix="/ogc")`` (``/ogc`` is kept free).
"""

from __future__ import annotations

import atexit

from flask import Flask

from geoprocessing.config import Settings, get_settings


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    """Application factory: ``settings`` and ``test_config`` let tests inject their own."""
    app = Flask(__name__)
    app.config["LAGUNA"] = settings or get_settings()
    app.config["SECRET_KEY"] = app.config["LAGUNA"].secret_key
    app.config["JSON_SORT_KEYS"] = False
    if test_config:
        app.config.update(test_config)
    app.jinja_env.autoescape = True  # every template, whatever its file name
    app.url_map.strict_slashes = False

    from . import db, errors, i18n, labels
    from .ogc import bp as ogc_bp
    from .reports import bp as reports_bp
    from .views import BLUEPRINTS

    db.init_app(app)
    atexit.register(db.close, app)
    i18n.init_app(app)
    errors.init_app(app)
    app.jinja_env.globals["labels"] = labels.all_labels
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(ogc_bp, url_prefix="/ogc")
    app.register_blueprint(reports_bp)
    return app

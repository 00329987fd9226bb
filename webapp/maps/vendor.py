"""Folium with no CDN: every script, style sheet and font is served by the app.

Folium's classes name their assets in ``default_js`` / ``default_css`` (class attributes
pointing to CDNs). The subclasses here set those lists *on the instance*, to the copies
under ``static/vendor/`` (fetched with ``npm pack``; see ``static/vendor/README.md``), so
the class-wide lists stay untouched and nothing is ever fetched from the internet.
"""

from __future__ import annotations

import folium
from flask import url_for
from folium import plugins

# name -> path under static/vendor/ (versions pinned to what Folium 0.20 expects, or newer
# compatible releases where the pinned one is not on npm).
JS = {
    "leaflet": "leaflet@1.9.3/dist/leaflet.js",
    "jquery": "jquery@3.7.1/dist/jquery.min.js",
    "bootstrap": "bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
    "awesome_markers": "leaflet.awesome-markers@2.0.5/dist/leaflet.awesome-markers.js",
    "fullscreen": "leaflet.fullscreen@3.0.0/Control.FullScreen.js",
    "measure": "leaflet-measure@2.1.7/dist/leaflet-measure.js",
    "mouse_position": "leaflet-mouse-position@1.2.0/src/L.Control.MousePosition.js",
    "search": "leaflet-search@2.9.7/dist/leaflet-search.min.js",
    "markercluster": "leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js",
    "vectorgrid": "leaflet.vectorgrid@1.3.0/dist/Leaflet.VectorGrid.bundled.min.js",
}
CSS = {
    "leaflet_css": "leaflet@1.9.3/dist/leaflet.css",
    "bootstrap_css": "bootstrap@5.2.2/dist/css/bootstrap.min.css",
    "awesome_markers_font_css": "fontawesome-free@6.2.0/css/all.min.css",
    "awesome_markers_css": "leaflet.awesome-markers@2.0.5/dist/leaflet.awesome-markers.css",
    "awesome_rotate_css": "leaflet.awesome.rotate.min.css",
    "fullscreen_css": "leaflet.fullscreen@3.0.0/Control.FullScreen.css",
    "measure_css": "leaflet-measure@2.1.7/dist/leaflet-measure.css",
    "mouse_position_css": "leaflet-mouse-position@1.2.0/src/L.Control.MousePosition.css",
    "search_css": "leaflet-search@2.9.7/dist/leaflet-search.min.css",
    "markercluster_css": "leaflet.markercluster@1.5.3/dist/MarkerCluster.css",
    "markercluster_default_css": "leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css",
}


def vendor_url(path: str) -> str:
    return url_for("static", filename=f"vendor/{path}")


def js(*names: str) -> list[tuple[str, str]]:
    return [(n, vendor_url(JS[n])) for n in names]


def css(*names: str) -> list[tuple[str, str]]:
    return [(n, vendor_url(CSS[n])) for n in names]


class Map(folium.Map):
    """folium.Map with local assets (no glyphicons: markers use Font Awesome icons)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("tiles", None)
        kwargs.setdefault("control_scale", True)
        super().__init__(**kwargs)
        self.default_js = [*js("leaflet", "jquery", "bootstrap", "awesome_markers"),
                           ("laguna_maps", url_for("static", filename="laguna/maps.js"))]
        self.default_css = [*css("leaflet_css", "bootstrap_css", "awesome_markers_font_css",
                                 "awesome_markers_css", "awesome_rotate_css"),
                            ("laguna_css", url_for("static", filename="laguna/laguna.css"))]


class Fullscreen(plugins.Fullscreen):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.default_js = js("fullscreen")
        self.default_css = css("fullscreen_css")


class MeasureControl(plugins.MeasureControl):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.default_js = js("measure")
        self.default_css = css("measure_css")


class MousePosition(plugins.MousePosition):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.default_js = js("mouse_position")
        self.default_css = css("mouse_position_css")

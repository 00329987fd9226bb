"""The viewer's own Folium elements: thin wrappers over ``static/laguna/maps.js``.

Each element hands its options to one function of ``maps.js`` as JSON (Jinja's
``tojson`` escapes ``<``, ``>`` and ``&``, so no store text can close the script). Text
from the store never becomes HTML on the client: popups, legends, search results and the
banner are built with ``textContent``. Names shown by Leaflet's layer control (which uses
``innerHTML``) are escaped here with :func:`markupsafe.escape`.
"""

from __future__ import annotations

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template
from markupsafe import escape

from .vendor import css, js


def label(text: str) -> str:
    """A layer name as Leaflet's layer control may safely insert it (it uses innerHTML)."""
    return str(escape(text))


class DataLayer(JSCSSMixin, Layer):
    """GeoJSON features from one of the app's API URLs (or inline), styled and with popups.

    ``options`` (see ``laguna.dataLayer`` in maps.js): ``url`` or ``data``, ``style``,
    ``popup``, ``cluster``, ``reload`` (fetch again with finer geometry when zooming in),
    ``fit`` (zoom the map to the features once loaded).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = laguna.dataLayer({{ this._parent.get_name() }},
                                                     {{ this.options|tojson }});
        {% endmacro %}""")

    def __init__(self, name: str, options: dict, *, show: bool = True, control: bool = True):
        super().__init__(name=label(name), overlay=True, control=control, show=show)
        self._name = "DataLayer"
        self.options = options
        if options.get("cluster"):
            self.default_js = js("markercluster")
            self.default_css = css("markercluster_css", "markercluster_default_css")


class VectorTiles(JSCSSMixin, Layer):
    """A large layer drawn from the app's Mapbox Vector Tiles (Leaflet.VectorGrid)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = laguna.vectorTiles({{ this._parent.get_name() }},
                                                       {{ this.options|tojson }});
        {% endmacro %}""")

    def __init__(self, name: str, options: dict, *, show: bool = True):
        super().__init__(name=label(name), overlay=True, control=True, show=show)
        self._name = "VectorTiles"
        self.options = options
        self.default_js = js("vectorgrid")


class TileLayer(Layer):
    """An XYZ raster tile layer (the app's own tiles, or the online basemap)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.tileLayer({{ this.url|tojson }}, {{ this.options|tojson }});
        {% endmacro %}""")

    def __init__(self, name: str, url: str, *, overlay: bool, show: bool, attribution: str = "",
                 max_native_zoom: int = 19, opacity: float = 1.0, key: str = ""):
        super().__init__(name=label(name), overlay=overlay, control=True, show=show)
        self._name = "TileLayer"
        self.url = url
        self.options = {"attribution": str(escape(attribution)), "maxZoom": 22,
                        "maxNativeZoom": max_native_zoom, "opacity": opacity,
                        "className": f"laguna-tiles {key}".strip()}


class BlankBase(Layer):
    """A base layer with nothing in it: the map without any basemap."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        {% endmacro %}""")

    def __init__(self, name: str, *, show: bool = False):
        super().__init__(name=label(name), overlay=False, control=True, show=show)
        self._name = "BlankBase"


class Legend(MacroElement):
    """One legend control with a section per layer, shown while the layer is on the map.

    ``sections``: list of {"layer": element, "title": str, "items": [...], "ramp": {...}}.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        laguna.legend({{ this._parent.get_name() }}, {{ this.title|tojson }}, [
          {%- for s in this.sections %}
            {layer: {{ s.layer.get_name() if s.layer else 'null' }},
             spec: {{ s.spec|tojson }}},
          {%- endfor %}
        ]);
        {% endmacro %}""")

    def __init__(self, title: str, sections: list[dict]):
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.sections = [{"layer": s.get("layer"),
                          "spec": {k: v for k, v in s.items() if k != "layer"}} for s in sections]


class Banner(MacroElement):
    """A notice across the top of the map (the 'illustrative data' label)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        laguna.banner({{ this._parent.get_name() }}, {{ this.text|tojson }}, {{ this.css_class|tojson }});
        {% endmacro %}""")

    def __init__(self, text: str, css_class: str = "laguna-illustrative"):
        super().__init__()
        self._name = "Banner"
        self.text = text
        self.css_class = css_class


class OfflineFallback(MacroElement):
    """Switches from the online basemap to ``fallback`` (an offline one, or none) after a few
    tiles fail to load, with a notice."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        laguna.offlineFallback({{ this._parent.get_name() }}, {{ this.online.get_name() }},
                               {{ this.fallback.get_name() if this.fallback else 'null' }}, {{ this.text|tojson }});
        {% endmacro %}""")

    def __init__(self, online: Layer, fallback: Layer | None, text: str):
        super().__init__()
        self._name = "OfflineFallback"
        self.online, self.fallback, self.text = online, fallback, text


class Search(JSCSSMixin, MacroElement):
    """Search by name through the app's /api/search, zooming to the chosen feature."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        laguna.search({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}""")

    def __init__(self, options: dict):
        super().__init__()
        self._name = "Search"
        self.options = options
        self.default_js = js("search")
        self.default_css = css("search_css")


class Script(MacroElement):
    """A call to one function of maps.js with the map and JSON options (page-specific maps)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = laguna[{{ this.function|tojson }}]({{ this._parent.get_name() }},
                                                                      {{ this.options|tojson }});
        {% endmacro %}""")

    def __init__(self, function: str, options: dict):
        super().__init__()
        self._name = "Script"
        self.function = function
        self.options = options

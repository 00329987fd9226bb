"""QGIS styles (QML) from a layer file's style and legend.

Exports put them in a GeoPackage's ``layer_styles`` table (QGIS applies the default one
when the layer is opened) or beside a raster as ``<name>.qml`` (QGIS reads it too).
Labels are bilingual, Italian first.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from .catalogue import LayerDef

HEAD = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"


def _rgba(hex_colour: str, alpha: float = 1.0) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"{r},{g},{b},{round(alpha * 255)}"


def _opt(name: str, value) -> str:
    return f'<Option name="{name}" type="QString" value={quoteattr(str(value))}/>'


def _symbol(layer: LayerDef, index: int, colour: str | None) -> str:
    s = layer.style
    fill = colour or s.fill or "#9e9e9e"
    kind = (layer.geometry_type or "Geometry").removeprefix("Multi")
    if kind == "Point":
        sym_type, cls = "marker", "SimpleMarker"
        opts = [_opt("name", "circle"), _opt("color", _rgba(fill, s.fill_opacity)),
                _opt("outline_color", _rgba(s.stroke)), _opt("outline_width", s.stroke_width),
                _opt("outline_width_unit", "Pixel"), _opt("size", s.radius * 2),
                _opt("size_unit", "Pixel")]
    elif kind == "LineString":
        sym_type, cls = "line", "SimpleLine"
        opts = [_opt("line_color", _rgba(colour or s.stroke)), _opt("line_width", s.stroke_width),
                _opt("line_width_unit", "Pixel"), _opt("line_style", "solid")]
    else:
        sym_type, cls = "fill", "SimpleFill"
        opts = [_opt("color", _rgba(fill, s.fill_opacity)), _opt("outline_color", _rgba(s.stroke)),
                _opt("outline_width", s.stroke_width), _opt("outline_width_unit", "Pixel"),
                _opt("style", "solid" if (colour or s.fill) else "no"), _opt("outline_style", "solid")]
    return (f'<symbol type="{sym_type}" name="{index}" alpha="1" clip_to_extent="1" force_rhr="0">'
            f'<layer class="{cls}" enabled="1" pass="0" locked="0"><Option type="Map">'
            + "".join(opts) + "</Option></layer></symbol>")


def vector_qml(layer: LayerDef) -> str:
    s = layer.style
    if s.type == "categorized" and s.field:
        cats = "".join(
            f'<category render="true" symbol="{i}" value={quoteattr(str(c.value))} '
            f'label={quoteattr(c.label.it + " / " + c.label.en)}/>' for i, c in enumerate(s.classes))
        symbols = "".join(_symbol(layer, i, c.colour) for i, c in enumerate(s.classes))
        renderer = (f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(s.field)} '
                    'symbollevels="0" enableorderby="0" forceraster="0">'
                    f"<categories>{cats}</categories><symbols>{symbols}</symbols></renderer-v2>")
    else:
        renderer = ('<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" '
                    f'forceraster="0"><symbols>{_symbol(layer, 0, None)}</symbols></renderer-v2>')
    return (HEAD + '<qgis version="3.28.0" styleCategories="Symbology">'
            + renderer + "</qgis>\n")


def raster_qml(layer: LayerDef) -> str:
    entries = layer.legend
    if layer.classified:
        items = "".join(f'<paletteEntry value="{int(e.value)}" color="{e.colour}" alpha="255" '
                        f'label={quoteattr(e.label.it + " / " + e.label.en)}/>' for e in entries)
        renderer = ('<rasterrenderer type="paletted" band="1" opacity="1" alphaBand="-1" '
                    f'nodataColor=""><colorPalette>{items}</colorPalette></rasterrenderer>')
    else:
        items = "".join(f'<item value="{e.value:g}" color="{e.colour}" alpha="255" '
                        f'label={quoteattr(e.label.it + " / " + e.label.en)}/>' for e in entries)
        low = min((e.value for e in entries), default=0)
        high = max((e.value for e in entries), default=1)
        renderer = ('<rasterrenderer type="singlebandpseudocolor" band="1" opacity="1" '
                    f'alphaBand="-1" classificationMin="{low:g}" classificationMax="{high:g}" '
                    'nodataColor=""><rastershader><colorrampshader colorRampType="INTERPOLATED" '
                    f'classificationMode="1" clip="0">{items}</colorrampshader></rastershader>'
                    "</rasterrenderer>")
    return (HEAD + '<qgis version="3.28.0" styleCategories="Symbology"><pipe>'
            + renderer + "</pipe></qgis>\n")

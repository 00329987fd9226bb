"""Static maps of the PDF (and of the HTML where no interactive map is needed), drawn
from the store with geopandas and matplotlib, in the storage CRS, with no internet: the
background is the store's own land-cover raster, read from its overviews at low
resolution. Each function returns PNG bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot

import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import rasterio  # noqa: E402
from matplotlib.colors import Normalize, to_rgba  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib_scalebar.scalebar import ScaleBar  # noqa: E402
from rasterio.enums import Resampling  # noqa: E402

from . import text  # noqa: E402
from .labels import legend_label  # noqa: E402

WIDTH_IN, HEIGHT_IN, DPI = 6.8, 4.6, 130
MAX_BASEMAP_PX = 900    # display grid of raster backgrounds
MAX_DETAIL_PX = 4096    # grid on which land-cover changes are found
FONT = "DejaVu Sans"

KIND_STYLES = {  # zone kinds with no catalogue style (colours as in the map viewer)
    "property": {"color": "#8b0000", "linewidth": 2.2, "fill": None},
    "buffer": {"color": "#d2691e", "linewidth": 1.6, "fill": None, "linestyle": (0, (5, 3))},
    "lagoon": {"color": "#1f78b4", "linewidth": 1.2, "fill": None},
    "basin": {"color": "#33a02c", "linewidth": 0.9, "fill": None},
    "municipality": {"color": "#6a3d9a", "linewidth": 0.8, "fill": None, "linestyle": (0, (2, 2))},
    "municipalita": {"color": "#cab2d6", "linewidth": 0.8, "fill": None},
    "sestiere": {"color": "#e31a1c", "linewidth": 0.6, "fill": "#fb9a99"},
    "island": {"color": "#ff7f00", "linewidth": 0.6, "fill": "#fdbf6f"},
    "salt_marsh": {"color": "#b15928", "linewidth": 0.5, "fill": "#e3c16f"},
    "custom": {"color": "#555555", "linewidth": 0.8, "fill": None},
}
STATUS_COLOURS = {"green": "#2e7d32", "amber": "#f9a825", "red": "#c62828", "unknown": "#9e9e9e"}
PROJECT_COLOURS = {"proposed": "#9e9e9e", "planned": "#1e88e5", "ongoing": "#fb8c00",
                   "completed": "#43a047", "suspended": "#8e24aa", "cancelled": "#e53935"}
MARSH_COLOURS = {"kept": "#9bb34f", "lost": "#d7301f", "gained": "#1a9850"}

plt.rcParams.update({"font.family": FONT, "font.size": 8, "axes.titlesize": 9})


def _shape(ds, longest: int) -> tuple[int, int]:
    scale = max(1.0, max(ds.width, ds.height) / longest)
    return max(1, round(ds.height / scale)), max(1, round(ds.width / scale))


class Basemap:
    """A class raster (land cover) on a display grid of at most MAX_BASEMAP_PX a side,
    read from the COG's overviews (most frequent class of each display cell)."""

    def __init__(self, path: Path, legend: list[dict]):
        with rasterio.open(path) as ds:
            shape = _shape(ds, MAX_BASEMAP_PX)
            self._grid(ds, shape)
            self.data = ds.read(1, out_shape=shape, resampling=Resampling.mode)
        self.colours = {int(i["value"]): i.get("colour") or "#cccccc" for i in legend if "value" in i}

    def _grid(self, ds, shape: tuple[int, int]) -> None:
        self.nodata = ds.nodata if ds.nodata is not None else 0
        b = ds.bounds
        self.extent = (b.left, b.right, b.bottom, b.top)
        self.transform = ds.transform @ ds.transform.scale(ds.width / shape[1], ds.height / shape[0])

    @classmethod
    def changes(cls, first: Path, last: Path, legend: list[dict], detail: int = MAX_DETAIL_PX) -> Basemap:
        """Where the class changed between two dates of the same grid, the later class
        (0 elsewhere). Compared at up to ``detail`` cells a side, so that small changes
        survive, then shown on the display grid: a display cell takes the most frequent
        new class of its changed cells (``valid`` marks cells with data)."""
        with rasterio.open(first) as a, rasterio.open(last) as b:
            if (a.width, a.height, a.transform) != (b.width, b.height, b.transform):
                raise ValueError("the land-cover rasters of the two dates are on different grids")
            shape = _shape(a, detail)
            old = a.read(1, out_shape=shape, resampling=Resampling.nearest)
            new = b.read(1, out_shape=shape, resampling=Resampling.nearest)
            nodata = a.nodata if a.nodata is not None else 0
            changed = np.where((old != new) & (old != nodata) & (new != nodata), new, 0)
            k = max(1, -(-max(shape) // MAX_BASEMAP_PX))
            h, w = -(-shape[0] // k), -(-shape[1] // k)
            out = cls.__new__(cls)
            out._grid(a, (h, w))
            out.transform = a.transform @ a.transform.scale(a.width / shape[1] * k, a.height / shape[0] * k)
            out.extent = (out.transform.c, out.transform.c + w * out.transform.a,
                          out.transform.f + h * out.transform.e, out.transform.f)
        padded = np.zeros((h * k, w * k), dtype=changed.dtype)
        padded[:shape[0], :shape[1]] = changed
        blocks = padded.reshape(h, k, w, k)
        counts = np.stack([(blocks == c).sum(axis=(1, 3)) for c in range(1, int(changed.max()) + 1)]) \
            if changed.any() else np.zeros((1, h, w), dtype=int)
        out.data = np.where(counts.max(axis=0) > 0, counts.argmax(axis=0) + 1, 0).astype("uint8")
        valid = np.zeros((h * k, w * k), dtype=bool)
        valid[:shape[0], :shape[1]] = new != nodata
        out.valid = valid.reshape(h, k, w, k).any(axis=(1, 3))
        out.colours = {int(i["value"]): i.get("colour") or "#cccccc" for i in legend if "value" in i}
        return out

    def rgba(self, alpha: float = 0.55, data: np.ndarray | None = None) -> np.ndarray:
        data = self.data if data is None else data
        out = np.zeros((*data.shape, 4), dtype=float)
        for value, colour in self.colours.items():
            out[data == value] = to_rgba(colour, alpha)
        return out


def _figure(height: float = HEIGHT_IN):
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height), dpi=DPI)
    ax.set_axis_off()
    ax.set_aspect("equal")
    return fig, ax


def _frame(ax, bounds, pad: float = 0.04) -> None:
    x0, y0, x1, y1 = bounds
    w, h = max(x1 - x0, 500), max(y1 - y0, 500)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - w * (0.5 + pad), cx + w * (0.5 + pad))
    ax.set_ylim(cy - h * (0.5 + pad), cy + h * (0.5 + pad))


def _decorate(ax, lang: str, illustrative: bool) -> None:
    """Scale bar, north arrow (the storage CRS is a UTM grid: north is up) and the label
    of illustrative data."""
    ax.add_artist(ScaleBar(1, units="m", location="lower left", box_alpha=0.7, font_properties={"size": 7}))
    ax.annotate("N\n↑", xy=(0.97, 0.93), xycoords="axes fraction", ha="center", va="center", fontsize=9,
                fontweight="bold", bbox={"boxstyle": "round", "fc": "white", "ec": "#777", "alpha": 0.8})
    if illustrative:
        # top left: the scale bar (lower left) and the north arrow (top right) never cover it
        ax.annotate(text.t("illustrative_banner", lang).upper(), xy=(0.005, 0.995), xycoords="axes fraction",
                    ha="left", va="top", fontsize=6.5, color="#b00020",
                    bbox={"boxstyle": "square,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8})


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.05, facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def _background(ax, basemap: Basemap | None, alpha: float = 0.45) -> None:
    if basemap is not None:
        ax.imshow(basemap.rgba(alpha), extent=basemap.extent, interpolation="nearest", zorder=0)


def _outline(ax, zones: gpd.GeoDataFrame, kind: str, styles: dict, zorder: int = 3, **override) -> None:
    mine = zones[zones["kind"] == kind]
    if mine.empty:
        return
    style = {**KIND_STYLES.get(kind, KIND_STYLES["custom"]), **_catalogue_style(styles.get(kind)), **override}
    fill = style.get("fill")
    mine.plot(ax=ax, facecolor=fill if fill else "none", alpha=None, edgecolor=style["color"],
              linewidth=style["linewidth"], linestyle=style.get("linestyle", "-"), zorder=zorder)


def _catalogue_style(style: dict | None) -> dict:
    """The stroke of a zone layer's catalogue style (fills stay ours: outlines read better)."""
    if not style or style.get("type") not in (None, "single"):
        return {}
    out = {}
    if style.get("stroke"):
        out["color"] = style["stroke"]
    return out


def site_map(zones: gpd.GeoDataFrame, basemap: Basemap | None, lang: str, illustrative: bool,
             styles: dict, focus: list[int] | None = None, highlight: list[int] | None = None) -> bytes:
    fig, ax = _figure(5.6)
    _background(ax, basemap)
    handles = []
    for kind in ("municipality", "basin", "lagoon", "sestiere", "island", "buffer", "property"):
        mine = zones[zones["kind"] == kind]
        if mine.empty:
            continue
        _outline(ax, zones, kind, styles, zorder=3 + list(KIND_STYLES).index(kind) % 5)
        style = {**KIND_STYLES[kind], **_catalogue_style(styles.get(kind))}
        handles.append(Line2D([], [], color=style["color"], linewidth=max(style["linewidth"], 1.2),
                              linestyle=style.get("linestyle", "-"), label=text.pick(mine.iloc[0], "kind", lang)))
    if highlight:
        t = zones[zones["id"].isin(highlight)]
        if not t.empty:
            t.plot(ax=ax, facecolor="#ffeb3b", alpha=0.25, edgecolor="#f57f17", linewidth=2, zorder=9)
            handles.append(Patch(facecolor="#ffeb3b", edgecolor="#f57f17", alpha=0.5,
                                 label=text.t("territory", lang)))
    for row in zones[zones["kind"] == "basin"].itertuples():
        p = row.geometry.representative_point()
        ax.annotate(text.pick(row._asdict(), "name", lang), (p.x, p.y), fontsize=6.5, ha="center",
                    color="#1b5e20", zorder=12)
    shown = zones[zones["id"].isin(focus)] if focus else zones[zones["kind"].isin(("buffer", "property", "lagoon"))]
    _frame(ax, (shown if not shown.empty else zones).total_bounds)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=6.5, frameon=False)
    _decorate(ax, lang, illustrative)
    return _png(fig)


def _context(ax, zones: gpd.GeoDataFrame, styles: dict) -> None:
    for kind in ("lagoon", "property"):
        _outline(ax, zones, kind, styles, zorder=6, linewidth=0.9 if kind == "lagoon" else 1.4)


def choropleth(zones: gpd.GeoDataFrame, zone_values: list[dict], unit: str, direction: str, lang: str,
               illustrative: bool, styles: dict, basemap: Basemap | None = None,
               points: gpd.GeoDataFrame | None = None, point_label: str | None = None) -> bytes | None:
    """Zones coloured by value (red is worse, by the indicator's direction), labelled."""
    values = {v["zone"]: v["value"] for v in zone_values if v["value"] is not None}
    shown = zones[zones["id"].isin(values)].copy()
    if shown.empty:
        return None
    shown["value"] = shown["id"].map(values)
    fig, ax = _figure()
    _background(ax, basemap, 0.25)
    cmap = plt.get_cmap("RdYlGn" if direction == "higher_is_better" else "RdYlGn_r")
    lo, hi = float(shown["value"].min()), float(shown["value"].max())
    norm = Normalize(lo, hi if hi > lo else lo + 1)
    shown.plot(ax=ax, column="value", cmap=cmap, norm=norm, edgecolor="#333", linewidth=0.5, zorder=4)
    _context(ax, zones, styles)
    if len(shown) <= 14:
        for row in shown.itertuples():
            p = row.geometry.representative_point()
            ax.annotate(f"{text.pick(row._asdict(), 'name', lang)}\n{text.number(row.value, lang, unit=unit)}",
                        (p.x, p.y), fontsize=6, ha="center", va="center", zorder=12,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
    if points is not None and not points.empty:
        points.plot(ax=ax, color="#b71c1c", markersize=18, edgecolor="white", linewidth=0.6, zorder=10)
        ax.legend(handles=[Line2D([], [], marker="o", linestyle="", color="#b71c1c", label=point_label or "")],
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=6.5, frameon=False)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(sm, ax=ax, shrink=0.6, pad=0.01)
    bar.set_label(text.unit_label(unit, lang), fontsize=7)
    bar.ax.tick_params(labelsize=6)
    _frame(ax, shown.total_bounds, pad=0.08)
    _decorate(ax, lang, illustrative)
    return _png(fig)


def projects_map(zones: gpd.GeoDataFrame, projects: gpd.GeoDataFrame, basemap: Basemap | None, lang: str,
                 illustrative: bool, styles: dict, bounds=None) -> bytes | None:
    located = projects[projects.geometry.notna() & ~projects.geometry.is_empty] if len(projects) else projects
    if located is None or located.empty:
        return None
    fig, ax = _figure()
    _background(ax, basemap, 0.3)
    _context(ax, zones, styles)
    handles = []
    for status, colour in PROJECT_COLOURS.items():
        mine = located[located["status"] == status]
        if mine.empty:
            continue
        polys = mine[mine.geom_type.isin(("Polygon", "MultiPolygon"))]
        pts = mine[~mine.geom_type.isin(("Polygon", "MultiPolygon"))]
        if not polys.empty:
            polys.plot(ax=ax, facecolor=colour, alpha=0.55, edgecolor=colour, linewidth=1, zorder=8)
        if not pts.empty:
            pts.plot(ax=ax, color=colour, markersize=26, edgecolor="white", linewidth=0.7, zorder=9)
        handles.append(Line2D([], [], marker="o", linestyle="", color=colour,
                              label=text.code("project_status", status, lang)))
    for row in located.itertuples():
        p = row.geometry.representative_point() if row.geometry.geom_type != "Point" else row.geometry
        ax.annotate(f"{row.challenge} {row.code}", (p.x, p.y), xytext=(4, 4), textcoords="offset points",
                    fontsize=6, zorder=11, bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
    b = located.total_bounds
    if bounds is not None:
        b = (min(b[0], bounds[0]), min(b[1], bounds[1]), max(b[2], bounds[2]), max(b[3], bounds[3]))
    _frame(ax, b, pad=0.1)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=6.5, frameon=False)
    _decorate(ax, lang, illustrative)
    return _png(fig)


def marsh_map(zones: gpd.GeoDataFrame, marshes: gpd.GeoDataFrame, years: list[int], lang: str,
              illustrative: bool, styles: dict, bounds=None) -> bytes | None:
    """Salt marshes of the first and last survey: lost, gained and kept surfaces."""
    if marshes is None or marshes.empty or len(years) < 2:
        return None
    first = marshes[marshes["survey_year"] == years[0]].geometry.union_all()
    last = marshes[marshes["survey_year"] == years[-1]].geometry.union_all()
    parts = {"kept": first.intersection(last), "lost": first.difference(last), "gained": last.difference(first)}
    fig, ax = _figure()
    _context(ax, zones, styles)
    _outline(ax, zones, "basin", styles, zorder=5)
    handles = []
    for name, geom in parts.items():
        if geom.is_empty:
            continue
        gpd.GeoSeries([geom], crs=marshes.crs).plot(ax=ax, color=MARSH_COLOURS[name], zorder=7, linewidth=0)
        handles.append(Patch(color=MARSH_COLOURS[name], label=f"{text.t(name, lang)} ({years[0]} → {years[-1]})"))
    b = marshes.total_bounds if bounds is None else bounds
    _frame(ax, b, pad=0.06)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=6.5, frameon=False)
    _decorate(ax, lang, illustrative)
    return _png(fig)


def land_cover_change_map(zones: gpd.GeoDataFrame, changes: Basemap, dates: list, lang: str,
                          illustrative: bool, styles: dict, legend: list[dict], bounds=None) -> bytes:
    fig, ax = _figure()
    ax.imshow(np.where(changes.valid[..., None], np.array([0.88, 0.88, 0.88, 1.0]), np.zeros(4)),
              extent=changes.extent, interpolation="nearest", zorder=0)
    ax.imshow(changes.rgba(1.0), extent=changes.extent, interpolation="nearest", zorder=2)
    _context(ax, zones, styles)
    present = set(np.unique(changes.data)) - {0}
    handles = [Patch(color=i["colour"], label=legend_label(i, lang)) for i in legend if int(i["value"]) in present]
    handles.append(Patch(color="#e0e0e0", label=text.t("unchanged", lang)))
    e = changes.extent
    _frame(ax, bounds if bounds is not None else (e[0], e[2], e[1], e[3]))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=6.5, frameon=False,
              title=f"{dates[0]} → {dates[1]}", title_fontsize=7)
    _decorate(ax, lang, illustrative)
    return _png(fig)


def bounds_of(zones: gpd.GeoDataFrame, ids: list[int] | None, kinds=("buffer", "property", "lagoon")):
    pick = zones[zones["id"].isin(ids)] if ids else zones[zones["kind"].isin(kinds)]
    if pick.empty:
        pick = zones
    return tuple(pick.total_bounds) if not pick.empty else None

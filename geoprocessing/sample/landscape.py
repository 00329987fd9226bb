"""What covers the ground: channels, tidal flats, fish farms, salt marshes, towns,
woodland, beaches, and the land taken by new building between the survey dates.

These shapes drive the land-cover rasters class by class, and the salt marshes are
also published as a vector layer: drawing the raster from the very polygons of the
layer keeps the two in agreement (the metrics compare them). Illustrative only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from shapely.geometry import LineString, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from .geography import Frame
from .shapes import blob, line_ll, polygon_ll, polygons, random_points_in, strip, utm, wobble

YEARS = (2012, 2018, 2024)

# Land-cover classes (the contract's legend).
LAGOON_WATER, SALT_MARSH, TIDAL_FLAT, ARTIFICIAL, AGRICULTURE, WOODLAND, BEACH, FISH_FARM, SEA = range(1, 10)

# Navigation channels: name, centre line (lon, lat), width (m), depth below the bed (m).
CHANNELS = [
    ("Canale Malamocco-Marghera", [(12.345, 45.332), (12.3265, 45.335), (12.305, 45.343),
                                   (12.28, 45.355), (12.262, 45.375), (12.254, 45.40),
                                   (12.250, 45.425), (12.256, 45.44)], 160.0, 12.0),
    ("Canale Vittorio Emanuele III", [(12.256, 45.44), (12.28, 45.4375), (12.303, 45.4345)], 100.0, 10.0),
    ("Canale della Giudecca", [(12.300, 45.4290), (12.318, 45.42895), (12.336, 45.4287),
                               (12.346, 45.4300)], 140.0, 11.0),
    ("Canale di San Marco e di San Nicolò", [(12.346, 45.4300), (12.36, 45.4262), (12.38, 45.4232),
                                             (12.40, 45.4262), (12.4165, 45.429), (12.44, 45.425)],
     200.0, 12.0),
    ("Canale di Treporti", [(12.418, 45.432), (12.432, 45.45), (12.445, 45.47), (12.46, 45.49)], 120.0, 8.0),
    ("Canale di Burano", [(12.395, 45.445), (12.402, 45.465), (12.410, 45.479)], 60.0, 4.0),
    ("Canale di Murano", [(12.338, 45.4455), (12.356, 45.4525), (12.372, 45.462)], 60.0, 5.0),
    ("Canale di Chioggia", [(12.32, 45.229), (12.301, 45.2325), (12.285, 45.235), (12.27, 45.245),
                            (12.255, 45.26)], 150.0, 11.0),
    ("Canale di Pellestrina", [(12.285, 45.235), (12.292, 45.26), (12.300, 45.30), (12.310, 45.325),
                               (12.3265, 45.335)], 80.0, 5.0),
]

# Fish farms (valli da pesca) on the lagoon's landward margin: centre (lon, lat), hectares.
FISH_FARMS = [
    ("Valle Dogà", (12.455, 45.552), 650), ("Valle Grassabò", (12.500, 45.540), 500),
    ("Valle Dragojesolo", (12.545, 45.520), 800), ("Valle Olivara", (12.483, 45.550), 200),
    ("Valle Averto", (12.150, 45.360), 500), ("Valle Figheri", (12.150, 45.338), 420),
    ("Valle Zappa", (12.140, 45.318), 600), ("Valle Serraglia", (12.142, 45.297), 450),
    ("Valle Contarina", (12.155, 45.272), 480), ("Valle Morosina", (12.185, 45.237), 400),
]

# Towns (artificial surfaces) as rough blobs: centre (lon, lat), radius (m), aspect, angle (deg),
# and which piece of ground they may cover.
TOWNS = [
    ("Mestre e Marghera", None, 0, 1.0, 0, "mainland"),
    ("Aeroporto di Tessera", (12.332, 45.514), 800, 2.2, 30, "mainland"),
    ("Chioggia", (12.278, 45.219), 650, 1.9, 80, "lagoon"),
    ("Sottomarina", (12.297, 45.207), 800, 1.8, 85, "barrier"),
    ("Lido", (12.376, 45.408), 1000, 2.4, 55, "barrier"),
    ("Malamocco", (12.340, 45.364), 300, 1.5, 55, "barrier"),
    ("Pellestrina", (12.306, 45.282), 450, 2.5, 85, "barrier"),
    ("San Pietro in Volta", (12.312, 45.310), 350, 2.5, 80, "barrier"),
    ("Treporti", (12.455, 45.452), 450, 1.4, 20, "barrier"),
    ("Ca' Savio", (12.482, 45.452), 380, 1.4, 20, "barrier"),
    ("Cavallino", (12.535, 45.470), 550, 1.6, 20, "barrier"),
    ("Jesolo", (12.620, 45.500), 1300, 2.6, 30, "mainland"),
    ("Oriago e Mira", (12.160, 45.440), 1000, 1.8, 10, "mainland"),
    ("Campagna Lupia", (12.108, 45.352), 550, 1.3, 0, "mainland"),
    ("Conche", (12.168, 45.222), 350, 1.3, 0, "mainland"),
    ("Quarto d'Altino", (12.370, 45.578), 750, 1.5, 0, "mainland"),
    ("Portegrandi", (12.472, 45.568), 350, 1.5, 0, "mainland"),
    ("Brondolo", (12.262, 45.186), 400, 1.5, 0, "mainland"),
]
MESTRE = [(12.195, 45.425), (12.245, 45.421), (12.262, 45.445), (12.283, 45.468), (12.300, 45.490),
          (12.285, 45.515), (12.240, 45.522), (12.200, 45.500), (12.185, 45.460)]

# New building between surveys (land take): centre, radius (m), the first year it shows.
LAND_TAKE = [
    ((12.305, 45.497), 260, 2018), ((12.232, 45.412), 300, 2018), ((12.245, 45.198), 220, 2018),
    ((12.343, 45.522), 320, 2024), ((12.212, 45.424), 260, 2024), ((12.405, 45.553), 220, 2024),
    ((12.296, 45.514), 230, 2024),
]

# Where salt marshes cluster: centre (lon, lat), radius (m), number of marsh seeds.
MARSH_FIELDS = [
    ((12.445, 45.505), 5500, 120), ((12.385, 45.505), 3500, 60), ((12.50, 45.50), 2500, 40),
    ((12.215, 45.290), 4500, 80), ((12.235, 45.245), 3500, 60), ((12.245, 45.355), 3500, 35),
    ((12.285, 45.395), 2000, 12),
]
# Marsh edge retreat (m) from 2012 to 2024 by basin: the central lagoon loses the most.
EROSION_M = {"LIDO": 5.0, "MALAMOCCO": 14.0, "CHIOGGIA": 7.0}
# Marshes rebuilt with dredged sediment: centre, radius (m), year finished.
RESTORED = [((12.262, 45.392), 260, 2016), ((12.300, 45.410), 220, 2021),
            ((12.43, 45.470), 240, 2019), ((12.230, 45.372), 250, 2023)]


@dataclass
class Channel:
    name: str
    line: LineString
    width: float
    depth: float


@dataclass
class Landscape:
    channels: list[Channel] = field(default_factory=list)
    creeks: list[Channel] = field(default_factory=list)
    fish_farms: list[tuple[str, BaseGeometry]] = field(default_factory=list)
    tidal_flats: list[BaseGeometry] = field(default_factory=list)
    towns: list[tuple[str, BaseGeometry]] = field(default_factory=list)
    land_take: list[tuple[int, BaseGeometry]] = field(default_factory=list)
    woodland: list[BaseGeometry] = field(default_factory=list)
    beaches: BaseGeometry | None = None
    cavallino: BaseGeometry | None = None
    marshes: dict[int, list[dict]] = field(default_factory=dict)


def build_landscape(frame: Frame, seed: int) -> Landscape:
    rng = np.random.default_rng(seed + 1000)
    ls = Landscape()
    for name, coords, width, depth in CHANNELS:
        ls.channels.append(Channel(name, line_ll(coords), width, depth))
    water = frame.lagoon
    islands = unary_union([i["geom"] for i in frame.islands] + [frame.historic_city])
    channel_area = unary_union([c.line.buffer(c.width / 2 + 20) for c in ls.channels])

    for k, (name, (lon, lat), ha) in enumerate(FISH_FARMS):
        x, y = utm(lon, lat)
        g = blob(x, y, float(np.sqrt(ha * 1e4 / np.pi)) * 1.15, seed + 2000 + k, aspect=1.3,
                 angle=rng.uniform(0, np.pi), roughness=0.15)
        g = g.intersection(water.buffer(-15)).difference(channel_area).difference(islands.buffer(50))
        ls.fish_farms.append((name, _biggest(g)))
    farms = unary_union([g for _, g in ls.fish_farms])

    ls.creeks = _creeks(frame, rng, seed)
    creek_area = unary_union([c.line.buffer(c.width / 2) for c in ls.creeks])
    blocked = unary_union([channel_area, creek_area, farms, islands.buffer(40)])

    for x, y in random_points_in(water.difference(blocked), 140, rng, min_spacing=600):
        g = blob(x, y, float(rng.lognormal(np.log(380), 0.45)), int(rng.integers(1 << 30)),
                 aspect=float(rng.uniform(1.0, 2.5)), angle=float(rng.uniform(0, np.pi)))
        g = g.intersection(water).difference(blocked)
        ls.tidal_flats.extend(polygons(g, 2_000.0))

    _towns(ls, frame, rng, seed)
    _woodland(ls, frame, rng, seed)
    ls.beaches = strip(frame.coast, lambda s: 110.0, side=-1, step=100.0).intersection(
        unary_union([frame.barrier, frame.mainland]))
    ls.cavallino = max(polygons(frame.barrier, 1e4), key=lambda p: p.centroid.x)
    ls.marshes = _marshes(frame, rng, seed, blocked.union(unary_union(
        [g for _, g in ls.towns]).buffer(30)))
    return ls


def _biggest(g: BaseGeometry) -> BaseGeometry:
    parts = polygons(g, 0.0)
    return max(parts, key=lambda p: p.area) if parts else Polygon()


def _creeks(frame: Frame, rng: np.random.Generator, seed: int) -> list[Channel]:
    """Meandering tidal creeks (ghebi) in the marsh fields: smooth random walks."""
    creeks = []
    for (lon, lat), radius, count in MARSH_FIELDS:
        cx, cy = utm(lon, lat)
        for _ in range(max(2, count // 8)):
            x, y = cx + rng.uniform(-radius, radius) * 0.7, cy + rng.uniform(-radius, radius) * 0.7
            heading = rng.uniform(0, 2 * np.pi)
            pts = [(x, y)]
            for _step in range(int(rng.integers(12, 40))):
                heading += rng.normal(0, 0.35)
                x += 90 * np.cos(heading)
                y += 90 * np.sin(heading)
                pts.append((x, y))
            line = LineString(pts).intersection(frame.lagoon.buffer(-30))
            for part in getattr(line, "geoms", [line]):
                if isinstance(part, LineString) and part.length > 300:
                    creeks.append(Channel("ghebo", part, float(rng.uniform(15, 40)),
                                          float(rng.uniform(1.5, 3.0))))
    return creeks


def _towns(ls: Landscape, frame: Frame, rng: np.random.Generator, seed: int) -> None:
    ground = {"mainland": frame.mainland, "barrier": frame.barrier, "lagoon": frame.lagoon}
    channel_area = unary_union([c.line.buffer(c.width / 2 + 10) for c in ls.channels])
    islands = unary_union([i["geom"] for i in frame.islands] + [frame.historic_city])
    for k, (name, centre, radius, aspect, angle, on) in enumerate(TOWNS):
        if centre is None:
            g = wobble(polygon_ll(MESTRE), 250.0, 2_500.0, seed + 3000)
        else:
            g = blob(*utm(*centre), radius, seed + 3100 + k, aspect=aspect,
                     angle=np.radians(angle), roughness=0.25)
        g = g.intersection(ground[on])
        if on == "lagoon":
            g = g.difference(channel_area).difference(islands.buffer(30))
        ls.towns.append((name, g))
    towns = unary_union([g for _, g in ls.towns])
    for k, ((lon, lat), radius, year) in enumerate(LAND_TAKE):
        g = blob(*utm(lon, lat), radius, seed + 3300 + k, roughness=0.25)
        g = g.intersection(frame.buffer_zone).intersection(frame.mainland).difference(towns)
        if not g.is_empty:
            ls.land_take.append((year, g))


def _woodland(ls: Landscape, frame: Frame, rng: np.random.Generator, seed: int) -> None:
    towns = unary_union([g for _, g in ls.towns])
    fixed = [((12.275, 45.527), 750, "mainland"), ((12.274, 45.477), 350, "mainland"),
             ((12.334, 45.348), 420, "barrier"), ((12.302, 45.240), 260, "barrier"),
             ((12.560, 45.478), 400, "barrier")]
    for k, ((lon, lat), radius, on) in enumerate(fixed):
        ground = frame.mainland if on == "mainland" else frame.barrier
        ls.woodland.append(blob(*utm(lon, lat), radius, seed + 3500 + k).intersection(ground))
    free = frame.mainland.difference(towns.buffer(100))
    for x, y in random_points_in(free, 70, rng, min_spacing=800):
        g = blob(x, y, float(rng.lognormal(np.log(180), 0.5)), int(rng.integers(1 << 30)),
                 aspect=float(rng.uniform(1, 3)), angle=float(rng.uniform(0, np.pi)))
        ls.woodland.append(g.intersection(free))
    # parks inside towns survive because towns are drawn with these holes
    ls.towns = [(name, g.difference(unary_union(ls.woodland))) for name, g in ls.towns]


def _marshes(frame: Frame, rng: np.random.Generator, seed: int,
             blocked: BaseGeometry) -> dict[int, list[dict]]:
    """Salt marshes in 2012, 2018 and 2024: edges retreat (most in the central lagoon),
    a few small ones vanish, a few are rebuilt with dredged sediment; the net is a loss."""
    room = frame.lagoon.buffer(-25).difference(blocked)
    seeds = []
    for (lon, lat), radius, count in MARSH_FIELDS:
        cx, cy = utm(lon, lat)
        disc = room.intersection(box(cx - radius, cy - radius, cx + radius, cy + radius))
        if disc.is_empty:
            continue
        for x, y in random_points_in(disc, count, rng):
            seeds.append(blob(x, y, float(rng.lognormal(np.log(190), 0.5)),
                              int(rng.integers(1 << 30)), aspect=float(rng.uniform(1, 2.2)),
                              angle=float(rng.uniform(0, np.pi)), roughness=0.4))
    merged = unary_union(seeds).intersection(room)
    base = polygons(merged, 5_000.0)
    base.sort(key=lambda p: (round(p.centroid.x), round(p.centroid.y)))
    basins = frame.basins
    out: dict[int, list[dict]] = {2012: [], 2018: [], 2024: []}
    for n, poly in enumerate(base):
        basin = max(basins, key=lambda b: basins[b].intersection(poly).area)
        retreat = EROSION_M[basin] * float(rng.uniform(0.5, 1.5))
        lost_by_2024 = basin == "MALAMOCCO" and rng.uniform() < 0.08
        marsh_id = f"B{n + 1:04d}"
        out[2012].append({"marsh_id": marsh_id, "basin": basin, "geom": poly})
        for year, frac in ((2018, 0.5), (2024, 1.0)):
            if lost_by_2024 and year == 2024:
                continue
            shrunk = poly.buffer(-retreat * frac)
            for part in polygons(shrunk, 2_000.0):
                out[year].append({"marsh_id": marsh_id, "basin": basin, "geom": part})
    for k, ((lon, lat), radius, since) in enumerate(RESTORED):
        g = blob(*utm(lon, lat), radius, seed + 4000 + k, aspect=1.4, roughness=0.2)
        g = g.intersection(room).difference(unary_union(base).buffer(20))
        basin = max(basins, key=lambda b: basins[b].intersection(g).area)
        for year in (2018, 2024):
            if year >= since:
                for part in polygons(g, 2_000.0):
                    out[year].append({"marsh_id": f"R{k + 1:03d}", "basin": basin, "geom": part})
    return out

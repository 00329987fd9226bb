"""The frame of the illustrative geography: sea, coast and littorals, lagoon, basins,
property, buffer zone, municipalities, the historic city and its sestieri, the islands.

Every outline is drawn by hand from approximate WGS84 positions, then roughened with
seeded noise; sizes are calibrated (lagoon about 550 km², property about 70,176 ha,
basins 48/31/21 %) by moving one edge until the area matches. The shapes only
approximate the real geography: everything made here is labelled illustrative.
All geometry is in EPSG:7792 (metres).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import LineString, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from .shapes import blob, largest, line_ll, polygon_ll, polygons, strip, utm, wobble

# The rasters cover the lagoon's bounding box with a margin: 41 x 48 km.
EXTENT = box(273_000.0, 5_003_000.0, 314_000.0, 5_051_000.0)

LAGOON_KM2 = 550.0
PROPERTY_HA = 70_176.2
BASIN_SHARES = {"LIDO": 0.48, "MALAMOCCO": 0.31, "CHIOGGIA": 0.21}

# The outer shore, north-east to south-west, running past the extent at both ends.
COAST = [(12.80, 45.575), (12.66, 45.512), (12.60, 45.483), (12.55, 45.465), (12.50, 45.452),
         (12.46, 45.442), (12.428, 45.433), (12.405, 45.425), (12.385, 45.408),
         (12.365, 45.385), (12.348, 45.365), (12.333, 45.342), (12.320, 45.328),
         (12.313, 45.300), (12.307, 45.270), (12.302, 45.240), (12.300, 45.225),
         (12.303, 45.200), (12.310, 45.180), (12.320, 45.150), (12.335, 45.080)]
# The barrier islands run from the Sile mouth (Cavallino) to the Brenta mouth (Sottomarina).
BARRIER = [(12.60, 45.483), (12.55, 45.465), (12.50, 45.452), (12.46, 45.442),
           (12.428, 45.433), (12.405, 45.425), (12.385, 45.408), (12.365, 45.385),
           (12.348, 45.365), (12.333, 45.342), (12.320, 45.328), (12.313, 45.300),
           (12.307, 45.270), (12.302, 45.240), (12.300, 45.225), (12.303, 45.200),
           (12.310, 45.180)]
# Barrier width (m) at each BARRIER vertex: Cavallino wide, Lido, thin Pellestrina, Sottomarina.
BARRIER_WIDTH = [2600, 2600, 2400, 1500, 1100, 750, 800, 650, 450, 350, 260, 200, 180, 200,
                 700, 900, 900]
# The three inlets (bocche di porto): a point on the coast and the width of the gap (m).
INLETS = {"LIDO": ((12.4165, 45.4290), 900.0), "MALAMOCCO": ((12.3265, 45.3350), 450.0),
          "CHIOGGIA": ((12.3010, 45.2325), 520.0)}

# The lagoon's landward edge, from the Sile mouth round the north, west and south to the
# coast at Sottomarina; the seaward side follows the coast and is trimmed by the barrier.
LAGOON = [(12.62, 45.478), (12.58, 45.490), (12.565, 45.505), (12.54, 45.530), (12.51, 45.548),
          (12.48, 45.560), (12.45, 45.562), (12.42, 45.552), (12.395, 45.535), (12.37, 45.515),
          (12.345, 45.503), (12.32, 45.492), (12.295, 45.478), (12.275, 45.462),
          (12.262, 45.448), (12.250, 45.432), (12.245, 45.418), (12.235, 45.405),
          (12.215, 45.395), (12.19, 45.385), (12.16, 45.370), (12.138, 45.345),
          (12.128, 45.320), (12.133, 45.290), (12.147, 45.260), (12.17, 45.235),
          (12.20, 45.215), (12.23, 45.200), (12.265, 45.193), (12.31, 45.198), (12.34, 45.20),
          (12.35, 45.30), (12.44, 45.40), (12.52, 45.44), (12.64, 45.46)]

# Basin watersheds run from a mainland anchor to a point on the barrier, found by bisection.
WATERSHED_ANCHORS = {"LIDO|MALAMOCCO": (12.20, 45.405), "MALAMOCCO|CHIOGGIA": (12.13, 45.285)}

HISTORIC_CITY = [(12.3050, 45.4395), (12.3080, 45.4430), (12.3150, 45.4442), (12.3210, 45.4457),
                 (12.3300, 45.4477), (12.3380, 45.4467), (12.3450, 45.4427), (12.3520, 45.4392),
                 (12.3600, 45.4342), (12.3665, 45.4292), (12.3620, 45.4262), (12.3530, 45.4288),
                 (12.3440, 45.4320), (12.3398, 45.4330), (12.3372, 45.4322), (12.3368, 45.4303),
                 (12.3300, 45.4293), (12.3200, 45.4298), (12.3120, 45.4322), (12.3060, 45.4350)]
GRAND_CANAL = [(12.3140, 45.4460), (12.3170, 45.4412), (12.3210, 45.4404), (12.3280, 45.4428),
               (12.3340, 45.4405), (12.3360, 45.4380), (12.3330, 45.4362), (12.3275, 45.4345),
               (12.3290, 45.4318), (12.3340, 45.4316), (12.3375, 45.4318), (12.3420, 45.4314)]
GIUDECCA = [(12.3050, 45.4272), (12.3150, 45.4281), (12.3250, 45.4279), (12.3340, 45.4266),
            (12.3345, 45.4244), (12.3250, 45.4229), (12.3150, 45.4233), (12.3060, 45.4246)]

# Sestieri: code, Italian and English names, population (approximate), seeds (lon, lat)
# of the cells that make them, and which bank of the Grand Canal they lie on.
SESTIERI = [
    ("CANNAREGIO", "Cannaregio", "Cannaregio", 15_400, "north",
     [(12.3180, 45.4428), (12.3260, 45.4445), (12.3350, 45.4445), (12.3395, 45.4435)]),
    ("CASTELLO", "Castello", "Castello", 12_600, "north",
     [(12.3445, 45.4390), (12.3500, 45.4360), (12.3580, 45.4320), (12.3630, 45.4285)]),
    ("SAN_MARCO", "San Marco", "San Marco", 3_600, "north",
     [(12.3365, 45.4350), (12.3320, 45.4335), (12.3385, 45.4338)]),
    ("SANTA_CROCE", "Santa Croce", "Santa Croce", 4_500, "south",
     [(12.3100, 45.4370), (12.3170, 45.4385), (12.3225, 45.4392)]),
    ("SAN_POLO", "San Polo", "San Polo", 4_400, "south",
     [(12.3300, 45.4378), (12.3335, 45.4372), (12.3270, 45.4395)]),
    ("DORSODURO", "Dorsoduro", "Dorsoduro", 6_600, "south",
     [(12.3160, 45.4320), (12.3240, 45.4315), (12.3320, 45.4305), (12.3355, 45.4308)]),
]
GIUDECCA_POPULATION = 4_400

# Islands: code, names it/en, population, centre (lon, lat), area (ha), aspect, angle (deg),
# land-cover class of their surface.
ISLANDS = [
    ("MURANO", "Murano", "Murano", 4_300, (12.3530, 45.4585), 117, 1.6, 20, 4),
    ("BURANO", "Burano", "Burano", 2_300, (12.4172, 45.4857), 21, 1.2, 0, 4),
    ("MAZZORBO", "Mazzorbo", "Mazzorbo", 250, (12.4075, 45.4880), 52, 1.5, 15, 5),
    ("TORCELLO", "Torcello", "Torcello", 10, (12.4175, 45.4990), 44, 1.3, 60, 6),
    ("SANT_ERASMO", "Sant'Erasmo", "Sant'Erasmo", 700, (12.4060, 45.4560), 326, 2.2, 35, 5),
    ("VIGNOLE", "Vignole", "Vignole", 50, (12.3800, 45.4470), 69, 2.0, 30, 5),
    ("LAZZARETTO_NUOVO", "Lazzaretto Nuovo", "Lazzaretto Nuovo", 0, (12.3870, 45.4610), 9, 1.2, 0, 6),
    ("SAN_MICHELE", "San Michele", "San Michele", 0, (12.3470, 45.4478), 17, 1.1, 0, 6),
    ("SAN_GIORGIO_MAGGIORE", "San Giorgio Maggiore", "San Giorgio Maggiore", 0,
     (12.3440, 45.4288), 10, 1.4, 0, 4),
    ("CERTOSA", "La Certosa", "La Certosa", 0, (12.3700, 45.4330), 24, 1.8, 40, 6),
    ("SAN_SERVOLO", "San Servolo", "San Servolo", 0, (12.3545, 45.4210), 5, 1.2, 0, 4),
    ("SAN_LAZZARO_DEGLI_ARMENI", "San Lazzaro degli Armeni", "San Lazzaro degli Armeni", 10,
     (12.3605, 45.4122), 3, 1.0, 0, 4),
    ("SAN_CLEMENTE", "San Clemente", "San Clemente", 0, (12.3320, 45.4110), 7, 1.3, 0, 4),
    ("SACCA_SESSOLA", "Sacca Sessola", "Sacca Sessola", 0, (12.3120, 45.4045), 16, 1.3, 30, 6),
    ("POVEGLIA", "Poveglia", "Poveglia", 0, (12.3310, 45.3820), 7, 1.2, 0, 6),
]
LIDO_POPULATION = 15_500
PELLESTRINA_POPULATION = 3_300

# The nine municipalities of the Steering Committee: ISTAT code, name, population
# (approximate, 2023) and seeds (lon, lat) of the Voronoi cells that make their territory.
MUNICIPALITIES = [
    ("027042", "Venezia", 250_000,
     [(12.335, 45.437), (12.36, 45.46), (12.40, 45.48), (12.42, 45.505), (12.37, 45.40),
      (12.33, 45.36), (12.31, 45.30), (12.305, 45.255), (12.30, 45.33), (12.25, 45.47),
      (12.28, 45.50), (12.30, 45.40), (12.27, 45.43), (12.26, 45.38), (12.33, 45.52),
      (12.38, 45.525), (12.24, 45.34), (12.27, 45.31)]),
    ("027008", "Chioggia", 48_500,
     [(12.28, 45.22), (12.30, 45.20), (12.22, 45.22), (12.25, 45.25), (12.26, 45.19),
      (12.20, 45.16), (12.30, 45.16)]),
    ("027044", "Cavallino-Treporti", 13_600,
     [(12.50, 45.47), (12.55, 45.48), (12.46, 45.45), (12.48, 45.50)]),
    ("027019", "Jesolo", 26_700, [(12.60, 45.52), (12.63, 45.50), (12.555, 45.535)]),
    ("027025", "Musile di Piave", 11_600, [(12.56, 45.575), (12.62, 45.58)]),
    ("027031", "Quarto d'Altino", 8_200, [(12.40, 45.565), (12.45, 45.575), (12.36, 45.58)]),
    ("027023", "Mira", 38_000, [(12.17, 45.43), (12.19, 45.41), (12.12, 45.45), (12.15, 45.40)]),
    ("027002", "Campagna Lupia", 7_100,
     [(12.12, 45.35), (12.17, 45.34), (12.15, 45.37), (12.20, 45.325)]),
    ("028033", "Codevigo", 6_300, [(12.12, 45.27), (12.16, 45.29), (12.10, 45.25), (12.14, 45.23)]),
]


@dataclass
class Frame:
    """The large pieces that partition the extent, and the zones built on them."""

    sea: BaseGeometry
    mainland: BaseGeometry
    lagoon: Polygon
    barrier: BaseGeometry          # the littoral land between lagoon and sea
    inlets: dict[str, Polygon]
    coast: LineString
    basins: dict[str, BaseGeometry]
    property: BaseGeometry
    buffer_zone: BaseGeometry
    municipalities: list[dict] = field(default_factory=list)
    historic_city: BaseGeometry = None
    grand_canal: BaseGeometry = None
    sestieri: list[dict] = field(default_factory=list)
    islands: list[dict] = field(default_factory=list)


def _bisect(f, lo: float, hi: float, target: float, steps: int = 40) -> float:
    """x in [lo, hi] with f(x) = target, for f increasing."""
    for _ in range(steps):
        mid = (lo + hi) / 2
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _landward(coast: LineString) -> Polygon:
    """Everything west of the coast (land and lagoon), as one polygon."""
    xs, ys = coast.xy
    far = 100_000.0
    ring = list(zip(xs, ys, strict=True)) + [(xs[-1], ys[-1] - far), (xs[-1] - far, ys[-1] - far),
                                             (xs[0] - far, ys[0] + far), (xs[0], ys[0] + far)]
    return Polygon(ring).buffer(0)


def _barrier(seed: int) -> tuple[BaseGeometry, dict[str, Polygon]]:
    line = line_ll(BARRIER)
    pts = np.asarray(line.coords)
    dist = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))])
    widths = np.asarray(BARRIER_WIDTH, dtype=float)

    def width_at(s: float) -> float:
        return float(np.interp(s, dist, widths))

    band = strip(line, width_at, side=-1, step=80.0)
    inlets = {}
    for code, ((lon, lat), gap) in INLETS.items():
        x, y = utm(lon, lat)
        s = line.project(Point(x, y))
        a = line.interpolate(max(s - 50, 0))
        b = line.interpolate(s + 50)
        dx, dy = b.x - a.x, b.y - a.y
        norm = float(np.hypot(dx, dy))
        ux, uy = dx / norm, dy / norm
        half, depth = gap / 2, 4_000.0
        rect = Polygon([(x - ux * half + uy * depth, y - uy * half - ux * depth),
                        (x + ux * half + uy * depth, y + uy * half - ux * depth),
                        (x + ux * half - uy * depth, y + uy * half + ux * depth),
                        (x - ux * half - uy * depth, y - uy * half + ux * depth)])
        inlets[code] = rect
    band = wobble(band, 60.0, 1_500.0, seed + 7)
    return band, inlets


def build_frame(seed: int) -> Frame:
    coast = line_ll(COAST)
    land_side = _landward(coast)
    sea = EXTENT.difference(land_side)
    band, inlet_rects = _barrier(seed)
    band = band.intersection(land_side)
    inlets = {code: largest(rect.intersection(band)) for code, rect in inlet_rects.items()}
    barrier = band.difference(unary_union(list(inlets.values())))

    outline = wobble(polygon_ll(LAGOON), 250.0, 4_000.0, seed + 11)

    def lagoon_for(d: float) -> Polygon:
        return largest(outline.buffer(d, join_style="round").intersection(land_side).difference(band))

    d = _bisect(lambda d: lagoon_for(d).area, -2_000.0, 2_000.0, LAGOON_KM2 * 1e6)
    lagoon = shapely.set_precision(lagoon_for(d), 0.01)
    mainland = EXTENT.intersection(land_side).difference(lagoon).difference(band)
    basins = _basins(lagoon, line_ll(BARRIER))
    prop = _property(lagoon, barrier, inlets, sea, coast)
    buffer_zone = prop.buffer(4_000.0).intersection(EXTENT).difference(prop)
    frame = Frame(sea=sea, mainland=mainland, lagoon=lagoon, barrier=barrier, inlets=inlets,
                  coast=coast, basins=basins, property=prop, buffer_zone=buffer_zone)
    _city(frame, seed)
    _islands(frame, seed)
    _municipalities(frame)
    return frame


def _split(lagoon: Polygon, a: tuple[float, float], b: tuple[float, float]):
    """The parts of the lagoon on each side of the line a-b (extended far both ways)."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    far = 60_000.0 / float(np.hypot(dx, dy))
    p0 = (ax - dx * far, ay - dy * far)
    p1 = (bx + dx * far, by + dy * far)
    # the half-plane to the left of p0 -> p1 (north-east of the watershed)
    nx, ny = -dy * far, dx * far
    left = Polygon([p0, p1, (p1[0] + nx, p1[1] + ny), (p0[0] + nx, p0[1] + ny)])
    return lagoon.intersection(left), lagoon.difference(left)


def _basins(lagoon: Polygon, barrier: LineString) -> dict[str, BaseGeometry]:
    total = lagoon.area
    anchor_lm = utm(*WATERSHED_ANCHORS["LIDO|MALAMOCCO"])
    anchor_mc = utm(*WATERSHED_ANCHORS["MALAMOCCO|CHIOGGIA"])
    s_lido = barrier.project(Point(*utm(*INLETS["LIDO"][0])))
    s_mal = barrier.project(Point(*utm(*INLETS["MALAMOCCO"][0])))
    s_chi = barrier.project(Point(*utm(*INLETS["CHIOGGIA"][0])))

    def point(s: float) -> tuple[float, float]:
        p = barrier.interpolate(s)
        return p.x, p.y

    # Chioggia basin: south of the second watershed (moving its end north grows it)
    s2 = _bisect(lambda s: _split(lagoon, anchor_mc, point(s_chi - s))[1].area / total,
                 0.0, s_chi - s_mal, BASIN_SHARES["CHIOGGIA"])
    north, chioggia = _split(lagoon, anchor_mc, point(s_chi - s2))
    s1 = _bisect(lambda s: _split(north, anchor_lm, point(s_lido + s))[0].area / total,
                 0.0, s_mal - s_lido, BASIN_SHARES["LIDO"])
    lido, malamocco = _split(north, anchor_lm, point(s_lido + s1))
    return {"LIDO": lido, "MALAMOCCO": malamocco, "CHIOGGIA": chioggia}


def _property(lagoon, barrier, inlets, sea, coast) -> BaseGeometry:
    """Lagoon, littorals and inlets, plus a strip of sea sized to give about 70,176 ha."""
    shore = line_ll(BARRIER)
    core = unary_union([lagoon, barrier, *inlets.values()])

    def with_sea(d: float) -> BaseGeometry:
        return unary_union([core, shore.buffer(d, cap_style="flat").intersection(sea)])

    d = _bisect(lambda d: with_sea(d).area, 0.0, 8_000.0, PROPERTY_HA * 1e4)
    return shapely.set_precision(with_sea(d), 0.01)


def _city(frame: Frame, seed: int) -> None:
    """The historic city cut by the Grand Canal; sestieri are Voronoi cells of a few seeds
    each, kept on their own bank of the canal."""
    city = wobble(polygon_ll(HISTORIC_CITY), 25.0, 400.0, seed + 21)
    canal = line_ll(GRAND_CANAL).buffer(25.0, cap_style="flat")
    banks = sorted(polygons(city.difference(canal), 1_000.0), key=lambda p: -p.area)[:2]
    north = _north_bank(banks)
    frame.historic_city = city
    frame.grand_canal = canal.intersection(city)
    seeds = [(row[0], Point(*utm(lon, lat))) for row in SESTIERI for lon, lat in row[5]]
    cells = shapely.voronoi_polygons(shapely.MultiPoint([p for _, p in seeds]),
                                     extend_to=city.buffer(2_000.0))
    by_code: dict[str, list] = {}
    for cell in cells.geoms:
        by_code.setdefault(next(c for c, p in seeds if cell.contains(p)), []).append(cell)
    for code, it, en, pop, bank, _seeds in SESTIERI:
        side = banks[north] if bank == "north" else banks[1 - north]
        frame.sestieri.append({"code": code, "name_it": it, "name_en": en, "population": pop,
                               "bank": side, "geom": unary_union(by_code[code]).intersection(side)})
    # bits of a bank under cells of the other bank's sestieri join their neighbour on that bank
    for bank in banks:
        same = [s for s in frame.sestieri if s["bank"] is bank]
        rest = bank.difference(unary_union([s["geom"] for s in same]))
        for piece in polygons(rest, 1.0):
            best = max(same, key=lambda s: s["geom"].buffer(1.0).intersection(piece).area)
            best["geom"] = best["geom"].union(piece)
    for s in frame.sestieri:
        del s["bank"]
    giudecca = wobble(polygon_ll(GIUDECCA), 15.0, 300.0, seed + 23)
    frame.sestieri.append({"code": "GIUDECCA", "name_it": "Giudecca", "name_en": "Giudecca",
                           "population": GIUDECCA_POPULATION, "geom": giudecca})


def _north_bank(banks: list) -> int:
    """Index of the bank on the canal's north-east side (Cannaregio's)."""
    ref = Point(*utm(12.3260, 45.4445))
    return min(range(len(banks)), key=lambda i: banks[i].distance(ref))


def _islands(frame: Frame, seed: int) -> None:
    taken = [frame.historic_city, frame.barrier]
    for k, (code, it, en, pop, (lon, lat), ha, aspect, angle, lc) in enumerate(ISLANDS):
        x, y = utm(lon, lat)
        radius = float(np.sqrt(ha * 1e4 / np.pi))
        geom = blob(x, y, radius, seed + 300 + k, aspect=aspect, angle=np.radians(angle),
                    roughness=0.2)
        geom = geom.intersection(frame.lagoon).difference(unary_union(taken).buffer(30.0))
        geom = largest(geom)
        frame.islands.append({"code": code, "name_it": it, "name_en": en, "population": pop,
                              "land_cover": lc, "geom": geom})
        taken.append(geom)
    lido_ref = Point(*utm(12.37, 45.40))
    pell_ref = Point(*utm(12.310, 45.285))
    parts = polygons(frame.barrier, 1e4)
    lido = min(parts, key=lambda p: p.distance(lido_ref))
    pell = min(parts, key=lambda p: p.distance(pell_ref))
    frame.islands.append({"code": "LIDO", "name_it": "Lido", "name_en": "Lido",
                          "population": LIDO_POPULATION, "land_cover": 6, "geom": lido})
    frame.islands.append({"code": "PELLESTRINA", "name_it": "Pellestrina", "name_en": "Pellestrina",
                          "population": PELLESTRINA_POPULATION, "land_cover": 6, "geom": pell})


def _municipalities(frame: Frame) -> None:
    territory = EXTENT.difference(frame.sea)
    seeds = [(code, Point(*utm(lon, lat))) for code, _n, _p, pts in MUNICIPALITIES for lon, lat in pts]
    cells = shapely.voronoi_polygons(shapely.MultiPoint([p for _, p in seeds]),
                                     extend_to=EXTENT.buffer(10_000.0))
    by_code: dict[str, list] = {}
    for cell in cells.geoms:
        code = next(c for c, p in seeds if cell.contains(p))
        by_code.setdefault(code, []).append(cell)
    for code, name, pop, _pts in MUNICIPALITIES:
        geom = unary_union(by_code[code]).intersection(territory)
        frame.municipalities.append({"code": code, "name_it": name, "name_en": name,
                                     "population": pop, "geom": geom})

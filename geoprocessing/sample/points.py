"""Heritage assets and tourist accommodation: hundreds of points, a few named after real
monuments at their approximate places, the rest invented. Illustrative only."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.ops import nearest_points, unary_union

from .model import Model
from .shapes import random_points_in, utm

# (name, category, century, lon, lat)
NAMED_ASSETS = [
    ("Basilica di San Marco", "church", 11, 12.3397, 45.4346),
    ("Basilica di Santa Maria della Salute", "church", 17, 12.3346, 45.4308),
    ("San Giorgio Maggiore", "church", 16, 12.3436, 45.4290),
    ("Chiesa del Santissimo Redentore", "church", 16, 12.3320, 45.4262),
    ("Basilica dei Santi Giovanni e Paolo", "church", 15, 12.3418, 45.4395),
    ("Basilica di Santa Maria Gloriosa dei Frari", "church", 15, 12.3265, 45.4367),
    ("Chiesa di San Zaccaria", "church", 15, 12.3434, 45.4343),
    ("Madonna dell'Orto", "church", 15, 12.3327, 45.4458),
    ("San Pietro di Castello", "church", 16, 12.3598, 45.4342),
    ("Cattedrale di Santa Maria Assunta (Torcello)", "church", 11, 12.4183, 45.4977),
    ("Basilica dei Santi Maria e Donato (Murano)", "church", 12, 12.3542, 45.4553),
    ("Chiesa di San Martino (Burano)", "church", 16, 12.4168, 45.4857),
    ("Chiesa di San Sebastiano", "church", 16, 12.3200, 45.4307),
    ("Chiesa dei Gesuati", "church", 18, 12.3281, 45.4300),
    ("San Michele in Isola", "church", 15, 12.3468, 45.4478),
    ("San Francesco della Vigna", "church", 16, 12.3495, 45.4380),
    ("Chiesa di Santa Maria dei Miracoli", "church", 15, 12.3398, 45.4392),
    ("Chiesa degli Scalzi", "church", 17, 12.3203, 45.4413),
    ("Chiesa di San Nicolò al Lido", "church", 17, 12.3900, 45.4190),
    ("Palazzo Ducale", "palace", 14, 12.3404, 45.4337),
    ("Ca' d'Oro", "palace", 15, 12.3340, 45.4409),
    ("Ca' Rezzonico", "palace", 17, 12.3267, 45.4339),
    ("Ca' Pesaro", "palace", 17, 12.3314, 45.4414),
    ("Palazzo Grassi", "palace", 18, 12.3277, 45.4342),
    ("Ca' Foscari", "palace", 15, 12.3262, 45.4349),
    ("Palazzo Labia", "palace", 18, 12.3240, 45.4425),
    ("Ca' Vendramin Calergi", "palace", 16, 12.3290, 45.4438),
    ("Fondaco dei Tedeschi", "palace", 16, 12.3370, 45.4387),
    ("Fondaco dei Turchi", "palace", 13, 12.3285, 45.4416),
    ("Forte di Sant'Andrea", "fort", 16, 12.3770, 45.4385),
    ("Forte Marghera", "fort", 19, 12.2570, 45.4790),
    ("Forte San Felice", "fort", 14, 12.3008, 45.2345),
    ("Forte Alberoni", "fort", 18, 12.3315, 45.3440),
    ("Ottagono di Poveglia", "fort", 16, 12.3360, 45.3790),
    ("Ottagono di San Pietro", "fort", 16, 12.3030, 45.3090),
    ("Ottagono di Ca' Roman", "fort", 16, 12.2960, 45.2480),
    ("Forte Treporti", "fort", 19, 12.4470, 45.4470),
    ("Batteria Amalfi", "fort", 20, 12.4720, 45.4500),
    ("Torre Massimiliana (Sant'Erasmo)", "fort", 19, 12.4140, 45.4470),
    ("Forte Carpenedo", "fort", 19, 12.2760, 45.5180),
    ("Gallerie dell'Accademia", "museum", 19, 12.3282, 45.4312),
    ("Museo Correr", "museum", 19, 12.3372, 45.4337),
    ("Collezione Peggy Guggenheim", "museum", 20, 12.3313, 45.4308),
    ("Museo del Vetro (Murano)", "museum", 19, 12.3570, 45.4570),
    ("Museo del Merletto (Burano)", "museum", 20, 12.4175, 45.4858),
    ("Punta della Dogana", "museum", 17, 12.3360, 45.4312),
    ("Museo Storico Navale", "museum", 20, 12.3496, 45.4338),
    ("Museo di Torcello", "museum", 19, 12.4178, 45.4982),
    ("Ponte di Rialto", "bridge", 16, 12.3359, 45.4380),
    ("Ponte dell'Accademia", "bridge", 20, 12.3285, 45.4318),
    ("Ponte degli Scalzi", "bridge", 20, 12.3208, 45.4409),
    ("Ponte della Costituzione", "bridge", 21, 12.3190, 45.4400),
    ("Ponte dei Sospiri", "bridge", 17, 12.3408, 45.4341),
    ("Ponte delle Guglie", "bridge", 16, 12.3268, 45.4433),
    ("Campanile di San Marco", "other", 20, 12.3389, 45.4339),
    ("Torre dell'Orologio", "other", 15, 12.3386, 45.4346),
    ("Teatro La Fenice", "other", 18, 12.3337, 45.4336),
    ("Porta Magna dell'Arsenale", "other", 15, 12.3503, 45.4349),
    ("Scuola Grande di San Rocco", "other", 16, 12.3262, 45.4365),
    ("Murazzi di Pellestrina", "other", 18, 12.3140, 45.2950),
]
SAINTS = ["Agnese", "Alvise", "Antonino", "Aponal", "Barnaba", "Bartolomeo", "Basso", "Biagio",
          "Cassiano", "Croce", "Eufemia", "Fantin", "Felice", "Geremia", "Giacomo dall'Orio",
          "Giobbe", "Giovanni Crisostomo", "Giovanni in Bragora", "Giuliano", "Lazzaro",
          "Leonardo", "Lio", "Lorenzo", "Luca", "Marcuola", "Marziale", "Maurizio", "Moisè",
          "Nicolò dei Mendicoli", "Pantalon", "Polo", "Salvador", "Samuele", "Silvestro",
          "Simeon", "Stae", "Stin", "Tomà", "Trovaso", "Vidal", "Zan Degolà", "Zulian"]
FAMILIES = ["Barbaro", "Bembo", "Contarini", "Corner", "Dandolo", "Dolfin", "Donà", "Erizzo",
            "Foscarini", "Giustinian", "Gradenigo", "Grimani", "Loredan", "Malipiero", "Marcello",
            "Michiel", "Mocenigo", "Morosini", "Pisani", "Priuli", "Querini", "Sagredo",
            "Soranzo", "Tiepolo", "Trevisan", "Vendramin", "Venier", "Zen", "Zorzi", "Badoer"]
BRIDGE_WORDS = ["dei Frati", "del Megio", "dei Greci", "delle Tette", "del Diavolo", "Storto",
                "dei Conzafelzi", "della Paglia", "del Paradiso", "dei Baretteri", "San Polo",
                "dei Tre Archi", "Chiodo", "de la Malvasia", "dei Carmini", "del Cristo"]
OTHER_WORDS = ["Pozzo", "Campiello", "Sotoportego", "Corte", "Squero", "Altana", "Cavana"]

ACCOMMODATION_KINDS = {  # beds: lognormal median and spread, bounds
    "hotel": (60, 0.7, 10, 400), "guesthouse": (8, 0.4, 3, 25),
    "apartment": (4, 0.35, 2, 10), "hostel": (40, 0.8, 10, 900),
}


def _land(model: Model):
    f, ls = model.frame, model.landscape
    return unary_union([*[s["geom"] for s in f.sestieri], *[i["geom"] for i in f.islands],
                        f.barrier, f.mainland, *[g for _, g in ls.towns]]).buffer(-3.0)


def heritage_assets(model: Model) -> list[dict]:
    """About 400 assets: churches, palaces, forts, museums, bridges and others."""
    rng = np.random.default_rng(model.seed + 5000)
    land = _land(model)
    shapely.prepare(land)
    out = []
    for name, category, century, lon, lat in NAMED_ASSETS:
        p = Point(*utm(lon, lat))
        if not land.contains(p):  # the drawn shores are approximate: step onto land
            p = nearest_points(land, p)[0]
        out.append({"name": name, "category": category, "century": century, "geom": p})
    city = unary_union([s["geom"] for s in model.frame.sestieri]).buffer(-5)
    islands = unary_union([i["geom"] for i in model.frame.islands
                           if i["code"] in ("MURANO", "BURANO", "TORCELLO", "MAZZORBO",
                                            "SANT_ERASMO", "LIDO", "PELLESTRINA")]).buffer(-5)
    plan = [("church", city, 110, (9, 18)), ("church", islands, 25, (11, 18)),
            ("palace", city, 170, (13, 18)), ("palace", islands, 15, (15, 18)),
            ("bridge", city, 40, (14, 19)), ("other", city, 30, (12, 19)),
            ("museum", city, 10, (19, 21))]
    for category, where, count, (c0, c1) in plan:
        for x, y in random_points_in(where, count, rng, min_spacing=25):
            if category == "church":
                name = f"Chiesa di San {rng.choice(SAINTS)}"
            elif category == "palace":
                name = f"Palazzo {rng.choice(FAMILIES)}"
            elif category == "bridge":
                name = f"Ponte {rng.choice(BRIDGE_WORDS)}"
            elif category == "museum":
                name = f"Museo di Palazzo {rng.choice(FAMILIES)}"
            else:
                name = f"{rng.choice(OTHER_WORDS)} {rng.choice(FAMILIES)}"
            out.append({"name": name, "category": category,
                        "century": int(rng.integers(c0, c1 + 1)), "geom": Point(x, y)})
    for n, row in enumerate(out, 1):
        row["asset_id"] = f"HA{n:04d}"
    return out


def accommodation(model: Model) -> list[dict]:
    """About 2,700 accommodation points with beds: dense in the historic city."""
    rng = np.random.default_rng(model.seed + 6000)
    f, ls = model.frame, model.landscape
    sestieri = {s["code"]: s["geom"].buffer(-5) for s in f.sestieri}
    islands = {i["code"]: i["geom"].buffer(-5) for i in f.islands}
    towns = {name: g for name, g in ls.towns}
    # (where, how many, kind weights hotel/guesthouse/apartment/hostel)
    city_mix = (0.12, 0.18, 0.68, 0.02)
    plan = [
        (sestieri["SAN_MARCO"], 420, city_mix), (sestieri["CASTELLO"], 420, city_mix),
        (sestieri["CANNAREGIO"], 430, city_mix), (sestieri["DORSODURO"], 230, city_mix),
        (sestieri["SAN_POLO"], 210, city_mix), (sestieri["SANTA_CROCE"], 200, city_mix),
        (sestieri["GIUDECCA"], 60, city_mix), (islands["LIDO"], 150, (0.35, 0.25, 0.38, 0.02)),
        (islands["MURANO"], 40, (0.2, 0.3, 0.5, 0.0)), (islands["BURANO"], 25, (0.1, 0.3, 0.6, 0.0)),
        (islands["PELLESTRINA"], 15, (0.1, 0.4, 0.5, 0.0)),
        (towns["Mestre e Marghera"], 360, (0.30, 0.15, 0.50, 0.05)),
        (towns["Cavallino"], 40, (0.3, 0.2, 0.3, 0.2)), (towns["Treporti"], 30, (0.3, 0.2, 0.3, 0.2)),
        (towns["Chioggia"], 40, (0.3, 0.3, 0.4, 0.0)), (towns["Sottomarina"], 80, (0.4, 0.2, 0.35, 0.05)),
        (towns["Jesolo"], 70, (0.6, 0.1, 0.28, 0.02)),
    ]
    kinds = list(ACCOMMODATION_KINDS)
    out = []
    for where, count, weights in plan:
        for x, y in random_points_in(where, count, rng, min_spacing=8):
            kind = kinds[int(rng.choice(4, p=weights))]
            median, spread, lo, hi = ACCOMMODATION_KINDS[kind]
            beds = int(np.clip(round(rng.lognormal(np.log(median), spread)), lo, hi))
            out.append({"kind": kind, "beds": beds, "geom": Point(x, y)})
    return out

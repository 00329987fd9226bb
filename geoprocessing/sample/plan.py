"""The sample Management Plan 2024-2030 (``plan.gpkg``): five challenges, their objectives
and action plans, 40 projects placed where they act, funding (Law 77/2006 lines a-d,
Regione Veneto, EU programmes, Comune di Venezia, the Special Law for Venice) and the
indicators' baselines, targets and thresholds. All of it is illustrative.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point
from shapely.ops import unary_union

from .model import Model
from .points import NAMED_ASSETS
from .register import write_tables
from .shapes import CRS, blob, utm

PLAN = {"code": "PG-2024-2030",
        "title_it": "Piano di gestione del sito UNESCO Venezia e la sua Laguna 2024-2030 (illustrativo)",
        "title_en": "Management Plan of the World Heritage property Venice and its Lagoon 2024-2030 (illustrative)",
        "period_start": 2024, "period_end": 2030, "status": "in_force", "approved_on": "2024-03-20",
        "status_as_of": "2024-12-31",
        "approval_act": "Delibera del Comitato di Pilotaggio n. 1/2024 (illustrativa)", "url": None,
        "illustrative": True}

# code, title it, title en, UNESCO factors, indicators, action plans (code: it, en)
CHALLENGES = [
    ("S1", "Governance e gestione integrata del sito", "Governance and integrated site management",
     ["13.3", "13.8"], ["PLAN_PROJECTS", "PLAN_BUDGET", "PLAN_BUDGET_SPENT_SHARE", "PLAN_FUNDING"],
     {"1": ("Coordinamento del Comitato di Pilotaggio", "Coordinating the Steering Committee"),
      "2": ("Monitoraggio e rapporti periodici", "Monitoring and periodic reporting"),
      "3": ("Conoscenza, educazione e comunicazione", "Knowledge, education and communication")}),
    ("S2", "Turismo sostenibile e pressione dei visitatori", "Sustainable tourism and visitor pressure",
     ["8.6", "1.4", "2.3", "2.4"],
     ["TOURIST_ARRIVALS", "ACCOMMODATION_DENSITY", "ACCOMMODATION_PER_RESIDENT", "LARGE_SHIP_TRANSITS"],
     {"1": ("Gestione dei flussi turistici", "Managing visitor flows"),
      "2": ("Ricettività e locazioni turistiche", "Accommodation and short-term lets"),
      "3": ("Grandi navi e traffico acqueo", "Large ships and water traffic")}),
    ("S3", "Ambiente lagunare, barene e morfologia", "Lagoon environment, salt marshes and morphology",
     ["11.5", "4.3", "5.1", "5.2"],
     ["SALT_MARSH_AREA", "SALT_MARSH_NET_CHANGE", "WATER_QUALITY_GOOD", "MEAN_DEPTH_CHANGE", "LAND_COVER_CHANGE"],
     {"1": ("Conservazione e ricostruzione delle barene", "Conserving and rebuilding salt marshes"),
      "2": ("Qualità delle acque e pesca", "Water quality and fishing"),
      "3": ("Morfologia e sedimenti", "Morphology and sediments")}),
    ("S4", "Acqua alta e cambiamento climatico", "High water and climate change",
     ["10.2", "10.5", "3.1"],
     ["HIGH_WATER_EVENTS_110", "HIGH_WATER_EVENTS_140", "FLOOD_ASSETS_EXPOSED", "BARRIER_PROTECTED_EVENTS"],
     {"1": ("Difesa dalle acque alte", "Defence against high water"),
      "2": ("Adattamento del patrimonio costruito", "Adapting the built heritage"),
      "3": ("Conoscenza del clima e delle maree", "Knowing climate and tides")}),
    ("S5", "Residenti, abitare e attività tradizionali", "Residents, housing and traditional activities",
     ["8.5", "8.4", "1.1"], ["RESIDENTS_HISTORIC_CITY", "LAND_TAKE"],
     {"1": ("Casa e residenza", "Housing and residents"),
      "2": ("Mestieri tradizionali e artigianato", "Traditional crafts"),
      "3": ("Pesca, vallicoltura e agricoltura lagunare", "Fishing, fish farming and lagoon farming")}),
]

# challenge, code, title it, title en, status, budget (EUR), lead body, where, partners
PROJECTS = [
    ("S1", "1.1", "Segreteria tecnica del Comitato di Pilotaggio", "Technical secretariat of the Steering Committee",
     "ongoing", 450_000, "comune-venezia", None, ["mic-unesco"]),
    ("S1", "1.2", "Accordo di programma tra gli enti del sito", "Programme agreement among the site's bodies",
     "completed", 60_000, "comune-venezia", None, ["regione-veneto", "cm-venezia"]),
    ("S1", "1.3", "Sito web e comunicazione del sito UNESCO", "Website and communication of the World Heritage property",
     "completed", 80_000, "comune-venezia", None, []),
    ("S1", "2.1", "Piattaforma di monitoraggio dello stato di conservazione", "State-of-conservation monitoring platform",
     "ongoing", 380_000, "comune-venezia", "zone:property", ["unive", "iuav"]),
    ("S1", "2.2", "Rapporto periodico 2024", "Periodic report 2024", "completed", 40_000, "mic-unesco", None,
     ["comune-venezia"]),
    ("S1", "2.3", "Rapporto sullo stato di conservazione 2025", "State of conservation report 2025", "planned",
     50_000, "comune-venezia", None, ["mic-unesco", "sabap-venezia"]),
    ("S1", "3.1", "Il patrimonio a scuola", "Heritage in schools", "ongoing", 120_000, "comune-venezia",
     "zone:historic_city", ["unive"]),
    ("S1", "3.2", "Archivio digitale dei beni culturali", "Digital archive of heritage assets", "ongoing",
     260_000, "archivio-stato-venezia", "asset:Porta Magna dell'Arsenale", ["sabap-venezia", "iuav"]),
    ("S2", "1.1", "Conteggio e gestione dei flussi a San Marco", "Counting and managing flows in San Marco",
     "ongoing", 900_000, "comune-venezia", "sestiere:SAN_MARCO", ["unive"]),
    ("S2", "1.2", "Contributo di accesso: monitoraggio degli effetti", "Access fee: monitoring its effects",
     "ongoing", 150_000, "comune-venezia", "zone:historic_city", ["unive"]),
    ("S2", "1.3", "Itinerari alternativi nelle isole della laguna nord", "Alternative routes in the northern islands",
     "planned", 340_000, "comune-venezia", "islands:MURANO,BURANO,TORCELLO,MAZZORBO", ["comune-cavallino-treporti"]),
    ("S2", "2.1", "Censimento delle locazioni turistiche", "Census of short-term lets", "ongoing", 110_000,
     "comune-venezia", "zone:historic_city", []),
    ("S2", "2.2", "Regolamento per le locazioni brevi", "Rules for short-term lets", "proposed", 30_000,
     "comune-venezia", "zone:historic_city", ["regione-veneto"]),
    ("S2", "3.1", "Monitoraggio del moto ondoso nei canali", "Monitoring boat wash in the canals", "ongoing",
     220_000, "comune-venezia", "points:12.3300,45.4390;12.3340,45.4405;12.3290,45.4318", ["unive"]),
    ("S2", "3.2", "Studio di un terminal crociere fuori dalla laguna", "Study of a cruise terminal outside the lagoon",
     "suspended", 1_200_000, "adsp-mas", "points:12.3500,45.3300", ["provveditorato-oopp"]),
    ("S2", "3.3", "Riorganizzazione del trasporto pubblico acqueo", "Reorganising public water transport",
     "planned", 2_500_000, "comune-venezia", "zone:historic_city", ["cm-venezia"]),
    ("S3", "1.1", "Ricostruzione di barene nella laguna centrale", "Rebuilding salt marshes in the central lagoon",
     "ongoing", 5_200_000, "provveditorato-oopp", "blob:12.262,45.392,600", ["unive", "regione-veneto"]),
    ("S3", "1.2", "Protezione dei margini delle barene della laguna nord", "Protecting salt-marsh edges in the northern lagoon",
     "planned", 1_800_000, "provveditorato-oopp", "blob:12.445,45.505,1500", ["comune-venezia"]),
    ("S3", "1.3", "Monitoraggio satellitare delle barene", "Satellite monitoring of salt marshes", "ongoing",
     240_000, "unive", "zone:lagoon", ["comune-venezia"]),
    ("S3", "2.1", "Rete di monitoraggio della qualità delle acque", "Water-quality monitoring network", "ongoing",
     700_000, "regione-veneto", "points:12.44,45.515;12.395,45.44;12.26,45.415;12.27,45.36;12.23,45.27", ["arpav"]),
    ("S3", "2.2", "Riduzione dei carichi dal bacino scolante", "Reducing loads from the drainage basin", "ongoing",
     3_100_000, "regione-veneto", "points:12.2600,45.4150", ["arpav", "comune-mira"]),
    ("S3", "2.3", "Gestione della pesca delle vongole", "Managing clam fishing", "ongoing", 180_000,
     "comune-chioggia", "basin:CHIOGGIA", ["regione-veneto"]),
    ("S3", "3.1", "Gestione dei sedimenti di dragaggio", "Managing dredged sediments", "planned", 2_400_000,
     "adsp-mas", "blob:12.272,45.362,900", ["provveditorato-oopp"]),
    ("S3", "3.2", "Studio morfologico del bacino di Chioggia", "Morphological study of the Chioggia basin",
     "completed", 160_000, "unive", "basin:CHIOGGIA", ["comune-chioggia", "comune-codevigo"]),
    ("S4", "1.1", "Rialzo delle rive nell'area marciana", "Raising the waterfront around St Mark's",
     "ongoing", 4_800_000, "provveditorato-oopp", "blob:12.3392,45.4338,120", ["comune-venezia", "patriarcato-venezia"]),
    ("S4", "1.2", "Manutenzione delle paratoie alle bocche di porto", "Maintenance of the barriers at the inlets",
     "ongoing", 8_000_000, "provveditorato-oopp", "points:12.4165,45.4290;12.3265,45.3350;12.3010,45.2325",
     ["comune-venezia"]),
    ("S4", "1.3", "Difese locali di Pellestrina", "Local defences on Pellestrina", "planned", 1_500_000,
     "comune-venezia", "island:PELLESTRINA", ["provveditorato-oopp"]),
    ("S4", "2.1", "Impermeabilizzazione del nartece di San Marco", "Waterproofing the narthex of St Mark's",
     "completed", 3_000_000, "patriarcato-venezia", "asset:Basilica di San Marco", ["sabap-venezia"]),
    ("S4", "2.2", "Piano di adattamento dei beni esposti all'acqua alta", "Adaptation plan for heritage exposed to high water",
     "ongoing", 350_000, "iuav", "zone:historic_city", ["sabap-venezia"]),
    ("S4", "3.1", "Aggiornamento della rete mareografica", "Upgrading the tide-gauge network", "ongoing",
     600_000, "comune-venezia", "points:12.3363,45.4309;12.4360,45.4177;12.4167,45.4853", []),
    ("S4", "3.2", "Scenari di innalzamento del mare al 2100", "Sea-level rise scenarios to 2100", "completed",
     90_000, "unive", "zone:lagoon", ["comune-venezia"]),
    ("S5", "1.1", "Recupero di alloggi pubblici a Castello", "Renovating public housing in Castello", "ongoing",
     2_600_000, "comune-venezia", "blob:12.3560,45.4335,150", []),
    ("S5", "1.2", "Incentivi alla residenza per giovani famiglie", "Housing incentives for young families",
     "planned", 1_000_000, "comune-venezia", "zone:historic_city", ["regione-veneto"]),
    ("S5", "1.3", "Alloggi per studenti alla Giudecca", "Student housing on the Giudecca", "proposed", 4_000_000,
     "comune-venezia", "blob:12.3190,45.4255,120", ["unive", "iuav"]),
    ("S5", "2.1", "Botteghe del vetro di Murano", "Glass workshops of Murano", "ongoing", 420_000,
     "comune-venezia", "island:MURANO", []),
    ("S5", "2.2", "Scuola del merletto di Burano", "Burano lace school", "completed", 75_000, "comune-venezia",
     "asset:Museo del Merletto (Burano)", []),
    ("S5", "2.3", "Squeri e mestieri della barca", "Boatyards and boat crafts", "ongoing", 190_000,
     "comune-venezia", "points:12.3262,45.4305", ["sabap-venezia"]),
    ("S5", "3.1", "Tradizioni delle valli da pesca", "Traditions of the fish farms", "planned", 130_000,
     "comune-campagna-lupia", "blob:12.150,45.340,900", ["comune-codevigo"]),
    ("S5", "3.2", "Mercato del pesce di Chioggia", "Chioggia fish market", "cancelled", 800_000,
     "comune-chioggia", "points:12.2790,45.2195", []),
    ("S5", "3.3", "Orti di Sant'Erasmo", "Market gardens of Sant'Erasmo", "ongoing", 140_000,
     "comune-venezia", "island:SANT_ERASMO", []),
]

FUNDING_SOURCES = [
    ("law77", "Legge 77/2006 (siti UNESCO italiani)", "Law 77/2006 (Italian UNESCO sites)", "national",
     "Legge 20 febbraio 2006, n. 77, art. 4"),
    ("legge-speciale", "Legge speciale per Venezia", "Special Law for Venice", "national", "Legge 29 novembre 1984, n. 798"),
    ("regione-veneto", "Regione del Veneto", "Veneto Region", "regional", None),
    ("eu-interreg", "Interreg Italia-Croazia", "Interreg Italy-Croatia", "eu", None),
    ("eu-life", "Programma LIFE", "LIFE programme", "eu", None),
    ("comune-venezia", "Comune di Venezia, bilancio", "Municipality of Venice, budget", "municipal", None),
]

# code, source, challenge, project, title it, title en, year, law 77 line, status, share of budget
GRANTS = [
    ("L77-2019-A1", "law77", "S1", "2.1", "Studi per la piattaforma di monitoraggio",
     "Studies for the monitoring platform", 2019, "a", "closed", 0.30),
    ("L77-2021-A1", "law77", "S1", "2.2", "Rapporto periodico", "Periodic report", 2021, "a", "closed", 0.80),
    ("L77-2022-D1", "law77", "S1", "3.1", "Educazione al patrimonio nelle scuole",
     "Heritage education in schools", 2022, "d", "granted", 0.60),
    ("L77-2023-C1", "law77", "S2", "1.3", "Servizi di accoglienza nelle isole",
     "Visitor services on the islands", 2023, "c", "granted", 0.40),
    ("L77-2023-A2", "law77", "S3", "1.3", "Studi sulle barene da satellite",
     "Satellite studies of salt marshes", 2023, "a", "granted", 0.50),
    ("L77-2024-B1", "law77", "S1", "3.2", "Aree e servizi per l'archivio digitale",
     "Areas and services for the digital archive", 2024, "b", "requested", 0.30),
    ("L77-2024-D2", "law77", "S5", "2.2", "Laboratori didattici del merletto", "Lace workshops for schools",
     2024, "d", "closed", 0.70),
    ("LS-2022-01", "legge-speciale", "S4", "1.2", "Manutenzione delle paratoie", "Barrier maintenance",
     2022, None, "granted", 0.60),
    ("LS-2023-02", "legge-speciale", "S4", "1.1", "Rialzo delle rive", "Raising the waterfront",
     2023, None, "granted", 0.50),
    ("RV-2023-01", "regione-veneto", "S3", "2.1", "Rete di monitoraggio delle acque",
     "Water monitoring network", 2023, None, "granted", 0.70),
    ("RV-2024-02", "regione-veneto", "S3", "2.2", "Disinquinamento del bacino scolante",
     "Cleaning up the drainage basin", 2024, None, "granted", 0.50),
    ("RV-2024-03", "regione-veneto", "S4", "1.3", "Difese locali di Pellestrina", "Local defences on Pellestrina",
     2024, None, "requested", 0.50),
    ("EU-INT-2022-01", "eu-interreg", "S2", "1.1", "Gestione dei flussi (progetto europeo)",
     "Managing visitor flows (European project)", 2022, None, "granted", 0.40),
    ("EU-INT-2024-02", "eu-interreg", "S3", "1.2", "Margini delle barene (progetto europeo)",
     "Salt-marsh edges (European project)", 2024, None, "rejected", 0.60),
    ("EU-LIFE-2023-01", "eu-life", "S3", "1.1", "Ricostruzione delle barene (LIFE)",
     "Rebuilding salt marshes (LIFE)", 2023, None, "granted", 0.35),
    ("CV-2024-01", "comune-venezia", "S5", "1.1", "Recupero di alloggi pubblici", "Renovating public housing",
     2024, None, "granted", 0.60),
    ("CV-2024-02", "comune-venezia", "S5", "1.2", "Incentivi alla residenza", "Housing incentives",
     2024, None, "requested", 0.50),
    ("CV-2025-01", "comune-venezia", "S2", "3.1", "Monitoraggio del moto ondoso", "Monitoring boat wash",
     2025, None, "granted", 0.30),
]

# indicator: baseline value, baseline period, target, target period, warning, alert, challenge
TARGETS = {
    "LAND_TAKE": (0.0, "2012", 0.0, "2030", 10.0, 30.0, "S5"),
    "MEAN_DEPTH_CHANGE": (0.0, "2012", 0.0, "2030", 5.0, 10.0, "S3"),
    "SALT_MARSH_NET_CHANGE": (0.0, "2012", 0.0, "2030", -50.0, -150.0, "S3"),
    "HIGH_WATER_EVENTS_110": (20.0, "2015", 5.0, "2030", 10.0, 20.0, "S4"),
    "HIGH_WATER_EVENTS_140": (2.0, "2015", 0.0, "2030", 1.0, 3.0, "S4"),
    "HIGH_WATER_ANNUAL_MAX": (140.0, "2015", 110.0, "2030", 120.0, 140.0, "S4"),
    "BARRIER_PROTECTED_EVENTS": (0.0, "2020", 10.0, "2030", 5.0, 1.0, "S4"),
    "BARRIER_MEAN_REDUCTION": (0.0, "2020", 50.0, "2030", 30.0, 15.0, "S4"),
    "ACCOMMODATION_DENSITY": (None, None, 5_000.0, "2030", 5_000.0, 10_000.0, "S2"),
    "ACCOMMODATION_PER_RESIDENT": (None, None, 0.5, "2030", 0.5, 1.0, "S2"),
    "PLAN_BUDGET_SPENT_SHARE": (0.0, "2024", 100.0, "2030", 40.0, 20.0, "S1"),
    "RESIDENTS_HISTORIC_CITY": (58_191.0, "2012", 50_000.0, "2030", 50_000.0, 45_000.0, "S5"),
    "TOURIST_ARRIVALS": (4_300_000.0, "2012", 4_500_000.0, "2030", 5_000_000.0, 6_000_000.0, "S2"),
    "LARGE_SHIP_TRANSITS": (1_300.0, "2012", 0.0, "2030", 50.0, 200.0, "S2"),
    "WATER_QUALITY_GOOD": (18.0, "2012", 60.0, "2030", 30.0, 20.0, "S3"),
}
# Indicators broken down by class, statistic or level have no single baseline: their
# evaluation is by category. They get their challenge only.
CHALLENGE_ONLY = {"LAND_COVER_AREA": "S3", "LAND_COVER_SHARE": "S3", "LAND_COVER_CHANGE": "S3",
                  "ELEVATION_STATS": "S3", "NDVI_STATS": "S3", "SALT_MARSH_AREA": "S3",
                  "FLOOD_LAND_SHARE": "S4", "FLOOD_ASSETS_EXPOSED": "S4", "PLAN_PROJECTS": "S1",
                  "PLAN_BUDGET": "S1", "PLAN_FUNDING": "S1"}


def _geometry(model: Model, where: str | None):
    if where is None:
        return None
    kind, _, arg = where.partition(":")
    f = model.frame
    if kind == "zone":
        return {"property": f.property, "lagoon": f.lagoon,
                "historic_city": unary_union([s["geom"] for s in f.sestieri])}[arg]
    if kind == "sestiere":
        return next(s["geom"] for s in f.sestieri if s["code"] == arg)
    if kind == "island":
        return next(i["geom"] for i in f.islands if i["code"] == arg)
    if kind == "islands":
        return unary_union([i["geom"] for i in f.islands if i["code"] in arg.split(",")])
    if kind == "basin":
        return f.basins[arg]
    if kind == "asset":
        lon, lat = next((a[3], a[4]) for a in NAMED_ASSETS if a[0] == arg)
        return Point(*utm(lon, lat))
    if kind == "points":
        pts = [Point(*utm(*map(float, p.split(",")))) for p in arg.split(";")]
        return pts[0] if len(pts) == 1 else MultiPoint(pts)
    if kind == "blob":
        lon, lat, radius = map(float, arg.split(","))
        return blob(*utm(lon, lat), radius, 77, roughness=0.2).intersection(f.lagoon)
    raise ValueError(where)


def _zones(model: Model, geom) -> list[tuple[str, str]]:
    """The zones a project's shape touches (kind, code), for the project_zones layer."""
    if geom is None:
        return []
    f = model.frame
    candidates = ([("basin", c, g) for c, g in f.basins.items()]
                  + [("municipality", m["code"], m["geom"]) for m in f.municipalities]
                  + [("sestiere", s["code"], s["geom"]) for s in f.sestieri]
                  + [("island", i["code"], i["geom"]) for i in f.islands])
    probe = geom.buffer(1.0) if geom.geom_type in ("Point", "MultiPoint") else geom
    out = []
    for kind, code, zone in candidates:
        inter = shapely.intersection(zone, probe)
        if not inter.is_empty and inter.area > 0.01 * min(probe.area, zone.area):
            out.append((kind, code))
    return out


def _money(rng: np.random.Generator, status: str, budget: float) -> tuple[float, float]:
    committed_share, spent_share = {
        "completed": (1.0, rng.uniform(0.93, 1.0)), "ongoing": (rng.uniform(0.5, 1.0), rng.uniform(0.2, 0.7)),
        "planned": (rng.uniform(0.0, 0.3), 0.0), "proposed": (0.0, 0.0),
        "suspended": (0.4, 0.5), "cancelled": (0.1, 0.5)}[status]
    committed = round(budget * committed_share, -2)
    return committed, round(committed * spent_share, -2)


def _dates(rng: np.random.Generator, status: str) -> tuple[str | None, str | None]:
    def day(year: int) -> str:
        return f"{year}-{int(rng.integers(1, 13)):02d}-01"

    if status == "completed":
        return day(int(rng.integers(2022, 2024))), day(2024 + int(rng.integers(0, 2)))
    if status == "ongoing":
        return day(int(rng.integers(2023, 2026))), day(int(rng.integers(2026, 2031)))
    if status == "planned":
        return day(int(rng.integers(2026, 2028))), day(int(rng.integers(2028, 2031)))
    if status == "proposed":
        return None, None
    return day(2023), day(2025)


def tables(model: Model) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(model.seed + 8000)
    challenges, objectives, actions = [], [], []
    for n, (code, it, en, _factors, _inds, plans) in enumerate(CHALLENGES, 1):
        challenges.append({"code": code, "title_it": it, "title_en": en,
                           "description_it": f"Sfida {code} del Piano di gestione (testo illustrativo).",
                           "description_en": f"Challenge {code} of the Management Plan (illustrative text)."})
        for k in (1, 2):
            objectives.append({"challenge": code, "code": f"OS{n}.{k}", "level": "strategic", "parent": None,
                               "title_it": f"Obiettivo strategico {n}.{k}: {it.lower()}",
                               "title_en": f"Strategic objective {n}.{k}: {en.lower()}"})
            for j in (1, 2):
                objectives.append({"challenge": code, "code": f"OO{n}.{k}.{j}", "level": "operational",
                                   "parent": f"OS{n}.{k}",
                                   "title_it": f"Obiettivo operativo {n}.{k}.{j}",
                                   "title_en": f"Operational objective {n}.{k}.{j}"})
        for a, (ait, aen) in plans.items():
            actions.append({"challenge": code, "code": a, "objective": f"OO{n}.{1 + (int(a) - 1) // 2}.{1 + (int(a) - 1) % 2}",
                            "title_it": ait, "title_en": aen, "description_it": None, "description_en": None})
    by_challenge = {c[0]: c for c in CHALLENGES}
    projects, partners, factors, indicators, zones = [], [], [], [], []
    for ch, code, it, en, status, budget, lead, where, others in PROJECTS:
        geom = _geometry(model, where)
        start, end = _dates(rng, status)
        committed, spent = _money(rng, status, budget)
        projects.append({"challenge": ch, "code": code, "title_it": it, "title_en": en,
                         "description_it": "Scheda di progetto illustrativa.",
                         "description_en": "Illustrative project sheet.", "status": status,
                         "start_date": start, "end_date": end, "lead_body": lead,
                         "budget_eur": float(budget), "committed_eur": committed, "spent_eur": spent,
                         "illustrative": True, "geometry": geom})
        partners += [{"challenge": ch, "project": code, "body": b, "role": "partner"} for b in others]
        _c, _it, _en, chfactors, chinds, _plans = by_challenge[ch]
        picked = rng.choice(len(chfactors), size=min(2, len(chfactors)), replace=False)
        factors += [{"challenge": ch, "project": code, "factor": chfactors[int(i)]} for i in sorted(picked)]
        indicators.append({"challenge": ch, "project": code, "indicator": chinds[int(rng.integers(len(chinds)))]})
        zones += [{"challenge": ch, "project": code, "zone_kind": k, "zone": z} for k, z in _zones(model, geom)]
    budgets = {(p["challenge"], p["code"]): p["budget_eur"] for p in projects}
    grants = []
    for gcode, source, ch, project, title_it, title_en, year, line, status, share in GRANTS:
        requested = round(budgets[(ch, project)] * share, -2)
        granted = None if status in ("requested", "rejected") else requested
        spent = {"closed": granted, "granted": None if granted is None else round(granted * 0.4, -2)}.get(status)
        grants.append({"code": gcode, "funding_source": source, "challenge": ch, "project": project,
                       "beneficiary": "comune-venezia", "title_it": title_it, "title_en": title_en, "year": year,
                       "law77_line": line, "status": status, "requested_eur": requested,
                       "granted_eur": granted, "spent_eur": spent,
                       "act_reference": "Decreto di assegnazione (illustrativo)" if granted else None,
                       "illustrative": True})
    targets = [{"indicator": code, "baseline_value": b, "baseline_period": bp, "target_value": t,
                "target_period": tp, "warning_threshold": w, "alert_threshold": a, "challenge": ch,
                "source_it": "Piano di gestione 2024-2030 (valori illustrativi)",
                "source_en": "Management Plan 2024-2030 (illustrative values)", "illustrative": True}
               for code, (b, bp, t, tp, w, a, ch) in TARGETS.items()]
    targets += [{"indicator": code, "challenge": ch, "illustrative": True} for code, ch in CHALLENGE_ONLY.items()]
    return {
        "plan": pd.DataFrame([PLAN]),
        "challenges": pd.DataFrame(challenges),
        "objectives": pd.DataFrame(objectives),
        "action_plans": pd.DataFrame(actions),
        "projects": gpd.GeoDataFrame(projects, geometry="geometry", crs=CRS),
        "project_partners": pd.DataFrame(partners),
        "project_factors": pd.DataFrame(factors),
        "project_indicators": pd.DataFrame(indicators),
        "project_zones": pd.DataFrame(zones),
        "funding_sources": pd.DataFrame(FUNDING_SOURCES, columns=["code", "name_it", "name_en", "kind", "law_reference"]),
        "grants": pd.DataFrame(grants),
        "indicator_targets": pd.DataFrame(targets, columns=list(targets[0])),
    }


def write(model: Model, folder: Path) -> Path:
    return write_tables(folder / "plan.gpkg", tables(model))

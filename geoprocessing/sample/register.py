"""The sample register (``register.gpkg``): Steering Committee bodies and memberships, World
Heritage Committee decisions with requests, a mission, threat assessments by UNESCO
factor, international cooperation, and the monitoring stations.

The bodies are real institutions, but their details here (memberships, representatives,
acts, decisions' wording, assessments, agreements) are illustrative and flagged so.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import Point

from .vectors import FIXED_DATE

# code, name_it, name_en, kind, istat_code, country, lon, lat, on the Steering Committee
BODIES = [
    ("comune-venezia", "Comune di Venezia", "Municipality of Venice", "municipality", "027042", "IT", 12.3330, 45.4376, True),
    ("mic", "Ministero della Cultura", "Ministry of Culture", "ministry", None, "IT", 12.4823, 41.8986, True),
    ("mic-unesco", "Ministero della Cultura - Ufficio UNESCO", "Ministry of Culture - UNESCO Office", "ministry", None, "IT", 12.4840, 41.8960, True),
    ("sabap-venezia", "Soprintendenza Archeologia, Belle Arti e Paesaggio per il Comune di Venezia e Laguna",
     "Superintendency of Archaeology, Fine Arts and Landscape for Venice and its Lagoon", "soprintendenza", None, "IT", 12.3404, 45.4337, True),
    ("sabap-metropolitana", "Soprintendenza Archeologia, Belle Arti e Paesaggio per l'area metropolitana di Venezia",
     "Superintendency of Archaeology, Fine Arts and Landscape for the Venice metropolitan area", "soprintendenza", None, "IT", 12.3372, 45.4337, True),
    ("regione-veneto", "Regione del Veneto", "Veneto Region", "region", None, "IT", 12.3270, 45.4350, True),
    ("cm-venezia", "Città metropolitana di Venezia", "Metropolitan City of Venice", "metropolitan_city", None, "IT", 12.3320, 45.4325, True),
    ("comune-campagna-lupia", "Comune di Campagna Lupia", "Municipality of Campagna Lupia", "municipality", "027002", "IT", 12.1036, 45.3507, True),
    ("comune-cavallino-treporti", "Comune di Cavallino-Treporti", "Municipality of Cavallino-Treporti", "municipality", "027044", "IT", 12.4650, 45.4620, True),
    ("comune-chioggia", "Comune di Chioggia", "Municipality of Chioggia", "municipality", "027008", "IT", 12.2794, 45.2192, True),
    ("comune-codevigo", "Comune di Codevigo", "Municipality of Codevigo", "municipality", "028033", "IT", 12.0993, 45.2690, True),
    ("comune-jesolo", "Comune di Jesolo", "Municipality of Jesolo", "municipality", "027019", "IT", 12.6446, 45.5350, True),
    ("comune-mira", "Comune di Mira", "Municipality of Mira", "municipality", "027023", "IT", 12.1330, 45.4370, True),
    ("comune-musile-di-piave", "Comune di Musile di Piave", "Municipality of Musile di Piave", "municipality", "027025", "IT", 12.5660, 45.6170, True),
    ("comune-quarto-d-altino", "Comune di Quarto d'Altino", "Municipality of Quarto d'Altino", "municipality", "027031", "IT", 12.3730, 45.5790, True),
    ("adsp-mas", "Autorità di Sistema Portuale del Mare Adriatico Settentrionale",
     "North Adriatic Sea Port System Authority", "port_authority", None, "IT", 12.3130, 45.4330, True),
    ("provveditorato-oopp", "Provveditorato Interregionale alle Opere Pubbliche per il Veneto, il Trentino-Alto Adige e il Friuli Venezia Giulia",
     "Interregional Public Works Authority for Veneto, Trentino-Alto Adige and Friuli Venezia Giulia", "state_agency", None, "IT", 12.3352, 45.4386, True),
    ("patriarcato-venezia", "Patriarcato di Venezia", "Patriarchate of Venice", "religious", None, "IT", 12.3395, 45.4348, True),
    ("archivio-stato-venezia", "Archivio di Stato di Venezia", "State Archives of Venice", "archive", None, "IT", 12.3262, 45.4372, True),
    ("unive", "Università Ca' Foscari Venezia", "Ca' Foscari University of Venice", "university", None, "IT", 12.3266, 45.4346, True),
    ("iuav", "Università Iuav di Venezia", "Iuav University of Venice", "university", None, "IT", 12.3215, 45.4375, True),
    ("arpav", "ARPAV - Agenzia Regionale per la Prevenzione e Protezione Ambientale del Veneto",
     "ARPAV - Veneto Regional Environmental Protection Agency", "state_agency", None, "IT", 11.8850, 45.4080, False),
    ("unesco-whc", "Centro del Patrimonio Mondiale dell'UNESCO", "UNESCO World Heritage Centre", "international_organisation", None, "FR", 2.3057, 48.8497, False),
    ("owhc", "Organizzazione delle Città del Patrimonio Mondiale", "Organization of World Heritage Cities", "international_organisation", None, "CA", -71.2080, 46.8139, False),
    ("suzhou", "Città di Suzhou", "City of Suzhou", "foreign_city", None, "CN", 120.5853, 31.2989, False),
    ("sarajevo", "Città di Sarajevo", "City of Sarajevo", "foreign_city", None, "BA", 18.4131, 43.8563, False),
    ("nuernberg", "Città di Norimberga", "City of Nuremberg", "foreign_city", None, "DE", 11.0767, 49.4521, False),
    ("dubrovnik", "Città di Dubrovnik", "City of Dubrovnik", "foreign_city", None, "HR", 18.0944, 42.6507, False),
]

STATIONS = [
    ("PSAL", "Punta della Salute", "Punta della Salute (Grand Canal)", "tide_gauge", "lagoon", "comune-venezia", 12.3363, 45.4309),
    ("DSL", "Diga Sud Lido", "Lido inlet, south jetty", "tide_gauge", "sea", "comune-venezia", 12.4360, 45.4177),
    ("BUR", "Burano", "Burano", "tide_gauge", "lagoon", "comune-venezia", 12.4167, 45.4853),
    ("WQ01", "Palude Maggiore", "Palude Maggiore (northern lagoon)", "water_quality", "lagoon", "arpav", 12.4400, 45.5150),
    ("WQ02", "Canale di Sant'Erasmo", "Sant'Erasmo channel", "water_quality", "lagoon", "arpav", 12.3950, 45.4400),
    ("WQ03", "Fusina", "Fusina (near Porto Marghera)", "water_quality", "lagoon", "arpav", 12.2600, 45.4150),
    ("WQ04", "Laguna centrale", "Central lagoon (Malamocco basin)", "water_quality", "lagoon", "arpav", 12.2700, 45.3600),
    ("WQ05", "Laguna di Chioggia", "Southern lagoon (Chioggia basin)", "water_quality", "lagoon", "arpav", 12.2300, 45.2700),
]

DECISIONS = [
    ("38 COM 7B.27", 2014, "Venezia e la sua Laguna (Italia)", "Venice and its Lagoon (Italy)",
     "Il Comitato chiede un rapporto sullo stato di conservazione e una missione di monitoraggio.",
     "The Committee requests a state of conservation report and a monitoring mission.", "2.3;13.8;8.6"),
    ("40 COM 7B.52", 2016, "Venezia e la sua Laguna (Italia)", "Venice and its Lagoon (Italy)",
     "Il Comitato chiede il divieto di transito delle grandi navi e una strategia per il turismo sostenibile.",
     "The Committee asks for a ban on large ships and a strategy for sustainable tourism.", "2.3;8.6;11.5;13.3"),
    ("41 COM 7B.48", 2017, "Venezia e la sua Laguna (Italia)", "Venice and its Lagoon (Italy)",
     "Il Comitato chiede progressi concreti su governance, grandi navi e pressione turistica.",
     "The Committee asks for concrete progress on governance, large ships and tourism pressure.", "2.3;8.6;13.3;13.5"),
    ("44 COM 7B.62", 2021, "Venezia e la sua Laguna (Italia)", "Venice and its Lagoon (Italy)",
     "Il Comitato prende atto del divieto di transito delle grandi navi e chiede una strategia integrata.",
     "The Committee notes the ban on large ships and requests an integrated strategy.", "2.3;3.1;10.2;13.8"),
    ("45 COM 7B.39", 2023, "Venezia e la sua Laguna (Italia)", "Venice and its Lagoon (Italy)",
     "Il Comitato chiede un rapporto aggiornato su turismo, cambiamento climatico e spopolamento.",
     "The Committee requests an updated report on tourism, climate change and depopulation.", "8.5;8.6;10.2;13.8"),
]

# decision, paragraph, request (it, en), deadline, status, responded on
REQUESTS = [
    ("38 COM 7B.27", "5", "Invitare una missione congiunta di monitoraggio reattivo.",
     "Invite a joint reactive monitoring mission.", "2015-02-01", "closed", "2015-10-13"),
    ("40 COM 7B.52", "7", "Vietare il transito delle grandi navi nel Bacino di San Marco e nel Canale della Giudecca.",
     "Prohibit large ships from St Mark's Basin and the Giudecca Canal.", "2017-02-01", "closed", "2021-07-31"),
    ("40 COM 7B.52", "9", "Presentare una strategia per il turismo sostenibile.",
     "Submit a sustainable tourism strategy.", "2017-02-01", "submitted", "2017-01-30"),
    ("41 COM 7B.48", "6", "Rafforzare la governance del sito e il coordinamento tra gli enti.",
     "Strengthen the site's governance and coordination between bodies.", "2018-12-01", "submitted", "2018-11-28"),
    ("44 COM 7B.62", "8", "Presentare un rapporto sullo stato di conservazione.",
     "Submit a state of conservation report.", "2022-12-01", "submitted", "2022-11-30"),
    ("45 COM 7B.39", "10", "Aggiornare il Piano di gestione con indicatori e obiettivi misurabili.",
     "Update the Management Plan with measurable indicators and targets.", "2024-12-01", "in_progress", None),
    ("45 COM 7B.39", "12", "Presentare un rapporto aggiornato sullo stato di conservazione.",
     "Submit an updated state of conservation report.", "2025-02-01", "pending", None),
]

# factor, cause (it, en), impact 2018 -> 2024, trend 2024, response
THREATS = [
    ("2.3", "Grandi navi da crociera nei canali della città", "Large cruise ships in the city's canals",
     ("significant", "minor"), "decreasing", "high"),
    ("2.4", "Moto ondoso delle imbarcazioni a motore", "Wash from motorboats",
     ("significant", "significant"), "static", "medium"),
    ("3.1", "Opere mobili alle bocche di porto (MOSE)", "Mobile barriers at the inlets (MOSE)",
     ("significant", "significant"), "static", "medium"),
    ("11.5", "Erosione dei fondali e perdita di sedimenti verso il mare", "Erosion of the lagoon bed and loss of sediment to the sea",
     ("significant", "significant"), "increasing", "medium"),
    ("8.6", "Pressione del turismo sulla città storica", "Tourism pressure on the historic city",
     ("significant", "significant"), "increasing", "medium"),
    ("8.5", "Spopolamento della città storica", "Depopulation of the historic city",
     ("significant", "significant"), "increasing", "low"),
    ("10.2", "Acqua alta ed eventi estremi", "High water and extreme events",
     ("catastrophic", "significant"), "static", "high"),
    ("10.5", "Innalzamento del livello del mare", "Sea-level rise",
     ("significant", "significant"), "increasing", "low"),
    ("13.3", "Governance frammentata tra molti enti", "Governance fragmented among many bodies",
     ("significant", "minor"), "decreasing", "medium"),
    ("13.5", "Quadro normativo speciale per Venezia da aggiornare", "Special legislation for Venice in need of updating",
     ("minor", "minor"), "static", "low"),
    ("13.8", "Sistema di gestione e Piano di gestione", "Management system and Management Plan",
     ("significant", "minor"), "decreasing", "high"),
]

# code, kind, title it, title en, partner body, city, country, start, end, lon, lat
COOPERATION = [
    ("TW-SUZHOU", "twinning", "Gemellaggio Venezia-Suzhou", "Venice-Suzhou twinning", "suzhou", "Suzhou", "CN", "1980-03-24", None, 120.5853, 31.2989),
    ("TW-SARAJEVO", "twinning", "Gemellaggio Venezia-Sarajevo", "Venice-Sarajevo twinning", "sarajevo", "Sarajevo", "BA", "1994-05-01", None, 18.4131, 43.8563),
    ("TW-NUERNBERG", "twinning", "Gemellaggio Venezia-Norimberga", "Venice-Nuremberg twinning", "nuernberg", "Nürnberg", "DE", "1999-06-01", None, 11.0767, 49.4521),
    ("AG-DUBROVNIK", "agreement", "Accordo sulla gestione dei flussi turistici", "Agreement on managing visitor flows", "dubrovnik", "Dubrovnik", "HR", "2019-09-15", "2025-09-14", 18.0944, 42.6507),
    ("NW-OWHC", "network", "Organizzazione delle Città del Patrimonio Mondiale", "Organization of World Heritage Cities", "owhc", "Québec", "CA", "1993-09-08", None, -71.2080, 46.8139),
    ("EV-OWHC-2022", "event", "Congresso mondiale OWHC", "OWHC World Congress", "owhc", "Kraków", "PL", "2022-09-06", "2022-09-09", 19.9450, 50.0647),
    ("EV-VENEZIA-2024", "event", "Convegno internazionale sulle città d'acqua", "International conference on water cities", "comune-venezia", "Venezia", "IT", "2024-10-14", "2024-10-16", 12.3330, 45.4376),
]


def tables() -> dict[str, pd.DataFrame]:
    """Every layer of the register file (geometries in WGS84)."""
    bodies = gpd.GeoDataFrame(
        [{"code": c, "name_it": it, "name_en": en, "kind": k, "istat_code": istat, "country": cc,
          "website": None, "email": None, "illustrative": True, "geometry": Point(lon, lat)}
         for c, it, en, k, istat, cc, lon, lat, _member in BODIES], geometry="geometry", crs="EPSG:4326")
    committee = pd.DataFrame(
        [{"body": c, "role": "chair" if c == "comune-venezia" else "member",
          "representative": None, "since": "2023-03-01", "until": None,
          "act_reference": "Atto d'intesa per il Comitato di Pilotaggio (illustrativo)", "illustrative": True}
         for c, *_rest, member in BODIES if member]
        + [{"body": "comune-venezia", "role": "secretariat", "representative": "Ufficio Sito UNESCO",
            "since": "2023-03-01", "until": None, "act_reference": None, "illustrative": True},
           {"body": "unesco-whc", "role": "observer", "representative": None, "since": "2023-03-01",
            "until": None, "act_reference": None, "illustrative": True}])
    decisions = pd.DataFrame(
        [{"code": c, "year": y, "title_it": it, "title_en": en, "summary_it": sit + " (testo illustrativo)",
          "summary_en": sen + " (illustrative wording)", "url": None, "factors": f, "illustrative": True}
         for c, y, it, en, sit, sen, f in DECISIONS])
    requests = pd.DataFrame(
        [{"decision": d, "paragraph": p, "request_it": it, "request_en": en, "deadline": dl,
          "response_status": st, "responded_on": on, "response_note_it": None, "response_note_en": None,
          "illustrative": True} for d, p, it, en, dl, st, on in REQUESTS])
    missions = pd.DataFrame([{
        "kind": "reactive_monitoring", "start_date": "2015-10-13", "end_date": "2015-10-18",
        "participants": "UNESCO World Heritage Centre, ICOMOS, Ramsar", "decision": "38 COM 7B.27",
        "summary_it": "Missione congiunta di monitoraggio reattivo (resoconto illustrativo).",
        "summary_en": "Joint reactive monitoring mission (illustrative summary).", "report_url": None,
        "illustrative": True}])
    threats = pd.DataFrame(
        [{"factor": f, "assessed_on": f"{year}-06-30", "cause_it": cit, "cause_en": cen,
          "attributes_affected_it": "Valore universale eccezionale: città storica e laguna",
          "attributes_affected_en": "Outstanding Universal Value: historic city and lagoon",
          "origin": "both", "spatial_extent": "extensive", "frequency": "ongoing",
          "impact": impact[k], "trend": trend if year == 2024 else "increasing",
          "management_response": response, "response_it": None, "response_en": None,
          "assessed_by": "Ufficio Sito UNESCO (valutazione illustrativa)", "illustrative": True}
         for f, cit, cen, impact, trend, response in THREATS for k, year in enumerate((2018, 2024))])
    cooperation = gpd.GeoDataFrame(
        [{"code": c, "kind": k, "title_it": it, "title_en": en, "partner": None, "body": b, "city": city,
          "country": cc, "start_date": s, "end_date": e, "description_it": "Scheda illustrativa.",
          "description_en": "Illustrative record.", "url": None, "illustrative": True, "geometry": Point(lon, lat)}
         for c, k, it, en, b, city, cc, s, e, lon, lat in COOPERATION], geometry="geometry", crs="EPSG:4326")
    stations = gpd.GeoDataFrame(
        [{"code": c, "name_it": it, "name_en": en, "kind": k, "side": side, "operator": op,
          "active": True, "illustrative": True, "geometry": Point(lon, lat)}
         for c, it, en, k, side, op, lon, lat in STATIONS], geometry="geometry", crs="EPSG:4326")
    site = pd.DataFrame([{"whc_id": 394, "managing_body": "comune-venezia", "description_it": None,
                          "description_en": None}])
    return {"bodies": bodies, "site": site, "committee": committee, "decisions": decisions,
            "requests": requests, "missions": missions, "threats": threats,
            "cooperation": cooperation, "stations": stations}


def write_tables(path: Path, layers: dict[str, pd.DataFrame]) -> Path:
    """Several layers (spatial or not) in one GeoPackage, reproducibly."""
    tmp = path.with_name(path.stem + ".part.gpkg")
    tmp.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
    try:
        for name, frame in layers.items():
            pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", append=tmp.exists())
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    tmp.replace(path)
    return path


def write(folder: Path) -> Path:
    return write_tables(folder / "register.gpkg", tables())

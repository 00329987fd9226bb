"""Every fixed word of the report, in Italian and English, and numbers in each language's
notation (Italian ``1.234,5``, English ``1,234.5``, via Babel's CLDR data).

Names that live in the store (zones, indicators, projects, bodies...) come from their
``*_it`` / ``*_en`` columns; everything else is here, so both languages stay complete
(``tests/report/test_text.py`` checks that no key lacks a language).
"""

from __future__ import annotations

import math
from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal

LANGUAGES = ("it", "en")

T: dict[str, tuple[str, str]] = {
    # cover and frame
    "report_title": ("Rapporto al Comitato di Pilotaggio", "Report to the Steering Committee"),
    "site_monitoring": ("Monitoraggio dello stato di conservazione",
                        "State of conservation monitoring"),
    "period": ("Periodo", "Period"),
    "previous_period": ("Periodo precedente", "Previous period"),
    "focus_on": ("Focus su", "Focus on"),
    "whole_site": ("Intero sito", "Whole site"),
    "built_on": ("Generato il", "Built on"),
    "report_number": ("Rapporto n.", "Report no."),
    "data_as_of": ("Dati aggiornati al", "Data as of"),
    "illustrative_banner": ("Dati di esempio illustrativi", "Illustrative sample data"),
    "illustrative_note": (
        "Questo rapporto è costruito su dati di esempio generati a scopo dimostrativo: forme, "
        "valori, progetti e finanziamenti non sono reali e non vanno citati.",
        "This report is built on sample data generated for demonstration: shapes, values, "
        "projects and funding are not real and must not be quoted."),
    "illustrative_short": ("illustrativo", "illustrative"),
    "contents": ("Indice", "Contents"),
    "page": ("pagina", "page"),
    "inscribed": ("Iscritto nella Lista del Patrimonio Mondiale nel", "Inscribed on the World Heritage List in"),
    "criteria": ("criteri", "criteria"),
    "area": ("superficie", "area"),
    "plan": ("Piano di gestione", "Management Plan"),
    "snapshot_note": (
        "Il rapporto è un'istantanea: registra le versioni dei dati e le elaborazioni da cui è "
        "costruito (appendice); ricostruirlo per lo stesso periodo sugli stessi dati dà gli "
        "stessi numeri.",
        "The report is a snapshot: it records the data versions and the job runs it was built "
        "from (appendix); rebuilding it for the same period on the same data gives the same "
        "numbers."),
    "inputs_digest": ("Impronta dei dati", "Data fingerprint"),
    # sections
    "sec_summary": ("Sintesi", "Summary"),
    "sec_site": ("Il sito e le sue zone", "The site and its zones"),
    "sec_challenges": ("Le sfide del Piano di gestione", "The Management Plan's challenges"),
    "sec_other_indicators": ("Altri indicatori", "Other indicators"),
    "sec_flood": ("Esposizione all'acqua alta", "Flood exposure"),
    "sec_change": ("Barene e cambiamenti della copertura del suolo",
                   "Salt marshes and land-cover change"),
    "sec_funding": ("Finanziamenti", "Funding"),
    "sec_factors": ("Fattori che incidono sul sito (categorie UNESCO)",
                    "Factors affecting the property (UNESCO categories)"),
    "sec_comparison": ("Confronto con il periodo precedente", "Comparison with the previous period"),
    "sec_appendix": ("Appendice: fonti, licenze ed elaborazioni",
                     "Appendix: sources, licences and job runs"),
    "challenge": ("Sfida", "Challenge"),
    # summary
    "summary_intro": (
        "Semaforo di tutti gli indicatori con valori fino alla fine del periodo: stato rispetto a "
        "riferimento, obiettivo e soglie, e tendenza (pendenza di Theil-Sen, test di Mann-Kendall).",
        "Traffic lights of every indicator with values up to the end of the period: status against "
        "baseline, target and thresholds, and trend (Theil-Sen slope, Mann-Kendall test)."),
    "status_counts": ("Serie valutate per stato", "Evaluated series by status"),
    "indicator": ("Indicatore", "Indicator"),
    "place": ("Luogo", "Place"),
    "breakdown": ("Dettaglio", "Breakdown"),
    "value": ("Valore", "Value"),
    "value_period": ("Periodo del valore", "Value period"),
    "baseline": ("Riferimento", "Baseline"),
    "target": ("Obiettivo", "Target"),
    "trend": ("Tendenza", "Trend"),
    "status": ("Stato", "Status"),
    "change_since_baseline": ("Variazione dal riferimento", "Change since baseline"),
    "series_lights": ("Tutte le serie", "All series"),
    "source_run": ("Provenienza", "Provenance"),
    "run": ("elaborazione", "run"),
    "entered": ("inserito", "entered"),
    "not_evaluated_note": (
        "Senza valutazione per questo periodo: lo stato non è indicato.",
        "Not evaluated for this period: no status is given."),
    "unit": ("Unità", "Unit"),
    "kind": ("Tipo", "Kind"),
    "no_values": ("Nessun valore fino a questo periodo.", "No values up to this period."),
    "chart_of": ("Andamento", "Time series"),
    "map_by_zone": ("Mappa per zona", "Map by zone"),
    "trajectory": ("traiettoria riferimento → obiettivo", "baseline → target trajectory"),
    "warning_threshold": ("soglia di attenzione", "warning threshold"),
    "alert_threshold": ("soglia di allarme", "alert threshold"),
    "indicators": ("Indicatori", "Indicators"),
    "projects": ("Progetti", "Projects"),
    "no_projects": ("Nessun progetto.", "No projects."),
    "no_indicators": ("Nessun indicatore collegato.", "No linked indicators."),
    "project": ("Progetto", "Project"),
    "lead": ("Capofila", "Lead"),
    "partners": ("Partner", "Partners"),
    "budget": ("Budget", "Budget"),
    "committed": ("Impegnato", "Committed"),
    "spent": ("Speso", "Spent"),
    "funding": ("Finanziamenti", "Funding"),
    "location": ("Localizzazione", "Location"),
    "dates": ("Date", "Dates"),
    "mapped": ("sulla mappa", "on the map"),
    "not_located": ("non localizzato", "not located"),
    "projects_map": ("Progetti sulla mappa", "Projects on the map"),
    "total": ("Totale", "Total"),
    "projects_total": ("Progetti e budget", "Projects and budget"),
    "projects_as_of": ("Stato, budget e spese dei progetti come registrati alla data di generazione del rapporto.",
                       "Project statuses, budgets and spending as recorded when the report was built."),
    # site
    "site_intro": ("Zone correnti del sito (confini approvati; proposti dove non ce ne sono di approvati).",
                   "Current zones of the site (approved boundaries; proposed where none is approved)."),
    "zone_kind": ("Tipo di zona", "Zone kind"),
    "zones_count": ("Zone", "Zones"),
    "area_ha": ("Superficie (ha)", "Area (ha)"),
    "zone_status": ("Stato del confine", "Boundary status"),
    "site_map": ("Il sito, la zona tampone e le zone", "The property, the buffer zone and the zones"),
    "territory": ("Territorio del partner", "Partner's territory"),
    "territory_note": ("Zone che intersecano il territorio di", "Zones intersecting the territory of"),
    "basemap_note": ("Sfondo: copertura del suolo del", "Basemap: land cover of"),
    # flood
    "flood_intro": (
        "Quota delle terre emerse sotto ciascun livello di marea (sopra lo zero mareografico di "
        "Punta della Salute) e beni culturali il cui piano di campagna è sotto il livello.",
        "Share of land below each tide level (above the Punta della Salute datum) and heritage "
        "assets whose ground lies below the level."),
    "tide_level": ("Livello di marea", "Tide level"),
    "land_below": ("Terre emerse sotto il livello", "Land below the level"),
    "assets_exposed": ("Beni esposti", "Exposed assets"),
    "exposed_list": ("Beni esposti a", "Assets exposed at"),
    "asset": ("Bene", "Asset"),
    "category": ("Categoria", "Category"),
    "zone": ("Zona", "Zone"),
    "ground_cm": ("Piano di campagna (cm)", "Ground (cm)"),
    "and_more": ("e altri", "and more"),
    "no_flood": ("Nessuna elaborazione dell'esposizione all'acqua alta fino a questo periodo.",
                 "No flood exposure run up to this period."),
    "flood_map": ("Terre emerse sotto +110 cm per zona e beni esposti",
                  "Land below +110 cm by zone, and exposed assets"),
    # change
    "marsh_map": ("Barene: perse, guadagnate, stabili", "Salt marshes: lost, gained, kept"),
    "lost": ("perse", "lost"),
    "gained": ("guadagnate", "gained"),
    "kept": ("stabili", "kept"),
    "lc_change_map": ("Pixel con copertura del suolo cambiata (colore: nuova classe)",
                      "Pixels whose land cover changed (colour: new class)"),
    "transitions": ("Transizioni principali", "Main transitions"),
    "from_to": ("Da → a", "From → to"),
    "no_change_data": ("Nessun dato di cambiamento fino a questo periodo.",
                       "No change data up to this period."),
    "survey": ("rilievo", "survey"),
    "unchanged": ("invariato", "unchanged"),
    # funding
    "funding_intro": (
        "Contributi della Legge 77/2006 (art. 4, linee a-d) e delle altre fonti, per anno di "
        "assegnazione, fino alla fine del periodo. Concesso: contributi concessi o chiusi.",
        "Grants of Law 77/2006 (art. 4, lines a-d) and of other sources, by award year, up to the "
        "end of the period. Granted: grants awarded or closed."),
    "law77": ("Legge 77/2006", "Law 77/2006"),
    "line": ("Linea", "Line"),
    "other_sources": ("Altre fonti", "Other sources"),
    "source": ("Fonte", "Source"),
    "grants": ("Contributi", "Grants"),
    "requested": ("Richiesto", "Requested"),
    "granted": ("Concesso", "Granted"),
    "in_period": ("nel periodo", "in the period"),
    "cumulative": ("fino al periodo", "up to the period"),
    "funding_chart": ("Concesso per anno e fonte", "Granted by year and source"),
    "no_grants": ("Nessun contributo.", "No grants."),
    "law77_a": ("studi sulle problematiche culturali, ambientali, scientifiche e tecniche dei siti, "
                "compresi i piani di gestione",
                "studies of the sites' cultural, environmental, scientific and technical issues, "
                "including management plans"),
    "law77_b": ("servizi di assistenza culturale e ospitalità, pulizia, raccolta rifiuti, controllo "
                "e sicurezza",
                "visitor assistance and hospitality services, cleaning, waste collection, "
                "surveillance and security"),
    "law77_c": ("aree di sosta e sistemi di mobilità funzionali ai siti",
                "parking areas and mobility systems serving the sites"),
    "law77_d": ("promozione, tutela e valorizzazione dei siti; diffusione della conoscenza, anche "
                "nelle scuole",
                "promotion, protection and enhancement of the sites; spreading knowledge, "
                "including in schools"),
    # factors
    "factors_intro": (
        "Fattori secondo l'elenco standard adottato dal Comitato del Patrimonio Mondiale (2008), "
        "usato nel Rapporto periodico e nei rapporti sullo stato di conservazione: valutazione "
        "più recente fino alla fine del periodo, indicatori, progetti e decisioni collegati.",
        "Factors following the standard list adopted by the World Heritage Committee (2008), used "
        "in Periodic Reporting and State of Conservation reports: latest assessment up to the end "
        "of the period, linked indicators, projects and decisions."),
    "factor": ("Fattore", "Factor"),
    "assessed_on": ("Valutato il", "Assessed on"),
    "cause": ("Causa", "Cause"),
    "attributes_affected": ("Attributi interessati", "Attributes affected"),
    "origin": ("Origine", "Origin"),
    "extent": ("Estensione", "Extent"),
    "frequency": ("Frequenza", "Frequency"),
    "impact": ("Impatto", "Impact"),
    "management_response": ("Risposta gestionale", "Management response"),
    "response": ("Risposta", "Response"),
    "previous_assessment": ("Valutazione precedente", "Previous assessment"),
    "decisions": ("Decisioni del Comitato del Patrimonio Mondiale", "World Heritage Committee decisions"),
    "open_requests": ("Richieste aperte", "Open requests"),
    "deadline": ("Scadenza", "Deadline"),
    "factors_without_records": ("Categorie senza valutazioni, indicatori, progetti o decisioni",
                                "Categories with no assessment, indicator, project or decision"),
    "no_assessment": ("Nessuna valutazione fino a questo periodo.",
                      "No assessment up to this period."),
    # comparison
    "comparison_intro": (
        "Valori principali alla fine del periodo e alla fine del periodo precedente, con il "
        "giudizio secondo la direzione dell'indicatore.",
        "Headline values at the end of the period and at the end of the previous period, judged "
        "by the indicator's direction."),
    "difference": ("Differenza", "Difference"),
    "judgement": ("Giudizio", "Judgement"),
    "better": ("migliore", "better"),
    "worse": ("peggiore", "worse"),
    "same": ("invariato", "same"),
    "new": ("nuovo", "new"),
    "no_comparison": ("Nessun indicatore è cambiato rispetto al periodo precedente.",
                      "No indicator changed since the previous period."),
    "unchanged_count": ("indicatori senza nuovi valori nel periodo", "indicators without new values in the period"),
    "grants_in_period": ("Contributi concessi nel periodo", "Grants awarded in the period"),
    "threat_changes": ("Fattori con valutazione cambiata", "Factors whose assessment changed"),
    # appendix
    "appendix_intro": (
        "Ogni numero del rapporto viene da un valore di indicatore calcolato da un'elaborazione "
        "(con i suoi dati di ingresso) o inserito da una persona (con la fonte).",
        "Every number in the report comes from an indicator value computed by a job run (with its "
        "inputs) or entered by a person (with its source)."),
    "layers": ("Strati", "Layers"),
    "layer": ("Strato", "Layer"),
    "version": ("Versione", "Version"),
    "imported": ("Importato", "Imported"),
    "licence": ("Licenza", "Licence"),
    "attribution": ("Attribuzione", "Attribution"),
    "checksum": ("Impronta (SHA-256)", "Checksum (SHA-256)"),
    "rasters": ("Raster", "Rasters"),
    "acquired": ("Data", "Date"),
    "observation_imports": ("Serie di osservazioni importate", "Imported observation series"),
    "station": ("Stazione", "Station"),
    "parameter": ("Parametro", "Parameter"),
    "rows": ("Righe", "Rows"),
    "entered_values": ("Valori inseriti o importati", "Entered or imported values"),
    "values": ("Valori", "Values"),
    "job_runs": ("Elaborazioni", "Job runs"),
    "job": ("Elaborazione", "Job"),
    "finished": ("Terminata", "Finished"),
    "code_version": ("Versione del codice", "Code version"),
    "parameters": ("Parametri", "Parameters"),
    "inputs": ("Dati di ingresso", "Inputs"),
    "values_used": ("Valori usati", "Values used"),
    "site_and_data": ("Sito e dati", "Site and data"),
    "register_tables": ("Registri (piano, contributi, fattori)", "Registers (plan, grants, factors)"),
    # words
    "yes": ("sì", "yes"),
    "no": ("no", "no"),
    "none": ("nessuno", "none"),
    "legend": ("Legenda", "Legend"),
    "scale_km": ("km", "km"),
    "north": ("N", "N"),
    "site": ("sito", "site"),
    "embedded_assets": ("Librerie incluse in questa pagina", "Libraries embedded in this page"),
}

# Words for the store's codes.
CODES: dict[str, dict[str, tuple[str, str]]] = {
    "status": {"green": ("in linea", "on track"), "amber": ("da seguire", "needs attention"),
               "red": ("critico", "off track"), "unknown": ("non valutato", "not evaluated")},
    "trend": {"improving": ("in miglioramento", "improving"), "stable": ("stabile", "stable"),
              "worsening": ("in peggioramento", "worsening"), "unknown": ("non nota", "unknown")},
    "project_status": {"proposed": ("proposto", "proposed"), "planned": ("programmato", "planned"),
                       "ongoing": ("in corso", "ongoing"), "completed": ("concluso", "completed"),
                       "suspended": ("sospeso", "suspended"), "cancelled": ("annullato", "cancelled")},
    "grant_status": {"requested": ("richiesto", "requested"), "granted": ("concesso", "granted"),
                     "rejected": ("respinto", "rejected"), "closed": ("chiuso", "closed")},
    "indicator_kind": {"state": ("stato", "state"), "pressure": ("pressione", "pressure"),
                       "result": ("risultato", "result")},
    "origin": {"inside": ("interna", "inside"), "outside": ("esterna", "outside"),
               "both": ("interna ed esterna", "inside and outside")},
    "extent": {"restricted": ("circoscritta", "restricted"), "localised": ("localizzata", "localised"),
               "extensive": ("estesa", "extensive"), "widespread": ("diffusa", "widespread")},
    "frequency": {"one_off": ("una tantum", "one off"), "intermittent": ("intermittente", "intermittent"),
                  "frequent": ("frequente", "frequent"), "ongoing": ("continua", "ongoing")},
    "impact": {"insignificant": ("trascurabile", "insignificant"), "minor": ("lieve", "minor"),
               "significant": ("significativo", "significant"),
               "catastrophic": ("catastrofico", "catastrophic")},
    "threat_trend": {"decreasing": ("in diminuzione", "decreasing"), "static": ("stabile", "static"),
                     "increasing": ("in aumento", "increasing")},
    "response": {"high": ("alta", "high"), "medium": ("media", "medium"), "low": ("bassa", "low"),
                 "none": ("nessuna", "none")},
    "request_status": {"pending": ("da avviare", "pending"), "in_progress": ("in corso", "in progress"),
                       "submitted": ("inviata", "submitted"), "closed": ("chiusa", "closed")},
    "stat": {"mean": ("media", "mean"), "min": ("minimo", "minimum"), "max": ("massimo", "maximum"),
             "p10": ("10° percentile", "10th percentile"), "p50": ("mediana", "median"),
             "p90": ("90° percentile", "90th percentile"), "count": ("celle", "cells"),
             "vector": ("da rilievo vettoriale", "from vector survey"),
             "raster": ("da copertura del suolo", "from land cover"),
             "allocated": ("stanziato", "allocated"), "committed": ("impegnato", "committed"),
             "spent": ("speso", "spent")},
    "unit": {"count": ("n.", "no."), "count/yr": ("n./anno", "no./yr"), "residents": ("residenti", "residents"),
             "arrivals/yr": ("arrivi/anno", "arrivals/yr"), "transits/yr": ("transiti/anno", "transits/yr"),
             "beds/km²": ("posti letto/km²", "beds/km²"), "beds/resident": ("posti letto/residente", "beds/resident"),
             "EUR": ("€", "€")},
    "zone_status": {"proposed": ("proposto", "proposed"), "approved": ("approvato", "approved"),
                    "superseded": ("sostituito", "superseded")},
    "judgement": {"better": ("migliore", "better"), "worse": ("peggiore", "worse"),
                  "same": ("invariato", "same"), "new": ("nuovo", "new")},
}


def t(key: str, lang: str) -> str:
    """The fixed text ``key`` in ``lang``."""
    return T[key][LANGUAGES.index(lang)]


def code(table: str, value: str | None, lang: str) -> str:
    """The word for a stored code (``code('status', 'red', 'it')`` -> ``critico``)."""
    if value is None:
        return "–"
    pair = CODES[table].get(str(value))
    return pair[LANGUAGES.index(lang)] if pair else str(value)


def pick(row, stem: str, lang: str) -> str:
    """``row[stem_<lang>]``, else the other language's, else ''."""
    for code_ in (lang, *(c for c in LANGUAGES if c != lang)):
        value = row.get(f"{stem}_{code_}") if hasattr(row, "get") else None
        if isinstance(value, str) and value:  # NaN and None from pandas are not text
            return value
    return ""


def digits_for(value: float, unit: str | None = None) -> int:
    """Decimals worth showing for a value of this size and unit."""
    if unit in ("count", "count/yr", "residents", "arrivals/yr", "transits/yr", "EUR"):
        return 0
    size = abs(value)
    if size >= 1000:
        return 0
    if size >= 10:
        return 1
    if size >= 1 or size == 0:
        return 2
    return 3


def number(value, lang: str, digits: int | None = None, unit: str | None = None) -> str:
    """A number in the language's notation; '–' for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    value = float(value)
    if digits is None:
        digits = digits_for(value, unit)
    pattern = f"#,##0.{'0' * digits}" if digits else "#,##0"
    text = format_decimal(round(value, digits) + 0.0, format=pattern, locale=lang)
    return text


def signed(value, lang: str, digits: int | None = None, unit: str | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = number(value, lang, digits, unit)
    return text if text.startswith("-") or text == number(0, lang, digits, unit) else "+" + text


def money(value, lang: str) -> str:
    if value is None:
        return "–"
    return f"{number(value, lang, 0)} €"


def unit_label(unit: str | None, lang: str) -> str:
    if not unit:
        return ""
    pair = CODES["unit"].get(unit)
    return pair[LANGUAGES.index(lang)] if pair else unit


def day(value: date | datetime | str | None, lang: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, format="medium", locale=lang)

"""Italian translations of the viewer's messages; ``python -m webapp.translations.italian``
rewrites ``it/LC_MESSAGES/messages.po`` and ``.mo`` from the message ids found in the code
and templates (pybabel extract) and this table. A test fails when a message has no
Italian here."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

IT = {
    "There is no page at this address.": "Non c'è nessuna pagina a questo indirizzo.",
    "This address does not accept that method.": "Questo indirizzo non accetta quel metodo.",
    "Something went wrong on our side; the error was logged.": "Qualcosa non ha funzionato da parte nostra; l'errore è stato registrato.",
    "proposed": "proposta", "approved": "approvata", "superseded": "sostituita",
    "Proposed": "Proposto", "Planned": "Programmato", "Ongoing": "In corso",
    "Completed": "Concluso", "Suspended": "Sospeso", "Cancelled": "Annullato",
    "state": "stato", "pressure": "pressione", "result": "risultato",
    "tide gauge": "mareografo", "water quality": "qualità dell'acqua", "weather": "meteo",
    "other": "altro", "running": "in esecuzione", "succeeded": "riuscita", "failed": "fallita",
    "lost": "persa", "gained": "guadagnata", "kept": "conservata", "pixels": "pixel", "Downloads": "Scaricamenti", "OGC API": "API OGC", "inputs of the run:": "dati in ingresso dell'elaborazione:",
    "The online basemap cannot be reached: showing the offline one":
        "La mappa di base online non è raggiungibile: è mostrata quella offline",
    "Full screen": "Schermo intero", "Exit full screen": "Esci dallo schermo intero",
    "OpenStreetMap (online)": "OpenStreetMap (in rete)", "No basemap": "Nessuna mappa di base",
    "offline": "senza rete",
    "Illustrative data: sample data set, not real measurements": "Dati illustrativi: dati di esempio, non misure reali",
    "Changed pixels (colour of the new class)": "Pixel cambiati (colore della nuova classe)",
    "Changed pixels, by new class": "Pixel cambiati, per nuova classe",
    "Salt marsh %(a)s → %(b)s": "Barene %(a)s → %(b)s",
    "Change": "Cambiamenti", "Area": "Superficie", "Legend": "Legenda", "Code": "Codice",
    "Status": "Stato", "Land below %(level)s": "Terre sotto %(level)s",
    "Tide level %(level)s": "Livello di marea %(level)s",
    "Land below the level": "Terre sotto il livello",
    "Heritage assets exposed": "Beni culturali esposti", "Period": "Periodo",
    "Zone page": "Scheda della zona", "Job run": "Elaborazione",
    "Share of land below %(level)s": "Quota di terre sotto %(level)s",
    "Heritage assets": "Beni culturali", "Category": "Categoria",
    "Exposed at %(level)s": "Esposto a %(level)s", "yes": "sì", "no": "no",
    "exposed at %(level)s": "esposti a %(level)s", "not exposed": "non esposti",
    "The flood exposure run lists no assets for this level.": "L'elaborazione dell'esposizione agli allagamenti non elenca beni per questo livello.",
    "Residents": "Residenti", "Legal reference": "Riferimento normativo", "Kind": "Tipo",
    "Side": "Lato", "Layer could not be loaded": "Impossibile caricare lo strato",
    "Zoom in to see the features": "Ingrandisci per vedere gli elementi",
    "Features here": "Elementi in quest'area",
    "Drawn as a density grid when zoomed out.": "A piccola scala è disegnato come griglia di densità.",
    "Monitoring stations": "Stazioni di monitoraggio",
    "Search zones, islands, projects...": "Cerca zone, isole, progetti...",
    "Nothing found": "Nessun risultato", "Cancel": "Annulla", "Whole site": "Intero sito",
    "Baseline (%(period)s)": "Valore di base (%(period)s)", "Target (%(period)s)": "Obiettivo (%(period)s)",
    "Value": "Valore", "Trend": "Tendenza", "Indicator page": "Scheda dell'indicatore",
    "no value in this period": "nessun valore in questo periodo",
    "Traffic light (outline)": "Semaforo (bordo)", "Challenge": "Sfida",
    "Action plan": "Piano d'azione", "Project": "Progetto", "Lead body": "Ente capofila",
    "Budget": "Budget", "Project page": "Scheda del progetto", "Projects": "Progetti",
    "Projects by status": "Progetti per stato", "Project location": "Localizzazione del progetto",
    "illustrative": "illustrativo", "run": "elaborazione", "layer": "strato", "raster": "raster",
    "series": "serie", "entered by %(who)s on %(when)s": "inserito da %(who)s il %(when)s",
    "source": "fonte", "Venice and its Lagoon": "Venezia e la sua Laguna",
    "Site map": "Mappa del sito", "Indicators": "Indicatori", "Indicator map": "Mappa degli indicatori",
    "Plan": "Piano", "Flooding": "Allagamenti", "Zones": "Zone", "Job runs": "Elaborazioni", "Reports": "Rapporti",
    "Land-cover and salt-marsh change": "Cambiamenti di copertura del suolo e delle barene",
    "From": "Da", "To": "A", "Compare": "Confronta",
    "No land-cover images in the store yet.": "Nessuna immagine di copertura del suolo nell'archivio.",
    "Salt marsh surveys compared: %(a)s and %(b)s.": "Rilievi delle barene a confronto: %(a)s e %(b)s.",
    "Largest land-cover transitions by zone": "Principali transizioni di copertura per zona",
    "Zone": "Zona",
    "No land-cover change values yet: run the land_cover_change job.": "Ancora nessun valore di cambiamento: esegui l'elaborazione land_cover_change.",
    "Error": "Errore", "Back to the site map": "Torna alla mappa del sito",
    "Flood exposure": "Esposizione agli allagamenti",
    "Share of each zone's land below the tide level (cm above the Punta della Salute datum), and the heritage assets below it, from the flood exposure job.":
        "Quota delle terre di ogni zona sotto il livello di marea (cm sullo zero mareografico di Punta della Salute) e beni culturali sotto tale livello, dall'elaborazione dell'esposizione agli allagamenti.",
    "Land below": "Terre sotto", "Assets": "Beni",
    "No flood exposure values yet: run the flood_exposure job.": "Ancora nessun valore di esposizione: esegui l'elaborazione flood_exposure.",
    "UNESCO World Heritage property %(id)s, inscribed in %(year)s, criteria %(criteria)s.":
        "Sito UNESCO del Patrimonio Mondiale %(id)s, iscritto nel %(year)s, criteri %(criteria)s.",
    "Turn layers on and off at the top right; click a feature for its details; search by name at the top left.":
        "Accendi e spegni gli strati in alto a destra; fai clic su un elemento per i dettagli; cerca per nome in alto a sinistra.",
    "Basemaps: the online map needs internet; the others are drawn by this server from the store's rasters.":
        "Mappe di base: quella in rete richiede internet; le altre sono disegnate da questo server dai raster dell'archivio.",
    "Tools: full screen, measure distances and areas, coordinates under the mouse.":
        "Strumenti: schermo intero, misura di distanze e superfici, coordinate sotto il mouse.",
    "Unit": "Unità", "Direction": "Verso", "higher is better": "più alto è meglio",
    "lower is better": "più basso è meglio", "Baseline": "Valore di base", "Target": "Obiettivo",
    "Thresholds": "Soglie", "warning": "attenzione", "alert": "allerta", "Frequency": "Frequenza",
    "Measured by": "Misurato per", "Method": "Metodo", "UNESCO factors": "Fattori UNESCO",
    "Source": "Fonte", "(none)": "(nessuna)", "Places": "Luoghi",
    "Show on the indicator map": "Mostra sulla mappa degli indicatori", "Series": "Serie",
    "No values yet.": "Ancora nessun valore.", "Values and their provenance": "Valori e loro provenienza",
    "one zone": "una zona", "all": "tutte", "Place": "Luogo", "Quality": "Qualità",
    "Provenance": "Provenienza", "previous": "precedenti", "next": "successivi",
    "Projects that should move it": "Progetti che dovrebbero migliorarlo", "Indicator": "Indicatore",
    "Show": "Mostra",
    "Colour: the value in the chosen period; outline: the traffic light of the latest evaluation. Move the slider on the map to go through the periods.":
        "Colore: il valore nel periodo scelto; bordo: il semaforo dell'ultima valutazione. Sposta il cursore sulla mappa per scorrere i periodi.",
    "No values by place yet for this indicator.": "Ancora nessun valore per luogo per questo indicatore.",
    "No indicator is measured by zone or station yet.": "Ancora nessun indicatore misurato per zona o stazione.",
    "Illustrative data": "Dati illustrativi",
    "Values and targets come from the sample data set.": "Valori e obiettivi provengono dai dati di esempio.",
    "Values": "Valori", "map": "mappa",
    "The sample data set is generated for demonstration: shapes and numbers are not real.":
        "I dati di esempio sono generati a scopo dimostrativo: forme e numeri non sono reali.",
    "Plan map": "Mappa del piano", "Management Plan projects": "Progetti del Piano di gestione",
    "any": "qualsiasi", "Funding source": "Fonte di finanziamento", "Filter": "Filtra",
    "Clear": "Azzera", "no location": "senza localizzazione",
    "Dates": "Date", "Committed": "Impegnato", "Spent": "Speso", "Partners": "Partner",
    "none recorded": "nessuno registrato", "Funding": "Finanziamenti", "Year": "Anno",
    "Requested": "Richiesto", "Granted": "Concesso", "line": "linea",
    "no grants recorded": "nessun finanziamento registrato",
    "Indicators it should move": "Indicatori su cui dovrebbe agire",
    "UNESCO factors addressed": "Fattori UNESCO affrontati",
    "This project has no location.": "Questo progetto non ha localizzazione.",
    "Started": "Avviata", "by": "da", "Finished": "Terminata", "Code version": "Versione del codice",
    "Rows written": "Righe scritte", "Evaluations": "Valutazioni", "Parameters": "Parametri",
    "Inputs": "Dati in ingresso", "Input": "Dato in ingresso", "Version or date": "Versione o data",
    "Checksum": "Impronta", "no inputs recorded": "nessun dato in ingresso registrato",
    "Outputs": "Risultati", "Periods": "Periodi", "Categories": "Categorie",
    "no values written": "nessun valore scritto", "First values": "Primi valori",
    "Summary": "Riepilogo", "Job": "Elaborazione", "No job has run yet.": "Nessuna elaborazione eseguita.",
    "version": "versione", "Valid": "Validità", "Imported as": "Importata come",
    "layer version": "versione dello strato", "Other versions": "Altre versioni",
    "Indicators in this zone": "Indicatori in questa zona", "Latest period": "Ultimo periodo",
    "entered": "inserito", "No indicator values for this zone yet.": "Ancora nessun valore per questa zona.",
    "Projects in this zone": "Progetti in questa zona", "No projects in this zone.": "Nessun progetto in questa zona.",
    "monthly": "mensile", "quarterly": "trimestrale", "annual": "annuale",
    "every two years": "biennale", "every three years": "triennale",
    "every five years": "quinquennale", "irregular": "irregolare",
    "the whole site": "l'intero sito", "zone": "zona", "station": "stazione",
    "computed by a job": "calcolato da un'elaborazione", "entered by hand": "inserito a mano",
    "imported": "importato",
    "Stations": "Stazioni",
    "Name": "Nome", "No zones yet.": "Ancora nessuna zona.", "Zoom to": "Ingrandisci qui",
    "computed from the elevation model (DEM) of %(date)s": "calcolata dal modello del terreno (DTM) del %(date)s",
    "period %(period)s": "periodo %(period)s",
    "Traffic lights by place": "Semafori per luogo", "Map": "Mappa",
    # ngettext: (singular, plural) -> (singolare, plurale)
    ("%(num)s project", "%(num)s projects"): ("%(num)s progetto", "%(num)s progetti"),
    ("%(num)s heritage asset exposed at this level", "%(num)s heritage assets exposed at this level"):
        ("%(num)s bene culturale esposto a questo livello", "%(num)s beni culturali esposti a questo livello"),
}


ROOT = Path(__file__).resolve().parents[1]
MO = ROOT / "translations" / "it" / "LC_MESSAGES" / "messages.mo"


def message_ids() -> list[str | tuple[str, str]]:
    """Every message id of the code and templates (pybabel extract); a (singular, plural)
    pair for ngettext."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        subprocess.run([str(Path(sys.executable).with_name("pybabel")), "extract", "-F",
                        str(ROOT / "babel.cfg"), "-k", "_", "-k", "gettext", "-o", str(pot),
                        "--no-location", "--omit-header", str(ROOT)], check=True,
                       capture_output=True)
        with pot.open("rb") as f:
            return [m.id for m in read_po(f) if m.id]


def main() -> None:
    """Extract the message ids, write the Italian .po and compile the .mo."""
    catalog = Catalog(locale="it", project="laguna", fuzzy=False)
    missing = []
    for mid in message_ids():
        if mid not in IT:
            missing.append(mid)
        catalog.add(mid, IT.get(mid, ""))
    out = MO.parent
    out.mkdir(parents=True, exist_ok=True)
    with (out / "messages.po").open("wb") as f:
        write_po(f, catalog, omit_header=False, no_location=True, width=100)
    with (out / "messages.mo").open("wb") as f:
        write_mo(f, catalog)
    for m in missing:
        print(f"missing Italian: {m!r}")  # noqa: T201


if __name__ == "__main__":
    main()

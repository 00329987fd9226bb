"""What a report was built from (``laguna.reports.inputs``): the versions of the data it
read (layer versions, raster assets, observation imports, the job runs behind its
values, a digest of the values entered by hand and of the registers) and a digest of the
figures it shows. Two builds with the same ``digest`` read the same data."""

from __future__ import annotations

import hashlib
import json

from .gather import Gathered


def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def sha256(obj) -> str:
    return hashlib.sha256(canonical(obj)).hexdigest()


def inputs(g: Gathered, *, period: str, lang: str, partner: str | None) -> dict:
    a = g.data["appendix"]
    entered = [{k: e[k] for k in ("indicator", "source", "values", "periods", "last_entered")} for e in a["entered"]]
    versions = {
        "layer_versions": [{"id": x["id"], "layer": x["name"], "version": x["version"], "checksum": x["checksum"]}
                           for x in a["layers"]],
        "raster_assets": [{"id": x["id"], "layer": x["layer"], "acquired": x["acquired"], "checksum": x["checksum"]}
                          for x in a["rasters"]],
        "observation_imports": [{"id": x["id"], "station": x["station"], "parameter": x["parameter"],
                                 "checksum": x["checksum"]} for x in a["observation_imports"]],
        "job_runs": [{"id": r["id"], "job": r["job"], "finished_at": r["finished_at"],
                      "code_version": r["code_version"]} for r in a["runs"]],
        "entered_values": {"digest": sha256(entered), "indicators": sorted({e["indicator"] for e in entered})},
        "registers_digest": g.registers_digest,
    }
    return {"period": period, "language": lang, "partner": partner, **versions,
            "digest": sha256({"period": period, "partner": partner, **versions}),
            "figures_digest": sha256(g.data)}

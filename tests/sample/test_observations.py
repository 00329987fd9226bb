"""``laguna observations import``: the real City of Venice tide files, local times around the
clock changes, duplicates, gaps and bad values reported, re-imports that add nothing."""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from geoprocessing.errors import InvalidInput, NotFound
from geoprocessing.loaders.observations import import_observations
from tests.test_cli import assert_one_sentence, run

ROOT = Path(__file__).resolve().parents[2]
# ../shared next to the checkout (or next to the folder of worktrees)
TIDES = next((p / "shared" / "data" / "cpsm-tides" for p in (ROOT.parent, ROOT.parent.parent)
              if (p / "shared" / "data" / "cpsm-tides").exists()), ROOT.parent / "shared" / "data" / "cpsm-tides")
PSAL_FILE = TIDES / "Stazione_PuntaSalute_CanalGrande.csv"
ROME = ZoneInfo("Europe/Rome")


def real(path: Path) -> Path:
    if not path.exists():
        print(f"skipped: {path} is absent (the real tide files live in ../shared/data/cpsm-tides)")
        pytest.skip(f"{path} is absent: the real tide files are not on this machine")
    return path


@pytest.fixture
def stations(settings):
    with psycopg.connect(settings.database_url) as conn:
        for code, lon, lat in (("PSAL", 12.3363, 45.4309), ("DSL", 12.4360, 45.4177), ("BUR", 12.4167, 45.4853)):
            conn.execute("INSERT INTO laguna.stations (code, name_it, name_en, kind, geom) VALUES "
                         "(%s, %s, %s, 'tide_gauge', ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s))",
                         (code, code, code, lon, lat, settings.storage_srid))
    return settings


def counts(settings) -> tuple[int, int, int]:
    with psycopg.connect(settings.database_url) as conn:
        return conn.execute("SELECT (SELECT count(*) FROM laguna.observations), "
                            "(SELECT count(*) FROM laguna.observation_imports), "
                            "(SELECT count(*) FROM laguna.station_series)").fetchone()


def expected_instants(path: Path, value_index: int = 1) -> tuple[dict, int, int]:
    """Hand count with the csv module and zoneinfo: UTC instant -> value of every usable row,
    plus the number of empty values and of clock times that happen twice but appear once."""
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter=";"))[1:]
    listed: dict[str, int] = {}
    for r in rows:
        listed[r[0]] = listed.get(r[0], 0) + 1
    out, empty, ambiguous, seen = {}, 0, 0, {}
    for r in rows:
        naive = datetime.fromisoformat(r[0])
        fold0 = naive.replace(tzinfo=ROME, fold=0).astimezone(UTC)
        fold1 = naive.replace(tzinfo=ROME, fold=1).astimezone(UTC)
        if r[value_index].strip() == "":
            empty += 1
        if fold0 != fold1 and listed[r[0]] == 1:
            ambiguous += 1
            continue
        seen[r[0]] = seen.get(r[0], -1) + 1
        instant = naive.replace(tzinfo=ROME, fold=seen[r[0]]).astimezone(UTC)
        if r[value_index].strip() and instant not in out:
            out[instant] = float(r[value_index])
    return out, empty, ambiguous


def test_the_real_punta_della_salute_file_imports_once(stations):
    path = real(PSAL_FILE)
    want, empty, ambiguous = expected_instants(path)
    report = import_observations(stations, path, "PSAL", unit="m", datum="ZMPS")
    assert report.value_column == "P. Salute Liv.Idrom. medio 1m" and report.time_column == "Data"
    assert report.rows_read == sum(1 for _ in path.open()) - 1
    assert report.inserted == len(want)
    assert report.details["empty_values"]["count"] == empty
    assert report.details["ambiguous_times"]["count"] == ambiguous > 0
    assert any("ambiguous" in line for line in report.lines())
    with psycopg.connect(stations.database_url) as conn:
        stored = dict(conn.execute(
            "SELECT o.observed_at, o.value FROM laguna.observations o JOIN laguna.station_series s "
            "ON s.id = o.series_id WHERE s.parameter = 'water_level'").fetchall())
        series = conn.execute("SELECT unit, datum FROM laguna.station_series").fetchone()
        recorded = conn.execute("SELECT rows_read, rows_inserted, report->'empty_values'->>'count' "
                                "FROM laguna.observation_imports").fetchone()
    assert stored == want
    assert series == ("m", "ZMPS")
    assert recorded == (report.rows_read, len(want), str(empty))
    before = counts(stations)
    again = import_observations(stations, path, "PSAL", unit="m", datum="ZMPS")
    assert again.already_imported and again.inserted == 0
    assert "nothing to import" in again.lines()[0]
    assert counts(stations) == before


def test_all_three_real_files_import_with_their_default_columns(stations):
    for name, station in (("Stazione_PuntaSalute_CanalGrande.csv", "PSAL"), ("Stazione_Burano.csv", "BUR"),
                          ("Stazione_DigaSudLido.csv", "DSL")):
        path = real(TIDES / name)
        report = import_observations(stations, path, station, unit="m", datum="ZMPS")
        assert "Liv.Idrom." in report.value_column
        assert report.inserted == len(expected_instants(path)[0])
        assert report.details["step_seconds"] == 300


def doctored(tmp_path: Path, lines: list[str], name: str = "doctored.csv") -> Path:
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_gaps_duplicates_and_bad_values_of_a_doctored_copy_are_reported(stations, tmp_path):
    lines = real(PSAL_FILE).read_text(encoding="utf-8").splitlines(keepends=True)[:3001]
    header, data = lines[0], lines[1:]
    data[199] = data[199].split(";")[0] + ";abc;20.0\n"          # file line 201
    data[200] = data[200].split(";")[0] + ";n/d;20.0\n"          # file line 202
    dup_same = data[299]
    stamp, value = data[300].split(";")[:2]
    dup_other = f"{stamp};{float(value) + 0.5:.2f};1\n"
    doctored_data = data[:100] + data[110:300] + [dup_same] + data[300:301] + [dup_other] + data[301:]
    path = doctored(tmp_path, [header, *doctored_data])
    report = import_observations(stations, path, "PSAL", unit="m")
    d = report.details
    assert d["non_numeric"]["count"] == 2
    assert [e["text"] for e in d["non_numeric"]["examples"]] == ["abc", "n/d"]
    assert d["duplicates_in_file"]["count"] == 2 and d["duplicates_in_file"]["conflicting"] == 1
    assert d["gaps"]["count"] >= 1 and d["gaps"]["largest"]["missing"] == 10
    # said in the file's clock (Europe/Rome), as the file's lines are: the gap starts at line 101
    assert d["gaps"]["largest"]["from"] == str(datetime.fromisoformat(data[99].split(";")[0]).replace(tzinfo=ROME))
    assert d["step_seconds"] == 300
    assert report.inserted == 3000 - 10 - 2
    with psycopg.connect(stations.database_url) as conn:
        stored = conn.execute("SELECT report FROM laguna.observation_imports").fetchone()[0]
    assert stored["non_numeric"]["count"] == 2 and stored["gaps"]["largest"]["missing"] == 10
    text = "\n".join(report.lines())
    assert "2 non-numeric values" in text and "2 duplicate times in the file (1 with different values)" in text


def test_an_overlapping_file_adds_only_what_is_new(stations, tmp_path):
    lines = real(PSAL_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    first = doctored(tmp_path, lines[:2001], "first.csv")
    second = doctored(tmp_path, [lines[0], *lines[1501:3001]], "second.csv")
    a = import_observations(stations, first, "PSAL", unit="m")
    b = import_observations(stations, second, "PSAL", unit="m")
    assert (a.inserted, a.already_stored) == (2000, 0)
    assert (b.inserted, b.already_stored) == (1000, 500)
    assert counts(stations)[0] == 3000


def test_a_corrected_file_is_counted_then_replaces_with_replace(stations, tmp_path):
    lines = real(PSAL_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    import_observations(stations, doctored(tmp_path, lines[:101], "first.csv"), "PSAL", unit="m")
    # the owner corrects the level of line 10 (Data;Liv.;Temp.)
    cells = lines[10].rstrip("\n").split(";")
    cells[1] = "9.99"
    corrected = [*lines[:10], ";".join(cells) + "\n", *lines[11:101]]
    kept = import_observations(stations, doctored(tmp_path, corrected, "corrected.csv"), "PSAL", unit="m")
    assert (kept.inserted, kept.already_stored, kept.conflicting, kept.replaced) == (0, 100, 1, 0)
    assert "1 with a different value: the stored ones were kept" in "\n".join(kept.lines())
    # the next file of the owner carries the correction and one more time
    taken = import_observations(stations, doctored(tmp_path, [*corrected, lines[101]], "next.csv"), "PSAL",
                                unit="m", replace=True)
    assert (taken.inserted, taken.conflicting, taken.replaced) == (1, 1, 1)
    with psycopg.connect(stations.database_url) as conn:
        assert conn.execute("SELECT count(*) FROM laguna.observations WHERE value = 9.99").fetchone()[0] == 1


def test_illustrative_and_real_observations_are_not_mixed(stations, tmp_path):
    lines = real(PSAL_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    import_observations(stations, doctored(tmp_path, lines[:51], "sample.csv"), "PSAL", unit="m",
                        illustrative=True)
    before = counts(stations)
    with pytest.raises(InvalidInput, match="holds illustrative observations .* must not be mixed"):
        import_observations(stations, doctored(tmp_path, lines[:101], "real.csv"), "PSAL", unit="m")
    assert counts(stations) == before


def test_local_times_around_both_clock_changes(stations, tmp_path):
    autumn = ["Data;Livello marea (cm)\n"] + [f"2022-10-30 {t};{v}\n" for v, t in enumerate(
        ["01:00:00", "01:30:00", "02:00:00", "02:30:00", "02:00:00", "02:30:00", "03:00:00", "03:30:00"])]
    report = import_observations(stations, doctored(tmp_path, autumn, "autumn.csv"), "BUR", unit="cm")
    assert report.inserted == 8 and report.details["ambiguous_times"]["count"] == 0
    with psycopg.connect(stations.database_url) as conn:
        utc = [r[0] for r in conn.execute("SELECT observed_at FROM laguna.observations ORDER BY value")]
    # the repeated hour: first in summer time (UTC+2), then in standard time (UTC+1)
    assert [t.astimezone(UTC).strftime("%H:%M") for t in utc] == [
        "23:00", "23:30", "00:00", "00:30", "01:00", "01:30", "02:00", "02:30"]
    # one night listed properly, the next year's listed once: only the second is left out
    mixed = ["Data;Livello marea (cm)\n"] + [f"2021-10-31 {t};{v}\n" for v, t in enumerate(
        ["01:30:00", "02:00:00", "02:30:00", "02:00:00", "02:30:00", "03:00:00"])] + [
        f"2022-10-30 {t};{v}\n" for v, t in enumerate(["01:30:00", "02:00:00", "02:30:00", "03:00:00"])]
    report = import_observations(stations, doctored(tmp_path, mixed, "mixed.csv"), "DSL", unit="cm")
    assert report.inserted == 8 and report.details["ambiguous_times"]["count"] == 2
    assert [e["line"] for e in report.details["ambiguous_times"]["examples"]] == [9, 10]
    spring = ["Data;Livello marea (cm)\n", "2023-03-26 01:30:00;1\n", "2023-03-26 02:30:00;2\n",
              "2023-03-26 03:30:00;3\n"]
    report = import_observations(stations, doctored(tmp_path, spring, "spring.csv"), "BUR")
    assert report.inserted == 2 and report.details["nonexistent_times"]["count"] == 1
    assert report.details["nonexistent_times"]["examples"][0]["line"] == 3


def test_decimal_commas_windows_text_and_chosen_columns(stations, tmp_path):
    path = tmp_path / "chioggia.csv"
    path.write_bytes("Qualità;Data e ora;Livello (m);Temperatura\nA;10/11/2022 12:00;0,65;12,5\n"
                     "A;10/11/2022 13:00;0,71;12,4\n".encode("cp1252"))
    report = import_observations(stations, path, "DSL", unit="m")
    assert (report.time_column, report.value_column) == ("Data e ora", "Livello (m)")
    report = import_observations(stations, path, "DSL", parameter="water_temperature", unit="degC",
                                 time_column="2", value_column="Temperatura")
    with psycopg.connect(stations.database_url) as conn:
        got = conn.execute("SELECT s.parameter, o.observed_at, o.value FROM laguna.observations o JOIN "
                           "laguna.station_series s ON s.id = o.series_id ORDER BY 1, 2").fetchall()
    assert [(p, v) for p, _t, v in got] == [("water_level", 0.65), ("water_level", 0.71),
                                            ("water_temperature", 12.5), ("water_temperature", 12.4)]
    assert got[0][1] == datetime(2022, 11, 10, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize("content, problem", [
    (b"", "is empty"),
    (b"\x00\x01\x02binary", "not a text file"),
    (b"Data;Livello\n", "a header but no rows"),
    (b"Data;Livello\nieri;0.5\n", "no usable values"),
    (b"Quando;Livello\nieri;0.5\n", "no column of dates and times"),
    (b"Data;Nota\n2022-11-10 00:00:00;alta\n", "no numeric column"),
])
def test_bad_files_are_refused_in_one_sentence_and_the_store_is_unchanged(stations, tmp_path, content, problem):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = counts(stations)
    with pytest.raises(InvalidInput) as err:
        import_observations(stations, path, "PSAL", unit="m")
    assert problem in err.value.message and "bad.csv" in err.value.message
    assert counts(stations) == before


def test_wrong_station_unit_or_column_are_refused(stations, tmp_path):
    path = doctored(tmp_path, ["Data;Livello\n", "2022-11-10 00:00:00;0.5\n"])
    with pytest.raises(NotFound, match="no station 'XYZ'"):
        import_observations(stations, path, "XYZ", unit="m")
    with pytest.raises(InvalidInput, match="give its unit"):
        import_observations(stations, path, "PSAL")
    import_observations(stations, path, "PSAL", unit="m")
    before = counts(stations)
    with pytest.raises(InvalidInput, match="stored in m, not cm"):
        import_observations(stations, path, "PSAL", unit="cm")
    with pytest.raises(InvalidInput, match="no column 'Livello medio'"):
        import_observations(stations, path, "PSAL", value_column="Livello medio")
    with pytest.raises(InvalidInput, match="not a known time zone"):
        import_observations(stations, doctored(tmp_path, ["Data;Livello\n", "2022-11-11 00:00:00;0.5\n"], "b.csv"),
                            "PSAL", tz="Europa/Roma")
    assert counts(stations) == before


def test_the_command_prints_the_columns_it_used_and_errors_in_one_sentence(stations, tmp_path):
    env = {"LAGUNA_DATABASE_URL": stations.database_url, "LAGUNA_HOME": str(stations.home)}
    path = doctored(tmp_path, ["Data;P. Salute Liv.Idrom. medio 1m;Temp\n", "2022-11-10 00:00:00;0.5;12\n",
                               "2022-11-10 00:05:00;0.6;12\n"])
    ok = run("observations", "import", str(path), "--station", "PSAL", "--unit", "m", "--datum", "ZMPS", **env)
    assert ok.returncode == 0, ok.stderr
    assert "time column 'Data'" in ok.stdout and "value column 'P. Salute Liv.Idrom. medio 1m'" in ok.stdout
    assert "2 observations added" in ok.stdout
    assert_one_sentence(run("observations", "import", str(path), "--station", "NOPE", **env), 66, "NOPE")
    assert_one_sentence(run("observations", "import", str(tmp_path / "missing.csv"), "--station", "PSAL", **env),
                        66, "does not exist")
    copy = tmp_path / "copy.csv"
    shutil.copy(path, copy)
    assert_one_sentence(run("observations", "import", str(copy), "--station", "PSAL", "--unit", "cm", **env),
                        65, "stored in m")

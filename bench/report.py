"""Report benchmark: the full Steering Committee report (HTML and PDF) of the latest period
of the store's data, each build in its own process (``laguna report build``: wall time
and peak RSS of the whole process), against the floor of its slowest step:

* ``build``: ``laguna report build --period latest`` (gather, charts, static and web maps,
  HTML, PDF, record);
* ``weasyprint`` (the peer): the ``weasyprint`` command laying out the report's own
  paged HTML (images inline, written beforehand), i.e. the PDF step alone.

Data: the store's (``laguna sample load --resolution N`` then ``laguna jobs run --all``;
``--load`` does both). The reports the benchmark builds are deleted afterwards. Prints
``name: value`` lines; the target is under 30 s at the default sample resolution (10 m).

    .venv/bin/python bench/report.py --repeat 3
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET_S = 30.0


def child(args: list[str]) -> tuple[float, float, str, float]:
    """(wall seconds, peak RSS in MB, stdout, CPU seconds) of a child process (its CPU
    includes the processes it waited for: a machine shared by others slows the wall time,
    not the CPU time)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed: {err.strip() or out.strip()}")
    return wall, usage.ru_maxrss / 1024, out, usage.ru_utime + usage.ru_stime


def paged_html(path: Path) -> None:
    """Write the latest report's paged HTML (what WeasyPrint lays out) to ``path``."""
    code = (
        "import sys\n"
        "from geoprocessing.config import get_settings\n"
        "from geoprocessing.store.connect import connect\n"
        "from geoprocessing.report.period import resolve\n"
        "from geoprocessing.report.gather import gather\n"
        "from geoprocessing.report import draw, render\n"
        "s = get_settings()\n"
        "with connect(s) as conn:\n"
        "    g = gather(conn, s, resolve(conn, None), 'it', None)\n"
        "images = {**draw.chart_images(g, 'it'), **draw.map_images(g, s, 'it')}\n"
        "open(sys.argv[1], 'w', encoding='utf-8').write(render.render(g.data, images, {}, mode='pdf', lang='it'))\n")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)


def delete_reports(ids: list[int]) -> None:
    import psycopg

    from geoprocessing.config import get_settings
    from geoprocessing.store.connect import database_url

    settings = get_settings()
    with psycopg.connect(database_url(settings)) as conn:
        conn.execute("DELETE FROM laguna.reports WHERE id = ANY(%s)", (ids,))
    for rid in ids:
        shutil.rmtree(settings.var_dir / "reports" / str(rid), ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="builds to time (median reported)")
    parser.add_argument("--resolution", type=float, default=10.0, help="sample resolution (with --load)")
    parser.add_argument("--load", action="store_true", help="load the sample and run the jobs first")
    parser.add_argument("--lang", default="it", choices=("it", "en"))
    args = parser.parse_args()
    laguna = str(BIN / "laguna")
    if args.load:
        subprocess.run([laguna, "sample", "load", "--resolution", f"{args.resolution:g}"], check=True)
        subprocess.run([laguna, "jobs", "run", "--all", "--quiet"], check=True)

    walls, rss, ids, cpus = [], [], [], []
    for _ in range(max(1, args.repeat)):
        wall, peak, out, cpu = child([laguna, "report", "build", "--period", "latest", "--lang", args.lang, "--force"])
        walls.append(wall)
        cpus.append(cpu)
        rss.append(peak)
        ids.append(int(re.search(r"report (\d+):", out).group(1)))
        files = dict(re.findall(r"^\s+(html|pdf): (.+)$", out, flags=re.M))
    html, pdf = Path(files["html"]), Path(files["pdf"])
    sizes = (html.stat().st_size / 1e6, pdf.stat().st_size / 1e6)
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout if shutil.which("pdfinfo") else ""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "paged.html"
        paged_html(source)
        peer_wall, peer_rss, _, peer_cpu = child([str(BIN / "weasyprint"), str(source), str(Path(tmp) / "peer.pdf")])
    delete_reports(ids)

    build = statistics.median(walls)
    print(f"resolution_m: {args.resolution:g}")
    print(f"builds: {len(walls)}")
    print(f"report_build_s: {build:.1f}")
    print(f"report_build_min_s: {min(walls):.1f}")
    print(f"report_build_cpu_s: {statistics.median(cpus):.1f}")
    print(f"peak_rss_mb: {max(rss):.0f}")
    print(f"html_mb: {sizes[0]:.1f}")
    print(f"pdf_mb: {sizes[1]:.1f}")
    match = re.search(r"Pages:\s+(\d+)", pages)
    if match:
        print(f"pdf_pages: {match.group(1)}")
    print(f"peer_weasyprint_s: {peer_wall:.1f}")
    print(f"peer_weasyprint_cpu_s: {peer_cpu:.1f}")
    print(f"peer_weasyprint_rss_mb: {peer_rss:.0f}")
    print(f"ratio_vs_weasyprint: {build / peer_wall:.2f}")
    print(f"target_s: {TARGET_S:.0f}")
    print(f"within_target: {'yes' if build < TARGET_S else 'no'}")
    print(f"load_average_1m: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

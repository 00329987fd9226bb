"""The browser assets the HTML report embeds, read by path from the web app's vendored
copies (``webapp/static/vendor/``, one copy in the project; see its README for versions
and licences): Leaflet's script and style sheet, with the style sheet's images inlined
as data URIs, so that the report makes no request when it opens."""

from __future__ import annotations

import base64
import re
from functools import lru_cache

from ..config import PROJECT_ROOT
from ..errors import ToolMissing

VENDOR = PROJECT_ROOT / "webapp" / "static" / "vendor"
LEAFLET_JS = "leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "leaflet@1.9.3/dist/leaflet.css"
LICENCES = [("Leaflet 1.9.3", "BSD-2-Clause", "leaflet@1.9.3/LICENSE")]


def _read(rel: str) -> str:
    path = VENDOR / rel
    if not path.is_file():
        raise ToolMissing(f"The vendored file {path} is missing: the HTML report embeds Leaflet from "
                          "webapp/static/vendor/ (restore the checkout).")
    return path.read_text(encoding="utf-8")


def _inline_urls(css: str, base: str) -> str:
    """url(images/x.png) -> url(data:image/png;base64,...) for files next to the style sheet."""
    folder = (VENDOR / base).parent

    def repl(match: re.Match) -> str:
        target = match.group(1).strip("'\"")
        path = folder / target
        if target.startswith("data:") or not path.is_file():
            return match.group(0)
        kind = {"png": "image/png", "svg": "image/svg+xml", "gif": "image/gif"}.get(path.suffix[1:], "application/octet-stream")
        return f"url(data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()})"

    return re.sub(r"url\(([^)]+)\)", repl, css)


def _script(js: str) -> str:
    return js.replace("</script", "<\\/script")


@lru_cache(maxsize=1)
def head() -> str:
    """<style> and <script> elements that make Folium maps work with no network."""
    css = _inline_urls(_read(LEAFLET_CSS), LEAFLET_CSS)
    return f"<style>{css}</style>\n<script>{_script(_read(LEAFLET_JS))}</script>"

"""Every asset the maps name is vendored, with every file its style sheets point to."""

from __future__ import annotations

import re
from pathlib import Path

from webapp.maps.vendor import CSS, JS

VENDOR = Path(__file__).resolve().parents[2] / "webapp" / "static" / "vendor"


def test_every_named_asset_is_vendored():
    missing = [p for p in [*JS.values(), *CSS.values()] if not (VENDOR / p).is_file()]
    assert missing == []


def test_style_sheets_point_only_to_vendored_files():
    missing = []
    for rel in CSS.values():
        sheet = VENDOR / rel
        for url in re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", sheet.read_text(encoding="utf-8")):
            if url.startswith(("data:", "#")):  # inline data; IE-only VML behaviours
                continue
            target = url.split("?")[0].split("#")[0]
            assert not target.startswith(("http:", "https:", "//")), (rel, url)
            if target.endswith(".ttf"):
                continue  # fallback after the .woff2 every supported browser loads
            if not (sheet.parent / target).resolve().is_file():
                missing.append((rel, url))
    assert missing == []


def test_every_package_keeps_its_licence():
    for package in (p for p in VENDOR.iterdir() if p.is_dir()):
        assert any("licen" in f.name.lower() for f in package.iterdir()), package.name

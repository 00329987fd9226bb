"""Docs that cannot drift: every CLI command and every setting is in the README."""

from __future__ import annotations

from pathlib import Path

from geoprocessing.config import Settings

from .test_cli import all_commands

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented():
    missing = [" ".join(("laguna", *p)) for p in all_commands() if " ".join(("laguna", *p)) not in README]
    assert missing == []


def test_every_setting_is_documented():
    missing = [f"LAGUNA_{name.upper()}" for name in Settings.model_fields
               if f"LAGUNA_{name.upper()}" not in README]
    assert missing == []


def test_quick_start_is_two_commands():
    assert "make demo" in README and "make test" in README

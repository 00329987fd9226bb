"""The app's blueprints, one per area. Handlers parse the request, call one function of
:mod:`webapp.pages` (or :mod:`webapp.queries`), and render."""

from __future__ import annotations

from . import api, change, flood, home, indicators, plan, projects, runs, tiles, zones

BLUEPRINTS = (home.bp, indicators.bp, plan.bp, flood.bp, change.bp, zones.bp, projects.bp,
              runs.bp, api.bp, tiles.bp)

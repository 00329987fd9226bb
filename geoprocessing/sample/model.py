"""The whole illustrative landscape for one seed, built once and shared by the writers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import box

from .geography import Frame, build_frame
from .landscape import (
    AGRICULTURE,
    ARTIFICIAL,
    BEACH,
    FISH_FARM,
    LAGOON_WATER,
    SALT_MARSH,
    SEA,
    TIDAL_FLAT,
    WOODLAND,
    Landscape,
    build_landscape,
)

DEFAULT_SEED = 394  # the property's World Heritage List number


def _layer(value: int, geoms) -> tuple[int, shapely.STRtree, np.ndarray]:
    arr = np.array([g for g in geoms if g is not None and not g.is_empty], dtype=object)
    shapely.prepare(arr)
    return value, shapely.STRtree(arr), arr


@dataclass
class Model:
    seed: int
    frame: Frame
    landscape: Landscape
    _layers: dict = field(default_factory=dict)

    def land_cover_layers(self, year: int):
        """(class, index, geometries) in drawing order for the land cover of ``year``."""
        if year not in self._layers:
            f, ls = self.frame, self.landscape
            self._layers[year] = [
                _layer(SEA, [f.sea]),
                _layer(LAGOON_WATER, [f.lagoon, *f.inlets.values()]),
                _layer(WOODLAND, [f.barrier]),
                _layer(AGRICULTURE, [ls.cavallino]),
                _layer(WOODLAND, ls.woodland),
                _layer(BEACH, [ls.beaches]),
                _layer(TIDAL_FLAT, ls.tidal_flats),
                _layer(FISH_FARM, [g for _, g in ls.fish_farms]),
                *[_layer(cls, [i["geom"] for i in f.islands if i["land_cover"] == cls])
                  for cls in (ARTIFICIAL, AGRICULTURE, WOODLAND)],
                _layer(ARTIFICIAL, [s["geom"] for s in f.sestieri]),
                _layer(ARTIFICIAL, [g for _, g in ls.towns]),
                _layer(ARTIFICIAL, [g for y, g in ls.land_take if y <= year]),
                _layer(SALT_MARSH, [m["geom"] for m in ls.marshes[_survey(year)]]),
            ]
        return self._layers[year]

    def ground_layers(self):
        if "ground" not in self._layers:
            f = self.frame
            self._layers["ground"] = [
                _layer(4, [f.sea]), _layer(3, [f.lagoon, *f.inlets.values()]),
                _layer(2, [f.barrier]), _layer(5, [f.historic_city]),
            ]
        return self._layers["ground"]

    def channels_near(self, bounds):
        """Channels and creeks whose cross-section may reach into ``bounds``."""
        area = box(*bounds)
        return [c for c in [*self.landscape.channels, *self.landscape.creeks]
                if c.line.buffer(c.width).intersects(area)]


def _survey(year: int) -> int:
    return max(y for y in (2012, 2018, 2024) if y <= year)


@lru_cache(maxsize=2)
def model(seed: int = DEFAULT_SEED) -> Model:
    frame = build_frame(seed)
    return Model(seed, frame, build_landscape(frame, seed))

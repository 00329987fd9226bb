-- The map viewer's density overviews of large vector layers (see webapp/tiles.py).
--
-- A vector tile of a layer with a million features at a low zoom would carry every one
-- of them; below the layer's detail zoom the viewer draws instead a grid of cells of
-- 4 x 4 screen pixels (64 x 64 per 256-pixel tile) counting the features whose centroid
-- falls in each. cx, cy number the cells of zoom z from the top-left corner of the Web
-- Mercator square, so tile (z, x, y) holds cells cx in [64x, 64x+63], cy in [64y, 64y+63].
-- Derived from a layer version by `laguna tiles prepare`; never edited by hand.

CREATE TABLE laguna.tile_overviews (
    layer_id      integer NOT NULL REFERENCES laguna.layers (id) ON DELETE CASCADE,
    layer_version integer NOT NULL CHECK (layer_version >= 1),
    z             integer NOT NULL CHECK (z BETWEEN 0 AND 22),
    cx            integer NOT NULL CHECK (cx >= 0),
    cy            integer NOT NULL CHECK (cy >= 0),
    n             integer NOT NULL CHECK (n > 0),
    PRIMARY KEY (layer_id, layer_version, z, cx, cy)
);

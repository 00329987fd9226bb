"""Zones from a freshly imported layer version (``--as-zones KIND``), never overwritten.

The import states the current zones of that kind coming from that layer. For each
(code, status): an identical live zone stays as it is; a changed one gets a new version
and the old one is superseded (status 'superseded', ``valid_to`` set, its validity kept);
a live zone of this layer that the new source no longer has is superseded too. All in
SQL, inside the import's transaction.
"""

from __future__ import annotations

from datetime import date

import psycopg
from psycopg import sql

from ..catalogue import LayerDef, layer_table
from ..errors import InvalidInput


def check_kind(conn: psycopg.Connection, kind: str) -> None:
    kinds = [r[0] for r in conn.execute("SELECT code FROM laguna.zone_kinds ORDER BY sort_order")]
    if kind not in kinds:
        raise InvalidInput(f"{kind!r} is not a zone kind (known kinds: {', '.join(kinds)}).")


def _candidates(layer: LayerDef, version: int, valid_from: date) -> tuple[sql.Composed, dict]:
    z = layer.zones
    col = sql.Identifier
    mapped = [f for f in (z.code, z.name_it, z.name_en, z.status, z.legal_reference, z.valid_from) if f]
    name_en = (sql.SQL("coalesce(nullif(t.{}, ''), t.{})").format(col(z.name_en), col(z.name_it))
               if z.name_en else sql.SQL("t.{}").format(col(z.name_it)))
    query = sql.SQL(
        "INSERT INTO _zones_new SELECT t.fid, t.{code}::text AS code, t.{name_it}::text AS name_it, {name_en}::text AS name_en, "
        "  {status}::text AS status, {legal}::text AS legal_reference, "
        "  {valid_from}::date AS valid_from, "
        "  jsonb_strip_nulls(to_jsonb(t) - %(drop)s::text[]) AS attributes, "
        "  ST_Multi(t.geom) AS geom "
        "FROM {table} t WHERE t.layer_version = %(version)s"
    ).format(
        code=col(z.code), name_it=col(z.name_it), name_en=name_en,
        status=(sql.SQL("coalesce(t.{}, %(status)s)").format(col(z.status)) if z.status
                else sql.Placeholder("status")),
        legal=sql.SQL("t.{}").format(col(z.legal_reference)) if z.legal_reference else sql.SQL("NULL"),
        valid_from=(sql.SQL("coalesce(t.{}::date, %(valid_from)s)").format(col(z.valid_from))
                    if z.valid_from else sql.Placeholder("valid_from")),
        table=layer_table(layer.name))
    params = {"drop": ["fid", "layer_version", "geom", *mapped], "version": version,
              "status": z.default_status, "valid_from": valid_from}
    return query, params


def make(conn: psycopg.Connection, layer: LayerDef, kind: str, layer_id: int,
         layer_version_id: int, version: int, valid_from: date, source_label: str, *,
         partial: bool = False) -> dict:
    """Create, version and supersede the zones of ``kind``; returns counts for the report."""
    site = conn.execute("SELECT id FROM laguna.sites ORDER BY id LIMIT 1").fetchone()
    if site is None:
        raise InvalidInput("The store has no site (laguna.sites is empty): run 'laguna db migrate'.")
    conn.execute("CREATE TEMP TABLE _zones_new (fid bigint, code text, name_it text, name_en text, "
                 "status text, legal_reference text, valid_from date, attributes jsonb, "
                 "geom geometry) ON COMMIT DROP")
    conn.execute("CREATE TEMP TABLE _zones_match (code text, status text, live_id integer, "
                 "same boolean) ON COMMIT DROP")
    query, params = _candidates(layer, version, valid_from)
    conn.execute(query, params)
    dup = conn.execute("SELECT code, status, count(*) FROM _zones_new GROUP BY code, status "
                       "HAVING count(*) > 1 ORDER BY code LIMIT 1").fetchone()
    if dup:
        raise InvalidInput(f"{source_label}: {dup[2]} features have the zone code {dup[0]!r} "
                           f"(status {dup[1]}); a zone code must be unique per status.")
    # The server's GEOS may judge validity differently from the importer's: repair again.
    fixed = conn.execute("UPDATE _zones_new SET geom = ST_Multi(ST_CollectionExtract("
                         "ST_MakeValid(geom), 3)) WHERE NOT ST_IsValid(geom)").rowcount
    conn.execute("""
        INSERT INTO _zones_match SELECT n.code, n.status, z.id AS live_id,
               z.id IS NOT NULL AND ST_OrderingEquals(z.geom, n.geom) AND z.name_it = n.name_it
               AND z.name_en = n.name_en AND z.legal_reference IS NOT DISTINCT FROM n.legal_reference
               AND z.attributes = n.attributes
               AND z.illustrative = %(illustrative)s AND z.licence IS NOT DISTINCT FROM %(licence)s AS same
        FROM _zones_new n LEFT JOIN laguna.zones z
          ON z.kind = %(kind)s AND z.code = n.code AND z.status = n.status AND z.status <> 'superseded'
    """, {"kind": kind, "illustrative": layer.illustrative, "licence": layer.licence})
    changed = conn.execute("""
        UPDATE laguna.zones z SET status = 'superseded',
               valid_to = greatest(coalesce(z.valid_from, n.valid_from), n.valid_from)
        FROM _zones_match m JOIN _zones_new n USING (code, status)
        WHERE z.id = m.live_id AND NOT m.same
    """).rowcount
    missing = 0 if partial else conn.execute("""
        UPDATE laguna.zones z SET status = 'superseded',
               valid_to = greatest(coalesce(z.valid_from, %(valid_from)s), %(valid_from)s)
        WHERE z.kind = %(kind)s AND z.status <> 'superseded'
          AND z.layer_version_id IN (SELECT id FROM laguna.layer_versions WHERE layer_id = %(layer)s)
          AND NOT EXISTS (SELECT 1 FROM _zones_new n WHERE n.code = z.code AND n.status = z.status)
    """, {"kind": kind, "layer": layer_id, "valid_from": valid_from}).rowcount
    inserted = conn.execute("""
        INSERT INTO laguna.zones (site_id, kind, code, name_it, name_en, status, legal_reference,
                                  valid_from, version, supersedes_id, source, licence, illustrative,
                                  layer_version_id, attributes, geom)
        SELECT %(site)s, %(kind)s, n.code, n.name_it, n.name_en, n.status, n.legal_reference,
               n.valid_from,
               coalesce((SELECT max(version) FROM laguna.zones o
                          WHERE o.kind = %(kind)s AND o.code = n.code), 0) + 1,
               (SELECT o.id FROM laguna.zones o WHERE o.kind = %(kind)s AND o.code = n.code
                  AND o.status = 'superseded' ORDER BY o.version DESC LIMIT 1),
               %(source)s, %(licence)s, %(illustrative)s, %(lv)s, n.attributes, n.geom
        FROM _zones_new n JOIN _zones_match m USING (code, status)
        WHERE NOT coalesce(m.same, false)
        ORDER BY n.fid
    """, {"site": site[0], "kind": kind, "source": source_label, "licence": layer.licence,
          "illustrative": layer.illustrative, "lv": layer_version_id}).rowcount
    unchanged = conn.execute("SELECT count(*) FROM _zones_match WHERE same").fetchone()[0]
    return {"kind": kind, "new": inserted - changed, "changed": changed, "unchanged": unchanged,
            "superseded_missing": missing, "repaired_in_store": fixed}

"""The PostGIS store: the embedded cluster, connections, migrations and the schema mirror."""

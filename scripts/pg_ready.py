"""Exit 0 if the PostgreSQL server at the given URL answers, 1 otherwise."""

import sys

import psycopg

url = sys.argv[1]
# Connect to the maintenance database: the project's own may not exist yet.
base = url.rsplit("/", 1)[0] + "/postgres"
try:
    with psycopg.connect(base, connect_timeout=3) as conn:
        conn.execute("SELECT 1")
except Exception as exc:
    print(f"PostgreSQL check failed: {exc.__class__.__name__}: {exc}".strip(), file=sys.stderr)
    sys.exit(1)

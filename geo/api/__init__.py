"""The read-only HTTP interface (OGC API - Features and flows aggregates): geo/api/routes.py."""

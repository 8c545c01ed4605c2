"""Publishing runs into a database that dashboards query (``maatstaf publish``): a DuckDB
file or PostgreSQL, tables ``runs`` and ``figures`` and the view ``figures_current``
(``publish/schema.py``; ``docs/dashboards.md`` shows how BI tools connect)."""

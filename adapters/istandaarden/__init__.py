"""iJw/iWmo 3.2 messages as a source: a folder or a .zip of 301, 305, 307, 315 and 323
messages (and their answers) beside CSV/Parquet files for the other tables, folded into
the canonical tables by the iStandaarden rules (see docs/istandaarden.md).

Stages: ``files`` (the XML streams in a folder or zip) -> ``parse`` (one message, checked,
streaming) -> ``collect`` (rows in batches into DuckDB, BSNs pseudonymised) -> ``fold``
(the rules, in SQL) -> ``adapter`` (with the other tables, through the same validation as
every source).
"""

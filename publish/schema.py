"""The published schema, versioned: what a dashboard may rely on.

    maatstaf_schema   (component, version)            the schema's version (SCHEMA_VERSION)
    runs              one row per published run        run_id, hashes, options, as-of, periods
    figures           the tidy rows, keyed by run       run_id + the columns of the CSV output
    definitions       the definitions a run used        run_id, measure, version, label, ...
    notes             what a reader must know per run  run_id, measure, message
    rejections        rejected input rows, counted     run_id, table_name, file, column_name, reason, row_count
    figures_current   view: per (measure, version, period, dimension_key) the figure of the
                      latest published run that has it, with published_at and as_of

A dimension a run brings for the first time becomes a column of ``figures`` (and of the
view) in the same transaction; columns are only ever added, so a report built on the
schema keeps working. A database written by a later maatstaf (a higher version) is refused,
never altered.
"""

from __future__ import annotations

import pyarrow as pa

from maatstaf.publish.database import Database, PublishError, quoted

SCHEMA_VERSION = 1
KEY = ("measure", "version", "period", "dimension_key")

SQL_TYPES = {
    pa.string(): "TEXT",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE PRECISION",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
}

TABLES = (
    """CREATE TABLE maatstaf_schema (
        component TEXT PRIMARY KEY,
        version INTEGER NOT NULL)""",
    """CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL,
        output_schema_version TEXT NOT NULL,
        definitions_hash TEXT NOT NULL,
        data_hash TEXT NOT NULL,
        figures_hash TEXT NOT NULL,
        options TEXT NOT NULL,
        as_of DATE,
        grain TEXT NOT NULL,
        period_from TEXT NOT NULL,
        period_to TEXT NOT NULL,
        period_start DATE NOT NULL,
        period_end DATE NOT NULL,
        engine TEXT NOT NULL,
        engine_version TEXT NOT NULL,
        figure_count BIGINT NOT NULL,
        rejected_rows BIGINT NOT NULL,
        suppression TEXT,
        provenance TEXT NOT NULL)""",
    """CREATE TABLE figures (
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        measure TEXT NOT NULL,
        label TEXT,
        unit TEXT,
        domain TEXT NOT NULL,
        version INTEGER NOT NULL,
        grain TEXT NOT NULL,
        period TEXT NOT NULL,
        period_start DATE NOT NULL,
        period_end DATE NOT NULL,
        dimension_key TEXT NOT NULL,
        value DOUBLE PRECISION,
        suppressed TEXT,
        target_operator TEXT,
        target_value DOUBLE PRECISION,
        target_warn DOUBLE PRECISION,
        target_met BOOLEAN,
        target_status TEXT,
        definition_hash TEXT,
        notes TEXT,
        PRIMARY KEY (run_id, measure, version, period, dimension_key))""",
    """CREATE TABLE definitions (
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        measure TEXT NOT NULL,
        version INTEGER NOT NULL,
        label TEXT,
        description TEXT,
        unit TEXT,
        owner TEXT,
        source TEXT,
        valid_from DATE,
        valid_until DATE,
        definition_hash TEXT NOT NULL,
        PRIMARY KEY (run_id, measure, version))""",
    """CREATE TABLE notes (
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        measure TEXT NOT NULL,
        message TEXT NOT NULL)""",
    """CREATE TABLE rejections (
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        table_name TEXT NOT NULL,
        file TEXT NOT NULL,
        column_name TEXT,
        reason TEXT NOT NULL,
        row_count BIGINT NOT NULL)""",
)
INDEXES = ("CREATE INDEX figures_key ON figures (measure, period, dimension_key)",)


def ensure_schema(database: Database) -> None:
    """Create the schema in an empty database; accept one of this version; refuse another."""
    if not database.columns("maatstaf_schema"):
        if database.columns("runs") or database.columns("figures"):
            raise PublishError(
                "the database has tables 'runs' or 'figures' that maatstaf did not make: "
                "publish into another database or schema"
            )
        for statement in (*TABLES, *INDEXES):
            database.execute(statement)
        database.execute("INSERT INTO maatstaf_schema VALUES ('maatstaf', ?)", [SCHEMA_VERSION])
        return
    found = database.fetch("SELECT version FROM maatstaf_schema WHERE component = 'maatstaf'")
    version = found[0][0] if found else None
    if version != SCHEMA_VERSION:
        raise PublishError(
            f"the database has maatstaf schema version {version}; this maatstaf writes version "
            f"{SCHEMA_VERSION}"
            + (": upgrade maatstaf to publish into it" if (version or 0) > SCHEMA_VERSION else "")
        )


def ensure_columns(database: Database, rows: pa.Table) -> bool:
    """Add to ``figures`` the columns these rows bring (a new dimension, its labels, the
    comparison); True when any was added."""
    existing = set(database.columns("figures"))
    added = False
    for field in rows.schema:
        if field.name not in existing:
            sql_type = SQL_TYPES.get(field.type)
            if sql_type is None:
                raise PublishError(f"column {field.name}: no SQL type for {field.type}")
            database.execute(f"ALTER TABLE figures ADD COLUMN {quoted(field.name)} {sql_type}")
            added = True
    return added


def define_current_view(database: Database) -> None:
    """``figures_current``: the latest published figure per key. Columns only grow at the
    end (new dimensions), so ``CREATE OR REPLACE`` keeps what depends on the view."""
    names = database.columns("figures")
    listed = ", ".join(quoted(n) for n in names)
    key = ", ".join(f"f.{quoted(k)}" for k in KEY)
    database.execute(
        f"""CREATE OR REPLACE VIEW figures_current AS
        SELECT published_at, as_of, {listed} FROM (
            SELECT r.created_at AS published_at, r.as_of AS as_of, f.*,
                   row_number() OVER (
                       PARTITION BY {key} ORDER BY r.created_at DESC, r.run_id DESC
                   ) AS latest
            FROM figures AS f JOIN runs AS r ON r.run_id = f.run_id
        ) AS ranked
        WHERE latest = 1"""
    )

"""Publish a run into a database: one transaction that writes the run, its figures (the
tidy table), its definitions, notes and rejection counts, and keeps ``figures_current``.

A run is identified by what determines its figures: the hash of the definitions used (each
measure version's content hash: its text, table rules, parameters and dependencies), the
hash of the data, and the options (grain, periods, as-of, suppression, dimensions, measures,
mapping), and by the hash of the figures themselves (see ``run_id_of``). Publishing a run that is already there changes nothing, and a failure anywhere
leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa

from maatstaf.dsl.model import Library
from maatstaf.engine.periods import parse_period
from maatstaf.engine.result import SCHEMA_VERSION, RunResult
from maatstaf.publish.database import Database, PublishError, Target, connect, write_table
from maatstaf.publish.schema import define_current_view, ensure_columns, ensure_schema
from maatstaf.renderers.tabular import tidy_table, version_of
from maatstaf.renderers.tabular_files import csv_bytes


@dataclass(frozen=True)
class Published:
    run_id: str
    figures: int
    already: bool  # the run was there: nothing was written


def definitions_hash(result: RunResult) -> str:
    """One hash over the content hashes of every measure version the run used."""
    used = sorted((m.measure, m.version, m.hash) for m in result.provenance.measures)
    return hashlib.sha256(json.dumps(used).encode()).hexdigest()


def figures_hash(figures: pa.Table) -> str:
    """The hash of the tidy figures themselves (their CSV)."""
    return hashlib.sha256(csv_bytes(figures.replace_schema_metadata(None))).hexdigest()


def run_id_of(result: RunResult, options: Mapping[str, object], figures: pa.Table) -> str:
    """The identity of a run. The figures' own hash is part of it: a database source's
    data fingerprint is a summary (row counts, key ranges) that a value corrected in place
    leaves unchanged, and such a run must be published, never taken for the earlier one."""
    parts = {
        "definitions": definitions_hash(result),
        "data": result.provenance.data_fingerprint,
        "options": _canonical(options),
        "figures": figures_hash(figures),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def _canonical(options: Mapping[str, object]) -> str:
    return json.dumps(dict(options), sort_keys=True, ensure_ascii=False, default=str)


def publish(
    result: RunResult,
    library: Library,
    target: Target,
    options: Mapping[str, object],
    now: dt.datetime | None = None,
) -> Published:
    """Write the run into the database at ``target`` (see the module's docstring)."""
    database = connect(target)
    try:
        return _publish(database, result, library, options, now or dt.datetime.now(dt.UTC))
    except PublishError:
        raise
    except Exception as exc:
        if type(exc).__module__.split(".")[0] not in ("duckdb", "psycopg"):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PublishError(f"{target.shown}: nothing was published: {first}") from exc
    finally:
        database.close()


def check_target(target: Target) -> None:
    """Before any work: the database can be reached, and its schema (if any) is one this
    maatstaf writes. Nothing is created."""
    database = connect(target)
    try:
        if database.columns("maatstaf_schema"):
            with database.transaction():
                ensure_schema(database)
    finally:
        database.close()


def _publish(
    database: Database,
    result: RunResult,
    library: Library,
    options: Mapping[str, object],
    now: dt.datetime,
) -> Published:
    figures = tidy_table(result, library)
    run_id = run_id_of(result, options, figures)
    with database.transaction():
        ensure_schema(database)
        if database.fetch("SELECT 1 FROM runs WHERE run_id = ?", [run_id]):
            return Published(run_id, len(figures), already=True)
        _insert_run(database, run_id, result, options, now, figures)
        rows = _with_run_id(figures, run_id)
        ensure_columns(database, rows)
        write_table(database, "figures", rows)
        write_table(database, "definitions", _definitions(result, library, run_id))
        write_table(database, "notes", _notes(result, run_id))
        write_table(database, "rejections", _rejections(result, run_id))
        define_current_view(database)
    return Published(run_id, len(figures), already=False)


def _insert_run(
    database: Database,
    run_id: str,
    result: RunResult,
    options: Mapping[str, object],
    now: dt.datetime,
    figures: pa.Table,
) -> None:
    provenance = result.provenance
    first, last = parse_period(provenance.period_from), parse_period(provenance.period_to)
    suppression = result.suppression
    database.execute(
        "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            now,
            SCHEMA_VERSION,
            definitions_hash(result),
            provenance.data_fingerprint,
            figures_hash(figures),
            _canonical(options),
            dt.date.fromisoformat(provenance.as_of) if provenance.as_of else None,
            provenance.grain,
            provenance.period_from,
            provenance.period_to,
            first.begin,
            last.end,
            provenance.engine,
            provenance.engine_version,
            len(figures),
            provenance.rejected_rows,
            suppression.model_dump_json() if suppression else None,
            provenance.model_dump_json(),
        ],
    )


def _with_run_id(figures: pa.Table, run_id: str) -> pa.Table:
    column = pa.array([run_id] * len(figures), pa.string())
    return figures.add_column(0, "run_id", column).replace_schema_metadata(None)


def _definitions(result: RunResult, library: Library, run_id: str) -> pa.Table:
    used = result.provenance.measures
    versions = [version_of(library, m.measure, m.version) for m in used]
    return pa.table(
        {
            "run_id": pa.array([run_id] * len(used), pa.string()),
            "measure": pa.array([m.measure for m in used], pa.string()),
            "version": pa.array([m.version for m in used], pa.int32()),
            "label": pa.array([m.label for m in used], pa.string()),
            "description": pa.array([v.description if v else None for v in versions], pa.string()),
            "unit": pa.array([m.unit for m in used], pa.string()),
            "owner": pa.array([v.owner if v else None for v in versions], pa.string()),
            "source": pa.array([v.source if v else None for v in versions], pa.string()),
            "valid_from": pa.array([v.valid_from if v else None for v in versions], pa.date32()),
            "valid_until": pa.array([v.valid_until if v else None for v in versions], pa.date32()),
            "definition_hash": pa.array([m.hash for m in used], pa.string()),
        }
    )


def _notes(result: RunResult, run_id: str) -> pa.Table:
    notes = result.notes
    return pa.table(
        {
            "run_id": pa.array([run_id] * len(notes), pa.string()),
            "measure": pa.array([n.measure for n in notes], pa.string()),
            "message": pa.array([n.message for n in notes], pa.string()),
        }
    )


def _rejections(result: RunResult, run_id: str) -> pa.Table:
    counts = result.rejection_counts
    return pa.table(
        {
            "run_id": pa.array([run_id] * len(counts), pa.string()),
            "table_name": pa.array([c.table for c in counts], pa.string()),
            "file": pa.array([c.file for c in counts], pa.string()),
            "column_name": pa.array([c.column for c in counts], pa.string()),
            "reason": pa.array([c.reason for c in counts], pa.string()),
            "row_count": pa.array([c.rows for c in counts], pa.int64()),
        }
    )

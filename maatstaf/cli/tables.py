"""The tables command: the canonical tables exactly as the engine sees them, as files."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from maatstaf.cli.boundary import UsageError, app, boundary, err
from maatstaf.cli.options import (
    DefinitionsOpt,
    MappingOpt,
    PseudonymizeOpt,
    SourceOpt,
    library_of,
)
from maatstaf.cli.outputs import check_folder, check_outputs

if TYPE_CHECKING:  # imported where used: registering the command must stay light (--help)
    import duckdb

    from maatstaf.adapters.base import LoadedData

FORMATS = ("csv", "parquet")
REJECTED = "rejected.csv"


@app.command(name="tables")
def tables_command(
    data: SourceOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for one file per table.")],
    format: Annotated[
        str, typer.Option("--format", "-f", help="csv (the default) or parquet.")
    ] = "csv",
    mapping: MappingOpt = None,
    pseudonymize: PseudonymizeOpt = None,
    definitions: DefinitionsOpt = None,
) -> None:
    """Write the tables as the engine reads them: after the mapping, the validation and
    the pseudonymization, without the rejected rows. One file per table (<table>.csv or
    <table>.parquet; in CSV ISO dates, a decimal point and an empty cell for a missing
    value), and rejected.csv with every rejected row and its reason. The way to check what
    was read from a source. Exit 1 when any row is rejected."""
    with boundary():
        from maatstaf.adapters.quarantine import quarantine_csv
        from maatstaf.cli.loading import _report_rejections, load
        from maatstaf.renderers.atomic import write_text

        if format not in FORMATS:
            raise UsageError(f"--format {format!r}: use csv or parquet")
        check_folder("--output", output)
        _check_not_source(output, data)
        check_outputs(
            {"--output": output / REJECTED}, {"--mapping": mapping, "--definitions": definitions}
        )
        library = library_of(definitions)
        loaded = load(data, mapping, pseudonymize, None, library.table_schema)
        for name, rows, path in write_tables(loaded, output, format):
            err(f"{name}: {rows} row(s) -> {path}")
        write_text(output / REJECTED, quarantine_csv(loaded))
        err(f"rejected rows: {loaded.rejected_row_count} -> {output / REJECTED}")
        _report_rejections(loaded)
        if loaded.rejected_row_count:
            raise typer.Exit(1)


def _check_not_source(output: Path, data: str) -> None:
    """The tables never overwrite the source: the output folder is not the data folder,
    nor inside it."""
    source = Path(data)
    if "://" in data or data.startswith("env:") or not source.exists():
        return
    place = output.resolve()
    if not source.is_dir():  # a zip or a workbook: only the file itself is the source
        if place == source.resolve():
            raise UsageError(
                f"--output {output} is the source {source}: write the tables to a folder"
            )
        return
    folder = source
    if place == folder.resolve() or folder.resolve() in place.parents:
        raise UsageError(
            f"--output {output} is (inside) the source folder {folder}: "
            "write the tables to another folder"
        )


def write_tables(loaded: LoadedData, folder: Path, format: str) -> list[tuple[str, int, Path]]:
    """Every table of ``loaded`` as ``<table>.<format>`` in ``folder``, each file written
    whole (to a temporary name, then renamed); (table, rows, path) per table. Tables
    kept in DuckDB are copied straight from it; a database's relations are read once."""
    from maatstaf.adapters.duck import DuckTables, connect, ident

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if isinstance(loaded.tables, DuckTables) and loaded.backend is None:
        con, relations = loaded.tables.con, dict(loaded.tables.relations)
        names, own = list(relations), None
    else:
        own = connect()
        con, relations, names = own, {}, loaded.table_names
    try:
        for name in names:
            if own is not None:
                relations[name] = f"arrow_{name}"
                own.register(relations[name], _arrow(loaded, name))
            path = folder / f"{name}.{format}"
            rows = _copy(con, f"SELECT * FROM {ident(relations[name])}", path, format)
            written.append((name, rows, path))
    finally:
        if own is not None:
            own.close()
    return written


def _arrow(loaded: LoadedData, name: str) -> object:
    if loaded.backend is not None:
        return loaded.relations[name].to_pyarrow()  # type: ignore[attr-defined]
    return loaded.tables[name]


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path, format: str) -> int:
    """``query`` into ``path`` through a temporary file beside it; the rows written."""
    from maatstaf.adapters.duck import literal, scalar

    options = "FORMAT csv, HEADER" if format == "csv" else "FORMAT parquet"
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        con.execute(f"COPY ({query}) TO {literal(temporary)} ({options})")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return int(scalar(con, f"SELECT count(*) FROM ({query})"))

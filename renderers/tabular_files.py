"""CSV and Parquet: the tidy table (``renderers/tabular.py``) as a file a BI tool reads.

CSV is written for machines: UTF-8, comma-separated, a header, quotes only where needed,
ISO dates, a decimal point and every value in full precision (what Power Query, pandas and
DuckDB read without options); the Excel workbook is the one for people. Parquet keeps the
column types (dates, numbers, booleans) and the run's provenance in the file's metadata
(``maatstaf.provenance``, JSON).
"""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from maatstaf.dsl.model import Library
from maatstaf.engine.result import RunResult
from maatstaf.renderers.tabular import tidy_table


def csv_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    options = pa_csv.WriteOptions(include_header=True, quoting_style="needed")
    pa_csv.write_csv(table, sink, options)
    return sink.getvalue()


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


class CsvRenderer:
    name = "csv"
    suffix = ".csv"

    def render(self, result: RunResult, library: Library) -> str:
        return csv_bytes(tidy_table(result, library)).decode("utf-8")


class ParquetRenderer:
    name = "parquet"
    suffix = ".parquet"
    binary = True  # bytes, written to a file (never to a terminal)

    def render(self, result: RunResult, library: Library) -> bytes:  # type: ignore[override]
        return parquet_bytes(tidy_table(result, library))

"""writer: canonical tables -> an archive of iJw/iWmo 3.2 messages (a folder or a .zip).

What the messages carry (``writer_rows`` prepares the rows, in DuckDB):

- 301 Toewijzing: every toewijzing not in a personal budget, one message per law,
  gemeente, aanbieder, client and Toewijzingsdatum (the date of ``geregistreerd_op``, its
  time the Toewijzingstijd), with the other toewijzingen still valid (OP087);
- 315 Verzoek om toewijzing: the referrer (``verwijzer_type``), joined by
  ReferentieAanbieder;
- 305/307 Start/Stop levering: from a ``leveringen`` table, or (``derive_leveringen``)
  as allocated;
- 323 Declaratie: every claim, in eurocents with debet/credit.

Everything the messages cannot carry is written beside them as ``<table>.csv``: the
tables no message holds (clienten, populatie, begroting, ...), and the rows of toewijzingen
and declaraties that no message can hold (a pgb, a unit without a WJ756 code, ...). In
the archive a client is a synthetic BSN (``writer_rows.synthetic_bsns``), in the messages
and in ``client_id`` of the tables beside them alike; a toewijzing is its
ToewijzingNummer in the messages and, beside them, the id the reader folds it into
(``gemeente-jw|wmo-nummer``, ``toewijzing_id`` of toewijzingen, declaraties,
budgetboekingen, ...); an empty ``gemeente`` beside them is the archive's.

The archive is written message by message (memory holds one message, never the archive).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from lxml import etree

from maatstaf.adapters.duck import connect
from maatstaf.adapters.istandaarden import writer_rows as rows
from maatstaf.adapters.istandaarden.writer_xml import BUILDERS

PREFIX = {"ijw": "jw", "iwmo": "wmo"}
CARRIED = ("toewijzingen", "declaraties", "leveringen")
BATCH = 20_000


@dataclass(frozen=True)
class WriteOptions:
    """``gemeente``: the CBS code (4 digits) of the municipality for rows without a
    ``gemeente`` column; ``derive_leveringen``: without a ``leveringen`` table, send 305
    and 307 as allocated (care began on the Ingangsdatum and ended on the Einddatum,
    volgens plan), up to ``as_of``; ``xsd_versie``: the Basisschema and Bericht XSD
    versions in every header."""

    gemeente: str = "9999"
    derive_leveringen: bool = False
    as_of: dt.date = field(default_factory=dt.date.today)
    xsd_versie: tuple[str, str] = ("1.0.0", "1.0.0")


@dataclass(frozen=True)
class Written:
    """What was written: messages per law and type (``ijw301``...), the files beside the
    messages, and per table and reason the rows no message could carry (they are in the
    table's CSV beside the messages)."""

    target: Path
    messages: Mapping[str, int]
    beside: tuple[str, ...]
    not_messaged: Mapping[tuple[str, str], int]


def write_messages(
    tables: Mapping[str, pa.Table], target: Path, options: WriteOptions | None = None
) -> Written:
    """The tables as an archive at ``target``: a folder (created; it must be empty) or,
    when the name ends in .zip, a zip file (written whole, then moved into place)."""
    options = options or WriteOptions()
    target = Path(target)
    if "toewijzingen" not in tables:
        raise ValueError("the tables hold no toewijzingen: there is nothing to message")
    with _Sink.open(target) as sink:
        return _write(tables, sink, options, target)


def _write(
    tables: Mapping[str, pa.Table], sink: _Sink, options: WriteOptions, target: Path
) -> Written:
    con = connect()
    try:
        rows.register(con, tables)
        con.execute("CREATE TEMP TABLE tw_all AS " + rows.toewijzingen_sql(options.gemeente))
        con.execute("CREATE TEMP TABLE tw_ok AS SELECT * FROM tw_all WHERE why_not IS NULL")
        con.execute(rows.claims_sql())
        given = "leveringen" in tables
        if given:
            con.register("lv_in", tables["leveringen"])
        counts: Counter[str] = Counter()
        numbering = itertools.count(1)
        as_of = options.as_of.isoformat()
        plans: list[tuple[str, str]] = [
            ("301", rows.allocations_sql()),
            ("315", rows.requests_sql()),
        ]
        if given or options.derive_leveringen:
            plans += [
                ("305", rows.deliveries_sql("start", given, as_of)),
                ("307", rows.deliveries_sql("stop", given, as_of)),
            ]
        plans.append(("323", rows.claim_lines_sql()))
        for kind, sql in plans:
            for key, group in _groups(con, sql, MESSAGE_KEYS[kind]):
                ident = f"{next(numbering):012d}"
                tree = BUILDERS[kind](key, group, ident, options)
                law, gemeente, aanbieder = key[0], key[1], key[2]
                sender, receiver = (gemeente, aanbieder) if kind == "301" else (aanbieder, gemeente)
                name = f"{PREFIX[law].upper()}{kind}_{sender}_{receiver}_{ident}.xml"
                sink.add(name, etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
                counts[f"{law}{kind}"] += 1
        con.execute(rows.reference_map_sql())
        beside = _beside(con, tables, sink, options.gemeente)
        missing = con.execute(
            "SELECT 'toewijzingen', why_not, count(*) FROM tw_all WHERE why_not IS NOT NULL "
            "GROUP BY ALL UNION ALL SELECT 'declaraties', why_not, count(*) FROM dc_all "
            "WHERE why_not IS NOT NULL GROUP BY ALL ORDER BY 1, 2"
        ).fetchall()
    finally:
        con.close()
    return Written(target, dict(sorted(counts.items())), beside, {(t, w): n for t, w, n in missing})


MESSAGE_KEYS = {  # the columns that make one message
    "301": ("law", "gemeente", "aanbieder", "dag", "bsn"),
    "315": ("law", "gemeente", "aanbieder", "dag", "bsn"),
    "305": ("law", "gemeente", "aanbieder", "dag", "bsn"),
    "307": ("law", "gemeente", "aanbieder", "dag", "bsn"),
    "323": ("law", "gemeente", "aanbieder", "maand", "dag"),
}


def _groups(con: Any, sql: str, key: tuple[str, ...]) -> Iterator[tuple[tuple, list[dict]]]:
    """The rows of ``sql`` (ordered by ``key``) as one list per message, read in batches."""
    reader = con.sql(sql).to_arrow_reader(BATCH)

    def records() -> Iterator[dict]:
        for batch in reader:
            yield from batch.to_pylist()

    for values, group in itertools.groupby(records(), key=lambda r: tuple(r[k] for k in key)):
        yield values, list(group)


# --- the tables beside the messages --------------------------------------------------------


def _beside(
    con: Any, tables: Mapping[str, pa.Table], sink: _Sink, gemeente: str
) -> tuple[str, ...]:
    """Every table no message carries, and the rows of toewijzingen and declaraties no
    message could carry, as CSV, with the client as its synthetic BSN, the toewijzing as
    the id a reader folds its messages into (``gemeente-jw|wmo-nummer``, so that the rows
    beside and the folded rows join) and an empty ``gemeente`` as the archive's (the code
    in the messages' headers, so that every table names the same municipality)."""
    written = []
    for name, table in tables.items():
        view = f"beside_{name}"
        con.register(view, table)
        query = _beside_query(view, table.column_names, gemeente)
        if name == "toewijzingen":
            query += " WHERE t.toewijzing_id IN (SELECT toewijzing_id FROM tw_all WHERE why_not IS NOT NULL)"
        elif name == "declaraties":
            query += " WHERE CAST(t.declaratie_id AS VARCHAR) IN (SELECT ref FROM dc_all WHERE why_not IS NOT NULL)"
        elif name in CARRIED:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{name}.csv"
            con.execute(f"COPY ({query}) TO '{path}' (FORMAT csv, HEADER)")
            if name in ("toewijzingen", "declaraties") and _lines(path) <= 1:
                continue
            sink.add_file(path.name, path)
        written.append(path.name)
    return tuple(written)


def _beside_query(view: str, columns: list[str], gemeente: str) -> str:
    replace = []
    joins = []
    if "client_id" in columns:
        replace.append("coalesce(b.bsn, CAST(t.client_id AS VARCHAR)) AS client_id")
        joins.append("LEFT JOIN bsn_map b ON b.client_id = CAST(t.client_id AS VARCHAR)")
    if "toewijzing_id" in columns:
        replace.append("coalesce(n.ref, CAST(t.toewijzing_id AS VARCHAR)) AS toewijzing_id")
        joins.append("LEFT JOIN ref_map n ON n.toewijzing_id = CAST(t.toewijzing_id AS VARCHAR)")
    if "gemeente" in columns:
        code = gemeente.replace("'", "''")
        replace.append(f"coalesce(CAST(t.gemeente AS VARCHAR), '{code}') AS gemeente")
    star = f"t.* REPLACE ({', '.join(replace)})" if replace else "t.*"
    return f"SELECT {star} FROM {view} t {' '.join(joins)}"


def _lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


# --- output: a folder or a zip ---------------------------------------------------------------


class _Sink:
    """Where the files go: a new (or empty) folder, or a zip written beside its target and
    moved into place when whole."""

    def __init__(self, target: Path, archive: zipfile.ZipFile | None, temporary: Path | None):
        self.target, self.archive, self.temporary = target, archive, temporary

    @classmethod
    def open(cls, target: Path) -> _Sink:
        if target.suffix.lower() == ".zip":
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(suffix=".zip.part", dir=target.parent)
            os.close(handle)
            archive = zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED)
            return cls(target, archive, Path(name))
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise ValueError(f"{target}: give a new or empty folder (or a name ending in .zip)")
        target.mkdir(parents=True, exist_ok=True)
        return cls(target, None, None)

    def add(self, name: str, data: bytes) -> None:
        if self.archive is not None:
            self.archive.writestr(_entry(name), data)
        else:
            (self.target / name).write_bytes(data)

    def add_file(self, name: str, path: Path) -> None:
        if self.archive is not None:
            with open(path, "rb") as source, self.archive.open(_entry(name), "w") as entry:
                shutil.copyfileobj(source, entry, 1 << 20)
        else:
            shutil.copyfile(path, self.target / name)

    def __enter__(self) -> _Sink:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if self.archive is None or self.temporary is None:
            return
        self.archive.close()
        if kind is None:
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(self.temporary, 0o666 & ~mask)
            os.replace(self.temporary, self.target)
        else:
            self.temporary.unlink(missing_ok=True)


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed time, so the same tables give the same archive bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info

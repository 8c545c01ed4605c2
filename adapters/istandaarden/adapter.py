"""The iStandaarden message adapter: a folder or .zip of iJw/iWmo 3.2 messages, beside
CSV/Parquet files for the tables messages do not carry, as the canonical tables.

Messages are parsed one at a time (``parse``), their rows staged in DuckDB in batches
(``collect``), folded by the rules (``fold``), and then go, with the other tables, through
the same validation as every source (``assemble``): a folded row rejected there is named
by its message file and line. Every rejected message is in the quarantine with its file,
element path, line and reason, and counts in every output's provenance.

BSNs are checked (elfproef) while parsing and replaced by their pseudonym (HMAC with
MAATSTAF_PSEUDONYM_KEY, as ``--pseudonymize``) before any row is stored; a key is
therefore required. Columns named by ``--pseudonymize`` in the CSV/Parquet files beside
are pseudonymised with the same key, and ``client_id`` always: the tables join, and no
BSN beside the messages reaches a table.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters import quarantine
from maatstaf.adapters.assemble import (
    LoadOptions,
    RawTable,
    assemble,
    check_options,
    pseudonymize_table,
)
from maatstaf.adapters.base import LoadedData, LoadError
from maatstaf.adapters.cell_rules import ROW
from maatstaf.adapters.csv_folder import read_table
from maatstaf.adapters.duck import connect
from maatstaf.adapters.istandaarden import fold
from maatstaf.adapters.istandaarden.collect import Collector
from maatstaf.adapters.istandaarden.files import message_streams, table_folder
from maatstaf.adapters.istandaarden.groups import load_groups
from maatstaf.adapters.istandaarden.parse import parse
from maatstaf.adapters.limits import current_limits
from maatstaf.adapters.mapping import apply_mapping
from maatstaf.adapters.pseudonym import key_from_environment
from maatstaf.dsl.schema import Schema, canonical_schema

CLIENT = "client_id"


class _Hashing:
    """A stream that feeds every byte read into the source's fingerprint."""

    def __init__(self, stream: IO[bytes], digest: hashlib._Hash) -> None:
        self.stream, self.digest = stream, digest

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


class MessageAdapter:
    name = "istandaarden"

    def __init__(self, schema: Schema | None = None) -> None:
        self.schema = schema or canonical_schema()

    def load(self, location: str, options: LoadOptions | None = None) -> LoadedData:
        options = options or LoadOptions()
        check_options(options, self.schema)
        path = Path(location)
        con = connect()
        key = key_from_environment()
        collector, digest = Collector(con, key), hashlib.sha256()
        for name, opener in message_streams(path):
            digest.update(name.encode("utf-8") + b"\0")
            with opener() as stream:
                collector.add(name, parse(_Hashing(stream, digest)))  # type: ignore[arg-type]
        collector.flush()
        fold.code_tables(con)
        with table_folder(path) as folder:
            groups = load_groups(con, folder)
            raws, where = self._folded(con, groups, digest.digest(), location)
            beside, invalid = self._beside(folder, options, key, path.is_dir())
            for name in sorted(set(raws) & set(beside)):
                raws[name], where[name] = _combined(raws[name], where[name], beside.pop(name))
            if "toewijzingen" not in raws and "toewijzingen" not in beside:
                raise LoadError(f"{location}: no 301 message (toewijzing) and no toewijzingen file")
            loaded = assemble({**raws, **beside}, self.schema, LoadOptions(), con)
        return _with_messages(loaded, where, [collector.quarantine(), *invalid], self.schema)

    def _folded(
        self, con: object, groups: str, content: bytes, location: str
    ) -> tuple[dict[str, RawTable], dict[str, tuple[pa.Array, pa.Array]]]:
        """The folded tables as text, numbered 1.. (``__row``); per table, the message
        file and line of each row."""
        raws: dict[str, RawTable] = {}
        where: dict[str, tuple[pa.Array, pa.Array]] = {}
        made = {
            "toewijzingen": lambda: fold.toewijzingen(con, groups),  # type: ignore[arg-type]
            "leveringen": lambda: fold.leveringen(con),  # type: ignore[arg-type]
            "declaraties": lambda: fold.declaraties(con),  # type: ignore[arg-type]
        }
        counts = {"toewijzingen": "toewijzing", "leveringen": "start", "declaraties": "prestatie"}
        for name, make in made.items():
            table = self.schema.table(name)
            if table is None or not _staged(con, counts[name], name):
                continue
            arrow = make().arrow()
            if hasattr(arrow, "read_all"):
                arrow = arrow.read_all()
            where[name] = (arrow["__file"].combine_chunks(), arrow["__line"].combine_chunks())
            keep = [c for c in arrow.column_names if table.column(c) is not None]
            text = pa.table({c: arrow[c].cast(pa.string()) for c in keep})
            text = text.append_column(ROW, pa.array(np.arange(1, text.num_rows + 1)))
            label = f"{location} ({name} from messages)"
            raws[name] = RawTable(name, label, text, content)
        return raws, where

    def _beside(
        self, folder: Path, options: LoadOptions, key: bytes, in_place: bool
    ) -> tuple[dict[str, RawTable], list[pa.Table]]:
        """The CSV/Parquet files for the other tables, mapped and pseudonymised as
        ``options`` say (here, so that the folded tables' pseudonyms are not hashed again).
        ``client_id`` is always a BSN beside messages, and always pseudonymised: the
        folded rows hold pseudonyms only, so only then do the tables join, and no BSN
        reaches a table."""
        mapping, limits = options.mapping, current_limits()
        personal = set(options.pseudonymize) | set(mapping.pseudonymize if mapping else ())
        personal.add(CLIENT)  # the messages' clients are pseudonyms: these must be too
        raws: dict[str, RawTable] = {}
        invalid: list[pa.Table] = []
        for table in self.schema.tables:
            stem = mapping.source_name(table.name) if mapping else table.name
            found = [p for p in (folder / f"{stem}.csv", folder / f"{stem}.parquet") if p.is_file()]
            if len(found) == 2:
                raise LoadError(
                    f"{folder}: both {found[0].name} and {found[1].name} hold table "
                    f"'{table.name}'; remove the one that should not be read"
                )
            if not found:
                continue
            raw = read_table(found[0], table, mapping, limits, False)
            assert raw.raw is not None
            rules = mapping.tables.get(table.name) if mapping else None
            text = apply_mapping(raw.raw, rules, raw.where)
            text, rejected = pseudonymize_table(text, table, personal, key, raw.where)
            invalid.append(rejected)
            shown = raw.where if in_place else f"{found[0].name} in the archive"
            raws[table.name] = dataclasses.replace(raw, raw=text, where=shown)
        return raws, invalid


def _combined(
    folded: RawTable, where: tuple[pa.Array, pa.Array], beside: RawTable
) -> tuple[RawTable, tuple[pa.Array, pa.Array]]:
    """A table both folded from messages and in a file beside them: the rows of both (the
    rows no message can carry, such as a pgb toewijzing or its claims, are beside the
    messages). A row of the file is named by its file and row in every rejection."""
    assert folded.raw is not None and beside.raw is not None
    rows = pc.cast(beside.raw[ROW], pa.int64())
    text = pa.concat_tables(
        [folded.raw.drop_columns([ROW]), beside.raw.drop_columns([ROW])],
        promote_options="default",
    )
    text = text.append_column(ROW, pa.array(np.arange(1, text.num_rows + 1)))
    files = pa.concat_arrays(
        [where[0].cast(pa.string()), pc.fill_null(pa.nulls(len(rows), pa.string()), beside.where)]
    )
    lines = pa.concat_arrays([where[1].cast(pa.int64()), rows.combine_chunks()])
    content = hashlib.sha256(folded.content + beside.content).digest()
    return dataclasses.replace(folded, raw=text, content=content), (files, lines)


def _staged(con: object, kind: str, name: str) -> bool:
    """Whether any message fed this table (a 305 or 307 feeds leveringen)."""
    kinds = ("start", "stop") if name == "leveringen" else (kind,)
    total = 0
    for k in kinds:
        total += con.execute(f"SELECT count(*) FROM msg_{k}").fetchall()[0][0]  # type: ignore[attr-defined]
    return total > 0


def _with_messages(
    loaded: LoadedData,
    where: dict[str, tuple[pa.Array, pa.Array]],
    extra: list[pa.Table],
    schema: Schema,
) -> LoadedData:
    """The load's rejections with the folded rows named by message file and line, and
    the rejected messages added."""
    every = loaded.quarantine if loaded.quarantine is not None else quarantine.empty()
    parts = []
    for name, (files, lines) in where.items():
        mine = pc.and_(
            pc.equal(every["table"], name),
            pc.starts_with(every["file"], pattern=""),
        )
        mine = pc.and_(mine, pc.match_substring(every["file"], f"({name} from messages)"))
        part = every.filter(mine)
        index = pc.subtract(part["row"], 1)
        part = part.set_column(1, "file", pc.take(files, index))
        part = part.set_column(2, "row", pc.take(lines, index))
        parts.append(part)
        every = every.filter(pc.invert(mine))
    order = [t.name for t in schema.tables] + ["berichten"]
    combined = quarantine.combine([every, *parts, *extra], order)
    return dataclasses.replace(
        loaded,
        quarantine=combined,
        rejected=quarantine.sample(combined),
        rejection_counts=quarantine.counts(combined),
        rejected_row_count=quarantine.rejected_rows(combined),
    )

"""collect: the rows of accepted messages, in batches, into DuckDB staging tables (text
columns); BSNs are pseudonymised per batch (HMAC, ``pseudonym``) before a batch becomes a
table, so no BSN is ever stored. Rejected messages become quarantine rows."""

from __future__ import annotations

from typing import Final

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters.duck import ident
from maatstaf.adapters.istandaarden.parse import Message, gemeente_and_aanbieder
from maatstaf.adapters.pseudonym import pseudonymize
from maatstaf.adapters.quarantine import empty, rejections

BATCH = 50_000  # rows per kind held in Python before they go to DuckDB
COMMON: Final = ("wet", "gemeente", "aanbieder", "client", "bericht", "dagtekening", "file", "line")
# per record kind: staging column -> the value's name within the record
FIELDS: Final = {
    "toewijzing": {
        "nummer": "ToewijzingNummer",
        "referentie": "ReferentieAanbieder",
        "categorie": "Product/Categorie",
        "code": "Product/Code",
        "datum": "Toewijzingsdatum",
        "tijd": "Toewijzingstijd",
        "ingang": "Ingangsdatum",
        "eind": "Einddatum",
        "reden": "RedenWijziging",
        "volume": "Omvang/Volume",
        "eenheid": "Omvang/Eenheid",
        "frequentie": "Omvang/Frequentie",
        "budget": "Budget",
    },
    "start": {
        "nummer": "ToewijzingNummer",
        "categorie": "Product/Categorie",
        "code": "Product/Code",
        "begin": "Begindatum",
        "status": "StatusAanlevering",
    },
    "stop": {
        "nummer": "ToewijzingNummer",
        "categorie": "Product/Categorie",
        "code": "Product/Code",
        "begin": "Begindatum",
        "reden": "RedenBeeindiging",
        "eind": "Einddatum",
        "status": "StatusAanlevering",
    },
    "verzoek": {
        "referentie": "ReferentieAanbieder",
        "verwijzer": "Verwijzer/Type",
        "verwijzer_naam": "Verwijzer/Naam",
        "verwijzer_agb": "Verwijzer/ZorgverlenerCode",
    },
    "prestatie": {
        "referentie": "ProductReferentie/ReferentieNummer",
        "vorig": "ProductReferentie/VorigReferentieNummer",
        "nummer": "ToewijzingNummer",
        "categorie": "ProductCategorie",
        "code": "ProductCode",
        "begin": "ProductPeriode/Begindatum",
        "eind": "ProductPeriode/Einddatum",
        "volume": "GeleverdVolume",
        "eenheid": "Eenheid",
        "bedrag": "IngediendBedrag/Bedrag",
        "dc": "IngediendBedrag/DebetCredit",
        "declaratie": "DeclaratieNummer",
        "ingediend": "DeclaratieDagtekening",
    },
}
TARGET: Final = {  # the canonical table a message's rows feed, for its rejections
    "301": "toewijzingen",
    "315": "toewijzingen",
    "305": "leveringen",
    "307": "leveringen",
    "323": "declaraties",
}


def staging(kind: str) -> str:
    return f"msg_{kind}"


class Collector:
    """Rows per record kind, flushed to DuckDB every ``BATCH`` rows; the quarantine."""

    def __init__(self, con: duckdb.DuckDBPyConnection, key: bytes, batch: int = BATCH) -> None:
        self.con, self.key, self.batch = con, key, batch
        self.rows: dict[str, list[dict[str, str | None]]] = {k: [] for k in FIELDS}
        self.rejected: list[pa.Table] = []
        self.problems: list[tuple[str, str, int, str, str]] = []
        self.messages = {"read": 0, "rejected": 0, "not folded": 0}
        for kind, fields in FIELDS.items():
            columns = ", ".join(f"{ident(c)} VARCHAR" for c in (*COMMON, *fields))
            con.execute(f"CREATE OR REPLACE TEMP TABLE {staging(kind)} ({columns})")

    def add(self, file: str, message: Message) -> None:
        self.messages["read"] += 1
        if message.problems:
            self.messages["rejected"] += 1
            table = TARGET.get(message.code, "berichten")
            for p in message.problems:
                self.problems.append((table, file, p.line, p.path, p.reason))
            return
        if not message.folded:
            self.messages["not folded"] += 1
            return
        gemeente, aanbieder = gemeente_and_aanbieder(message)
        common = {
            "wet": message.law,
            "gemeente": gemeente,
            "aanbieder": aanbieder,
            "bericht": message.header.get("BerichtIdentificatie/Identificatie"),
            "dagtekening": message.header.get("BerichtIdentificatie/Dagtekening"),
            "file": file,
        }
        for kind, record in message.rows:
            row = {column: record.get(name) or None for column, name in FIELDS[kind].items()}
            row |= common
            row |= {"client": record.get("bsn"), "line": record.get("line")}
            self.rows[kind].append(row)
            if len(self.rows[kind]) >= self.batch:
                self.flush(kind)

    def flush(self, kind: str | None = None) -> None:
        for name in [kind] if kind else list(self.rows):
            rows = self.rows[name]
            if not rows:
                continue
            columns = (*COMMON, *FIELDS[name])
            schema = pa.schema([(c, pa.string()) for c in columns])
            table = pa.Table.from_pylist(rows, schema=schema)
            self.rows[name] = []
            pseudonyms, _ = pseudonymize(table["client"], self.key)  # elfproef checked in parse
            table = table.set_column(columns.index("client"), "client", pseudonyms)
            self.con.register("msg_batch", table)
            self.con.execute(f"INSERT INTO {staging(name)} SELECT * FROM msg_batch")
            self.con.unregister("msg_batch")

    def quarantine(self) -> pa.Table:
        """One row per problem: table, file, line, element path, reason."""
        if not self.problems:
            return empty()
        table, file, line, path, reason = zip(*self.problems, strict=True)
        parts = []
        for name in sorted(set(table)):
            keep = pc.equal(pa.array(table), name)
            part = rejections(
                name,
                "",
                pc.filter(pa.array(line, pa.int64()), keep),
                None,
                "message rejected",
                reasons=pc.filter(pa.array(reason), keep),
            )
            part = part.set_column(1, "file", pc.filter(pa.array(file), keep))
            part = part.set_column(3, "column", pc.filter(pa.array(path), keep))
            parts.append(part)
        return pa.concat_tables(parts)

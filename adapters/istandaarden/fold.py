"""fold: the staged message rows -> the canonical tables, by the iStandaarden rules, in
DuckDB SQL (no Python loop over rows).

- toewijzingen: per (gemeente, law, ToewijzingNummer) the version with the latest
  Toewijzingsdatum + Toewijzingstijd wins (then the message's Dagtekening and
  identification: never the order the files were read in). A toewijzing missing from a
  later 301 stays as it was. RedenWijziging 13 is kept as "13" (the standard table rules
  exclude it from every count). Budget from eurocents. The referrer (315) joins on
  (gemeente, law, aanbieder, client, ReferentieAanbieder), the latest 315 winning.
- leveringen: a 305 start and a 307 stop per key (ToewijzingNummer, or the product when
  there is none, and Begindatum; a stop's key also has its RedenBeeindiging): the latest
  record per key by message date counts, and a latest one with StatusAanlevering 3 means
  the key was never sent. A start takes the definitive stop with the latest Einddatum,
  else the temporary (20) one.
- declaraties: one row per prestatie, the amount from eurocents and signed by DebetCredit:
  a credit (VorigReferentieNummer naming its original) cancels its original in every sum
  and stays a row of its own, as a municipality's ledger holds it. Dropping both would
  change no sum but would drop the client of a fully credited claim from every count
  "per client with a claim" (the definitions count credits: they are claims too).
"""

from __future__ import annotations

from typing import Final

import duckdb
import pyarrow as pa

from maatstaf.adapters.istandaarden import codes
from maatstaf.adapters.istandaarden.collect import staging

WET = "CASE {a}.wet WHEN 'jw' THEN 'jeugdwet' ELSE 'wmo' END"
NUMMER = "CAST(CAST({a}.nummer AS BIGINT) AS VARCHAR)"
TOEWIJZING_ID = "{a}.gemeente || '-' || {a}.wet || '-' || " + NUMMER
EUROS = "CAST(CAST({c} AS DECIMAL(18, 0)) / 100 AS DECIMAL(18, 2))"
ORDER = "dagtekening DESC, bericht DESC, file DESC, CAST(line AS BIGINT) DESC"


def code_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The code lists the SQL translates with, as small tables."""
    lists = {
        "code_eenheid": [("", k, v) for k, v in codes.EENHEID.items()],
        "code_frequentie": [("", k, v) for k, v in codes.FREQUENTIE.items()],
        "code_verwijzer": [("", k, v) for k, v in codes.VERWIJZER.items()],
        "code_beeindiging": [
            (law, k, v) for law, table in codes.REDEN_BEEINDIGING.items() for k, v in table.items()
        ],
    }
    for name, rows in lists.items():
        law, code, value = (list(c) for c in zip(*rows, strict=True))
        con.register(f"{name}_arrow", pa.table({"law": law, "code": code, "value": value}))
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        con.unregister(f"{name}_arrow")


def toewijzingen(con: duckdb.DuckDBPyConnection, groups: str) -> duckdb.DuckDBPyRelation:
    """One row per toewijzing: its latest version; ``groups`` is the product mapping."""
    t = staging("toewijzing")
    v = staging("verzoek")
    return con.sql(
        f"""
        WITH latest AS (
            SELECT * FROM {t}
            QUALIFY row_number() OVER (
                PARTITION BY gemeente, wet, CAST(nummer AS BIGINT)
                ORDER BY datum DESC, tijd DESC, {ORDER}) = 1
        ), referrer AS (
            SELECT * FROM {v}
            QUALIFY row_number() OVER (
                PARTITION BY gemeente, wet, aanbieder, client, referentie ORDER BY {ORDER}) = 1
        )
        SELECT
            {TOEWIJZING_ID.format(a="l")} AS toewijzing_id,
            l.client AS client_id,
            {WET.format(a="l")} AS wet,
            l.categorie AS productcategorie,
            coalesce(l.code, l.categorie) AS productcode,
            coalesce(g.hoofdcategorie, k.hoofdcategorie) AS hoofdcategorie,
            l.volume AS omvang_volume,
            e.value AS omvang_eenheid,
            f.value AS omvang_frequentie,
            coalesce(g.zwaarte, k.zwaarte) AS zwaarte,
            w.value AS verwijzer_type,
            coalesce(r.verwijzer_naam, r.verwijzer_agb) AS verwijzer_naam,
            l.aanbieder AS aanbieder,
            'zin' AS leveringsvorm,
            l.ingang AS startdatum,
            l.eind AS einddatum,
            l.reden AS reden_wijziging,
            CAST({EUROS.format(c="l.budget")} AS VARCHAR) AS budget,
            l.datum || ' ' || substr(l.tijd, 1, 8) AS geregistreerd_op,
            l.gemeente AS gemeente,
            l.file AS __file, CAST(l.line AS BIGINT) AS __line
        FROM latest l
        LEFT JOIN referrer r ON r.gemeente = l.gemeente AND r.wet = l.wet
            AND r.aanbieder = l.aanbieder AND r.client = l.client AND r.referentie = l.referentie
        LEFT JOIN code_eenheid e ON e.code = l.eenheid
        LEFT JOIN code_frequentie f ON f.code = l.frequentie
        LEFT JOIN code_verwijzer w ON w.code = r.verwijzer
        LEFT JOIN {groups} g ON g.wet = {WET.format(a="l")} AND g.productcategorie = l.categorie
            AND g.productcode = l.code
        LEFT JOIN {groups} k ON k.wet = {WET.format(a="l")} AND k.productcategorie = l.categorie
            AND k.productcode IS NULL
        ORDER BY l.file, CAST(l.line AS BIGINT)
        """
    )


KEY = "coalesce({a}.nummer, 'product ' || {a}.categorie || coalesce('/' || {a}.code, ''))"


def leveringen(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """One row per start of delivery (or per stop whose start is not in the source)."""
    start, stop = staging("start"), staging("stop")
    part = "gemeente, wet, aanbieder, client, {key}, begin"
    return con.sql(
        f"""
        WITH starts AS (
            SELECT *, {KEY.format(a=start)} AS key FROM {start}
            QUALIFY row_number() OVER (
                PARTITION BY {part.format(key="key")} ORDER BY {ORDER}) = 1
        ), stops AS (
            SELECT *, {KEY.format(a=stop)} AS key FROM {stop}
            QUALIFY row_number() OVER (
                PARTITION BY {part.format(key="key")}, reden ORDER BY {ORDER}) = 1
        ), ending AS (
            SELECT * FROM stops WHERE status = '1'
            QUALIFY row_number() OVER (
                PARTITION BY {part.format(key="key")}
                ORDER BY (reden = '{codes.TIJDELIJK}'), eind DESC, {ORDER}) = 1
        ), joined AS (
            SELECT coalesce(s.gemeente, e.gemeente) AS gemeente, coalesce(s.wet, e.wet) AS wet,
                coalesce(s.aanbieder, e.aanbieder) AS aanbieder,
                coalesce(s.client, e.client) AS client, coalesce(s.key, e.key) AS key,
                coalesce(s.nummer, e.nummer) AS nummer,
                coalesce(s.categorie, e.categorie) AS categorie,
                coalesce(s.code, e.code) AS code,
                coalesce(s.begin, e.begin) AS begin, e.eind, e.reden,
                coalesce(s.file, e.file) AS file, coalesce(s.line, e.line) AS line
            FROM (SELECT * FROM starts WHERE status = '1') s
            FULL JOIN ending e ON s.gemeente = e.gemeente AND s.wet = e.wet
                AND s.aanbieder = e.aanbieder AND s.client = e.client AND s.key = e.key
                AND s.begin = e.begin
        )
        SELECT
            j.gemeente || '-' || j.wet || '-' || j.aanbieder || '-' || j.begin || '-'
                || substr(md5(concat_ws('|', j.client, j.key)), 1, 12) AS levering_id,
            CASE WHEN j.nummer IS NOT NULL THEN {TOEWIJZING_ID.format(a="j")} END
                AS toewijzing_id,
            j.client AS client_id,
            {WET.format(a="j")} AS wet,
            j.categorie AS productcategorie,
            j.code AS productcode,
            j.aanbieder AS aanbieder,
            j.begin AS begindatum,
            j.eind AS einddatum,
            j.reden AS reden_beeindiging,
            b.value AS beeindiging,
            j.gemeente AS gemeente,
            j.file AS __file, CAST(j.line AS BIGINT) AS __line
        FROM joined j
        LEFT JOIN code_beeindiging b ON b.law = j.wet AND b.code = j.reden
        ORDER BY j.file, CAST(j.line AS BIGINT)
        """
    )


def declaraties(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """One row per prestatie, signed: a credit is a negative row beside its original."""
    p = staging("prestatie")
    return con.sql(
        f"""
        SELECT
            p.aanbieder || '-' || p.wet || '-' || p.referentie AS declaratie_id,
            {TOEWIJZING_ID.format(a="p")} AS toewijzing_id,
            p.client AS client_id,
            p.begin AS periode_start,
            p.eind AS periode_eind,
            CAST(CASE p.dc WHEN 'C' THEN -1 ELSE 1 END * {EUROS.format(c="p.bedrag")} AS VARCHAR)
                AS bedrag,
            p.ingediend AS ingediend_op,
            p.gemeente AS gemeente,
            p.file AS __file, CAST(p.line AS BIGINT) AS __line
        FROM {p} p
        ORDER BY p.file, CAST(p.line AS BIGINT)
        """
    )


FOLDS: Final = ("toewijzingen", "leveringen", "declaraties")

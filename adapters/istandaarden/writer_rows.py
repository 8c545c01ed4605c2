"""writer_rows: the canonical tables as the rows of iJw/iWmo 3.2 messages, in DuckDB.

Every step is one SQL statement over whole tables (no Python loop over rows): each
toewijzing gets its ToewijzingNummer and its client a synthetic BSN, codes become the
iStandaarden code lists (WJ756 eenheid, WMO757 frequentie, COD327 verwijzer), and rows a
message cannot carry are set apart with the reason (``why_not``), to be written beside the
messages as CSV. The XML itself is written by ``writer``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from maatstaf.adapters.duck import literal

EENHEID = {  # canonical omvang_eenheid -> WJ756
    "minuut": "01", "minuten": "01", "uur": "04", "uren": "04", "etmaal": "14",
    "etmalen": "14", "dagdeel": "16", "dagdelen": "16", "stuk": "82", "stuks": "82",
    "euro": "83", "euros": "83",
}  # fmt: skip
FREQUENTIE = {"dag": "1", "week": "2", "maand": "4", "totaal": "6"}  # -> WMO757
VERWIJZER = {  # canonical verwijzer_type -> COD327, with the Naam a 315 carries (CD066)
    "gemeente": ("01", None),
    "huisarts": ("02", "huisarts"),
    "jeugdarts": ("03", "jeugdarts"),
    "gecertificeerde_instelling": ("04", "gecertificeerde instelling"),
    "medisch_specialist": ("05", "medisch specialist"),
    "zelf": ("06", None),
    "rechter": ("08", None),
}
# the stop reason of a delivery that ended as allocated: "volgens plan" (31 in iJw, 19 in iWmo)
VOLGENS_PLAN = {"ijw": "31", "iwmo": "19"}
CATEGORIES = {
    "ijw": tuple(str(c) for c in (31, 32, 33, 34, 35, 36, 37, 38, *range(40, 56))),
    "iwmo": tuple(f"{c:02d}" for c in range(1, 19)),
}
MAX_NUMMER = 999_999_999
WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2])


# --- identities --------------------------------------------------------------------------


def synthetic_bsns(client_ids: pa.Array) -> pa.Array:
    """A synthetic BSN per distinct client id: nine digits that pass the elfproef,
    deterministic (the same id gives the same BSN whatever the other ids) and distinct
    for distinct ids. They are made up, not anyone's BSN: an archive written from
    pseudonymous tables holds synthetic BSNs only.

    Eight digits come from a hash of the id (one hash per distinct id, as for pseudonyms);
    the ninth is the check digit. A prefix without a check digit (sum mod 11 = 10), or one
    another id took first, is drawn again with the next salt (rarely more than once)."""
    distinct = pc.unique(client_ids.cast(pa.string())).drop_null().to_pylist()
    distinct.sort()
    chosen: dict[str, int] = {}
    taken: set[int] = set()
    pending = distinct
    for salt in range(64):
        prefixes = np.array([_prefix(i, salt) for i in pending], dtype=np.int64)
        digits = (prefixes[:, None] // 10 ** np.arange(7, -1, -1)) % 10
        check = (digits * WEIGHTS).sum(axis=1) % 11
        bsns = prefixes * 10 + check
        retry = []
        for ident, bsn, ok in zip(pending, bsns.tolist(), (check != 10).tolist(), strict=True):
            if ok and bsn not in taken:
                chosen[ident] = bsn
                taken.add(bsn)
            else:
                retry.append(ident)
        pending = retry
        if not pending:
            break
    mapping = pa.table({"client_id": list(chosen), "bsn": [f"{b:09d}" for b in chosen.values()]})
    index = pc.index_in(client_ids.cast(pa.string()), mapping["client_id"])
    return pc.take(mapping["bsn"], index)


def _prefix(ident: str, salt: int) -> int:
    digest = hashlib.blake2b(f"{salt}\x1f{ident}".encode(), digest_size=8).digest()
    return 10_000_000 + int.from_bytes(digest, "big") % 90_000_000


def toewijzing_numbers(ids: pa.Array) -> pa.Array:
    """The ToewijzingNummer (an integer up to 999 999 999) of each toewijzing_id: the
    number the id ends in (T0000042 -> 42) when every id ends in a distinct one; otherwise
    the id's rank in sorted order (1, 2, ...). Unique over the whole archive, both laws and
    every municipality, so the number alone identifies the toewijzing."""
    text = ids.cast(pa.string())
    digits = pc.extract_regex(text, r"^[^0-9]*0*(?P<n>[0-9]{1,9})$")
    numbers = pc.struct_field(digits, "n")
    distinct = pc.unique(text)
    if numbers.null_count == 0 and len(pc.unique(numbers)) == len(distinct):
        return pc.cast(numbers, pa.int64())
    order = pc.sort_indices(distinct)
    ranks = np.empty(len(distinct), dtype=np.int64)
    ranks[np.asarray(order)] = np.arange(1, len(distinct) + 1)
    return pc.take(pa.array(ranks), pc.index_in(text, distinct))


# --- SQL pieces ----------------------------------------------------------------------------


def _case(column: str, mapping: Mapping[str, str]) -> str:
    """``column`` (lower-cased) through ``mapping``; a value that is already a code passes."""
    arms = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in mapping.items())
    codes = ", ".join(literal(v) for v in sorted(set(mapping.values())))
    low = f"lower(trim(CAST({column} AS VARCHAR)))"
    return f"CASE WHEN {low} IN ({codes}) THEN {low} ELSE CASE {low} {arms} END END"


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(literal(v) for v in values)


def register(con: duckdb.DuckDBPyConnection, tables: Mapping[str, pa.Table]) -> None:
    """The tables the messages are made from, in ``con``: ``tw_in``, ``dc_in`` and
    ``cl_in`` with every column the statements read (a column the table lacks is empty);
    ``bsn_map`` (client_id, bsn) over the client ids of every table, so a client has one
    BSN in the messages and in the tables beside them; ``nummer_map`` (toewijzing_id,
    nummer)."""
    ids = [
        t["client_id"].cast(pa.string()) for t in tables.values() if "client_id" in t.column_names
    ]
    clients = pc.unique(pa.chunked_array([c for i in ids for c in i.chunks], pa.string()))
    clients = clients.drop_null()
    con.register("bsn_map", pa.table({"client_id": clients, "bsn": synthetic_bsns(clients)}))
    tw = _with_columns(tables["toewijzingen"], TOEWIJZING_COLUMNS)
    numbers = pa.table(
        {"toewijzing_id": tw["toewijzing_id"], "nummer": toewijzing_numbers(tw["toewijzing_id"])}
    )
    con.register("nummer_map", numbers)
    con.register("tw_raw", tw.append_column("nummer", numbers["nummer"]))
    con.execute(
        "CREATE TEMP TABLE tw_in AS SELECT t.*, b.bsn FROM tw_raw t "
        "LEFT JOIN bsn_map b ON b.client_id = CAST(t.client_id AS VARCHAR)"
    )
    claims = tables.get("declaraties")
    con.register(
        "dc_in",
        _with_columns(claims if claims is not None else _empty(CLAIM_COLUMNS), CLAIM_COLUMNS),
    )
    people = tables.get("clienten")
    con.register("cl_in", _with_columns(people if people is not None else _empty(PEOPLE), PEOPLE))


TOEWIJZING_COLUMNS = (
    "toewijzing_id", "client_id", "wet", "productcategorie", "productcode", "omvang_volume",
    "omvang_eenheid", "omvang_frequentie", "verwijzer_type", "verwijzer_naam", "aanbieder",
    "leveringsvorm", "startdatum", "einddatum", "reden_wijziging", "budget",
    "geregistreerd_op", "gemeente",
)  # fmt: skip
CLAIM_COLUMNS = (
    "declaratie_id", "toewijzing_id", "client_id", "periode_start", "periode_eind", "bedrag",
    "ingediend_op",
)  # fmt: skip
PEOPLE = ("client_id", "geboortedatum", "geslacht")


def _empty(columns: tuple[str, ...]) -> pa.Table:
    return pa.table({c: pa.array([], pa.string()) for c in columns})


def _with_columns(table: pa.Table, columns: tuple[str, ...]) -> pa.Table:
    for name in columns:
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, pa.string()))
    return table.select(list(columns))


def toewijzingen_sql(gemeente: str) -> str:
    """Every toewijzing as a 301 ToegewezenProduct, or with ``why_not`` when no message
    can carry it. A removed one (reden 13) is sent as the standard demands it (CS335):
    Einddatum = Ingangsdatum. Reden 01 (vervallen in 3.2, CS336) is sent as 14, its
    successor. A fractional number of hours travels as minutes; the omvang never changes
    otherwise."""
    eenheid = _case("omvang_eenheid", EENHEID)
    frequentie = _case("omvang_frequentie", FREQUENTIE)
    verwijzer = _case("verwijzer_type", {k: v[0] for k, v in VERWIJZER.items()})
    names = " ".join(
        f"WHEN {literal(code)} THEN {literal(name)}" for code, name in VERWIJZER.values() if name
    )
    return f"""
    WITH base AS (
      SELECT *,
        CASE wet WHEN 'jeugdwet' THEN 'ijw' WHEN 'wmo' THEN 'iwmo' END AS law,
        coalesce(CAST(gemeente AS VARCHAR), {literal(gemeente)}) AS gem,
        CAST(omvang_volume AS DOUBLE) AS vol, {eenheid} AS e0, {frequentie} AS freq,
        {verwijzer} AS verwijzer_code,
        CAST(coalesce(CAST(geregistreerd_op AS TIMESTAMP), CAST(startdatum AS TIMESTAMP))
             AS TIMESTAMP) AS moment
      FROM tw_in
    ), omvang AS (
      SELECT *,
        CASE WHEN e0 = '04' AND vol <> round(vol) THEN '01' ELSE e0 END AS eenheid,
        CASE WHEN e0 = '04' AND vol <> round(vol) THEN vol * 60 ELSE vol END AS volume
      FROM base
    )
    SELECT toewijzing_id, nummer, client_id, bsn, law, gem AS gemeente, aanbieder,
      CAST(productcategorie AS VARCHAR) AS categorie, CAST(productcode AS VARCHAR) AS code,
      CAST(moment AS DATE) AS tw_datum, strftime(moment, '%H:%M:%S') AS tw_tijd,
      CAST(startdatum AS DATE) AS ingang,
      CASE WHEN reden_wijziging = '13' THEN CAST(startdatum AS DATE)
           ELSE CAST(einddatum AS DATE) END AS eind,
      CASE WHEN reden_wijziging = '01' THEN '14' ELSE CAST(reden_wijziging AS VARCHAR) END
        AS reden,
      CAST(round(volume) AS BIGINT) AS volume, eenheid, freq AS frequentie,
      CASE WHEN volume IS NULL AND budget IS NOT NULL
           THEN CAST(round(CAST(budget AS DOUBLE) * 100) AS BIGINT) END AS budget_cent,
      verwijzer_code, coalesce(CAST(verwijzer_naam AS VARCHAR),
        CASE verwijzer_code {names} END) AS verwijzer_naam,
      CASE
        WHEN lower(CAST(leveringsvorm AS VARCHAR)) = 'pgb'
          THEN 'a personal budget (pgb) is not messaged (OP043)'
        WHEN law IS NULL THEN 'wet is neither wmo nor jeugdwet'
        WHEN NOT regexp_full_match(coalesce(CAST(aanbieder AS VARCHAR), ''), '[0-9]{{8}}')
          THEN 'aanbieder is not an 8-digit AGB code'
        WHEN NOT regexp_full_match(gem, '[0-9]{{4}}')
          THEN 'gemeente is not a 4-digit CBS code'
        WHEN NOT (CAST(productcategorie AS VARCHAR) IN ({_in(CATEGORIES["ijw"])})
                  AND law = 'ijw' OR CAST(productcategorie AS VARCHAR)
                  IN ({_in(CATEGORIES["iwmo"])}) AND law = 'iwmo')
          THEN 'productcategorie is not in the code list of the law (JZ020/WMO020)'
        WHEN length(CAST(productcode AS VARCHAR)) > 5
          THEN 'productcode is longer than 5 characters'
        WHEN (vol IS NULL) <> (omvang_eenheid IS NULL)
             OR (vol IS NULL) <> (omvang_frequentie IS NULL)
          THEN 'omvang is incomplete (volume, eenheid and frequentie go together)'
        WHEN vol IS NOT NULL AND eenheid IS NULL
          THEN 'omvang_eenheid has no WJ756 code'
        WHEN vol IS NOT NULL AND freq IS NULL
          THEN 'omvang_frequentie has no WMO757 code'
        WHEN volume <> round(volume) OR volume < 0 OR volume > 99999999
          THEN 'omvang_volume is not a whole number of a WJ756 unit'
        WHEN nummer > {MAX_NUMMER} THEN 'toewijzing number too large'
      END AS why_not
    FROM omvang
    """


def reference_map_sql() -> str:
    """``ref_map`` (toewijzing_id, ref): the id a reader gives each toewijzing, made of
    what its messages carry: ``gemeente-jw|wmo-nummer`` (a ToewijzingNummer is unique
    only per municipality and law). Rows beside the messages refer to it, so they join
    the folded rows. A toewijzing no message carries gets the same form."""
    return """
    CREATE TEMP TABLE ref_map AS
    SELECT CAST(toewijzing_id AS VARCHAR) AS toewijzing_id,
      gemeente || '-' || CASE law WHEN 'ijw' THEN 'jw' ELSE 'wmo' END || '-'
        || CAST(nummer AS VARCHAR) AS ref
    FROM tw_all WHERE law IS NOT NULL AND nummer IS NOT NULL
    """


# --- the rows of each message type, ordered by message -------------------------------------

PERSON = """
  coalesce(CAST(CAST(c.geboortedatum AS DATE) AS VARCHAR), '1900-01-01') AS geboortedatum,
  CASE WHEN c.geboortedatum IS NULL THEN '3' END AS datum_gebruik,
  CASE WHEN CAST(c.geslacht AS VARCHAR) IN ('1', '2') THEN CAST(c.geslacht AS VARCHAR)
       ELSE '0' END AS geslacht"""


def allocations_sql() -> str:
    """301: one message per law, gemeente, aanbieder, client and Toewijzingsdatum, holding
    the toewijzingen given or changed that day and, as OP087 demands, every other
    toewijzing of that client at that aanbieder still valid on that day (sent again
    without RedenWijziging, IV099; a removed one is not an actual toewijzing and is not
    sent again)."""
    return f"""
    WITH msgs AS (SELECT DISTINCT law, gemeente, aanbieder, bsn, client_id, tw_datum AS dag
                  FROM tw_ok)
    SELECT m.law, m.gemeente, m.aanbieder, m.bsn, m.dag, {PERSON},
      t.nummer, t.categorie, t.code, t.tw_datum, t.tw_tijd, t.ingang, t.eind,
      CASE WHEN t.tw_datum = m.dag THEN t.reden END AS reden,
      t.volume, t.eenheid, t.frequentie, t.budget_cent,
      CASE WHEN t.verwijzer_code IS NOT NULL THEN 'VOT' || t.nummer END AS referentie
    FROM msgs m
    JOIN tw_ok t ON t.law = m.law AND t.gemeente = m.gemeente AND t.aanbieder = m.aanbieder
      AND t.bsn = m.bsn AND (t.tw_datum = m.dag OR (t.tw_datum < m.dag
        AND coalesce(t.eind, DATE '9999-12-31') >= m.dag AND coalesce(t.reden, '') <> '13'))
    LEFT JOIN cl_in c ON CAST(c.client_id AS VARCHAR) = CAST(m.client_id AS VARCHAR)
    ORDER BY m.law, m.gemeente, m.aanbieder, m.dag, m.bsn, t.nummer
    """


def requests_sql() -> str:
    """315: the request (VOT) behind every toewijzing with a referrer, the day before the
    toewijzing, with the ReferentieAanbieder the 301 echoes (IV097)."""
    return f"""
    SELECT t.law, t.gemeente, t.aanbieder, t.bsn, t.tw_datum - 1 AS dag, {PERSON},
      'VOT' || t.nummer AS referentie, t.nummer, t.categorie, t.code, t.ingang,
      CASE WHEN coalesce(t.reden, '') <> '13' THEN t.eind END AS eind,
      t.volume, t.eenheid, t.frequentie, t.budget_cent, t.verwijzer_code, t.verwijzer_naam
    FROM tw_ok t
    LEFT JOIN cl_in c ON CAST(c.client_id AS VARCHAR) = CAST(t.client_id AS VARCHAR)
    WHERE t.verwijzer_code IS NOT NULL
    ORDER BY t.law, t.gemeente, t.aanbieder, dag, t.bsn, t.nummer
    """


def deliveries_sql(kind: str, given: bool, as_of: str) -> str:
    """305 (``kind`` start) or 307 (stop): from the table ``lv_in`` (toewijzing_id,
    begindatum, einddatum, reden_beeindiging) when ``given``, else as allocated: care
    began on the Ingangsdatum and, where the Einddatum has passed by ``as_of``, ended on
    it "volgens plan". Sent on the day of the event, or of the toewijzing when later."""
    if given:
        source = """SELECT t.*, CAST(l.begindatum AS DATE) AS begin,
            CAST(l.einddatum AS DATE) AS einde, CAST(l.reden_beeindiging AS VARCHAR) AS rb
          FROM lv_in l JOIN tw_ok t ON CAST(l.toewijzing_id AS VARCHAR) = t.toewijzing_id"""
    else:
        source = f"""SELECT t.*, t.ingang AS begin,
            CASE WHEN t.eind <= DATE {literal(as_of)} THEN t.eind END AS einde,
            CASE t.law WHEN 'ijw' THEN '{VOLGENS_PLAN["ijw"]}'
                       ELSE '{VOLGENS_PLAN["iwmo"]}' END AS rb
          FROM tw_ok t WHERE coalesce(t.reden, '') <> '13'
            AND t.ingang <= DATE {literal(as_of)}"""
    event = "begin" if kind == "start" else "einde"
    return f"""
    WITH lv AS ({source})
    SELECT l.law, l.gemeente, l.aanbieder, l.bsn, greatest(l.{event}, l.tw_datum) AS dag,
      {PERSON}, l.nummer, l.categorie, l.code, l.ingang, l.begin, l.einde, l.rb
    FROM lv l
    LEFT JOIN cl_in c ON CAST(c.client_id AS VARCHAR) = CAST(l.client_id AS VARCHAR)
    WHERE l.{event} IS NOT NULL {"AND l.rb IS NOT NULL" if kind == "stop" else ""}
    ORDER BY l.law, l.gemeente, l.aanbieder, dag, l.bsn, l.nummer, l.begin
    """


def claims_sql() -> str:
    """Every declaratie as 323 prestaties, or with ``why_not``. A debet is sent as it is;
    a credit (a negative amount) as the standard demands (IV091, OP366): the whole
    original claim credited (C, VorigReferentieNummer = the claim, the latest debet of the
    same toewijzing and period submitted before it) and, when it corrected only part, the
    rest claimed again (reference ``<credit>-H``). Every sum stays the same, by any date.
    The unit is euro (83), so GeleverdVolume = Bedrag (CS339)."""
    return """
    CREATE TEMP TABLE dc_all AS
    WITH d AS (
      SELECT d.*, CAST(d.declaratie_id AS VARCHAR) AS ref, CAST(d.periode_start AS DATE) AS pb,
        CAST(d.periode_eind AS DATE) AS pe, CAST(d.ingediend_op AS DATE) AS ing,
        CAST(round(CAST(d.bedrag AS DOUBLE) * 100) AS BIGINT) AS cent,
        t.nummer, t.law, t.gemeente, t.aanbieder, t.categorie, t.code, t.bsn AS t_bsn,
        b.bsn
      FROM dc_in d
      LEFT JOIN tw_ok t ON t.toewijzing_id = CAST(d.toewijzing_id AS VARCHAR)
      LEFT JOIN bsn_map b ON b.client_id = CAST(d.client_id AS VARCHAR)
    ), pairs AS (
      SELECT c.ref AS credit, o.ref AS original, o.cent AS original_cent,
        row_number() OVER (PARTITION BY c.ref ORDER BY o.ing DESC NULLS LAST, o.ref DESC) AS k
      FROM d c JOIN d o ON o.toewijzing_id = c.toewijzing_id AND o.pb = c.pb AND o.pe = c.pe
        AND o.cent >= 0 AND (o.ing <= c.ing OR c.ing IS NULL OR o.ing IS NULL)
      WHERE c.cent < 0
    ), linked AS (
      SELECT *, row_number() OVER (PARTITION BY original ORDER BY credit) AS n
      FROM pairs WHERE k = 1
    )
    SELECT d.*, l.original, l.original_cent,
      CASE
        WHEN d.nummer IS NULL THEN 'its toewijzing is not messaged'
        WHEN d.pb IS NULL OR d.pe IS NULL OR date_trunc('month', d.pb) <> date_trunc('month', d.pe)
          THEN 'the period is not within one calendar month (CS337)'
        WHEN d.bsn IS DISTINCT FROM d.t_bsn THEN 'its client is not the toewijzing''s client'
        WHEN length(d.ref) > 18 THEN 'declaratie_id is longer than 18 characters'
        WHEN d.cent < 0 AND l.original IS NULL
          THEN 'a credit without the claim it corrects (CD060)'
        WHEN d.cent < 0 AND l.n > 1 THEN 'the claim it corrects was credited before (OP360)'
        WHEN d.cent < 0 AND -d.cent > l.original_cent
          THEN 'a credit larger than the claim it corrects'
        WHEN abs(d.cent) > 99999999 THEN 'the amount exceeds the 323 maximum'
      END AS why_not,
      date_trunc('month', greatest(coalesce(d.ing, d.pe), d.pe))::DATE AS maand
    FROM d LEFT JOIN linked l ON l.credit = d.ref
    """


def claim_lines_sql() -> str:
    """The prestaties of the messageable claims, ordered by 323 message: law, gemeente,
    aanbieder, declaratieperiode (the month submitted, never before the period claimed,
    TR319) and DeclaratieDagtekening (the submission date)."""
    return """
    WITH ok AS (SELECT *, coalesce(ing, last_day(maand)) AS dag FROM dc_all
                WHERE why_not IS NULL),
    lines AS (
      SELECT *, ref AS referentie, NULL AS vorig, cent AS bedrag_cent, 'D' AS dc
        FROM ok WHERE cent >= 0
      UNION ALL
      SELECT *, ref, original, original_cent, 'C' FROM ok WHERE cent < 0
      UNION ALL
      SELECT *, ref || '-H', NULL, original_cent + cent, 'D'
        FROM ok WHERE cent < 0 AND original_cent + cent > 0
    )
    SELECT law, gemeente, aanbieder, maand, dag, bsn, referentie, vorig, nummer, categorie,
      code, pb, pe, bedrag_cent, dc,
      sum(CASE dc WHEN 'C' THEN -bedrag_cent ELSE bedrag_cent END)
        OVER (PARTITION BY law, gemeente, aanbieder, maand, dag) AS totaal
    FROM lines
    ORDER BY law, gemeente, aanbieder, maand, dag, bsn, referentie
    """

"""The sample municipality as iJw/iWmo 3.2 messages gives the same figures as the sample as
CSV, measure by measure, by month over 2019-01..2021-12 and by year, both pseudonymised
with the same key (issue 16, Done when 2).

The CSV side carries the same synthetic BSNs the archive does (``synthetic_bsns``), so
both sides pseudonymise the same numbers with the same key. The archive names its
municipality (9999) in every header and in every table beside it, so its figures gain a
``gemeente`` dimension with that one value; the sample's rows name none.

Measures the messages cannot feed (what iStandaarden 3.2 does not carry):
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from maatstaf.adapters.assemble import LoadOptions
from maatstaf.adapters.base import LoadedData
from maatstaf.adapters.csv_folder import CsvFolderAdapter
from maatstaf.adapters.istandaarden.adapter import MessageAdapter
from maatstaf.adapters.istandaarden.writer import WriteOptions, write_messages
from maatstaf.adapters.istandaarden.writer_rows import synthetic_bsns
from maatstaf.adapters.sample import generate_all, write_sample_csv
from maatstaf.engine.result import RunResult
from tests.helpers import run_engine
from tests.test_istandaarden_write import hand_tables

# the whole sample written as 43,000 messages and read back: an integration run of about a
# minute, in the rest tier (make test-all, CI)
pytestmark = [pytest.mark.slow]

KEY = "sample-roundtrip-key-0123456789"
AS_OF = dt.date(2021, 12, 31)
GEMEENTE = "9999"

# measure -> why the messages cannot feed it (each one a limit of iStandaarden 3.2)
NOT_FED = {
    "jeugd.actieve_voorzieningen": "by zwaarte: assigned per indication, no message carries it",
    "jeugd.actieve_voorzieningen_aandeel": "by zwaarte (see jeugd.actieve_voorzieningen)",
    "jeugd.ingezette_voorzieningen": "by zwaarte (see jeugd.actieve_voorzieningen)",
    "jeugd.ingezette_voorzieningen_aandeel": "by zwaarte (see jeugd.actieve_voorzieningen)",
    "prognose.resterende_verplichting": (
        "needs the budget of a toewijzing with an omvang: a 301 product has an Omvang or a "
        "Budget, never both (CD078); the budget of an omvang-product stays in the "
        "municipality's own records"
    ),
    "verplichting": "the budget of a toewijzing with an omvang (see prognose.resterende_verplichting)",
    "verzilveringsgraad": "built on verplichting",
    "financien.verplichting_per_product": "as verplichting, per product",
    "financien.verplichting_per_aanbieder": "as verplichting, per provider",
    "financien.verzilveringsgraad_per_product": "built on financien.verplichting_per_product",
    "financien.verzilveringsgraad_per_aanbieder": "built on financien.verplichting_per_aanbieder",
    "prognose_uitgaven": "built on prognose.resterende_verplichting",
    "prognose_saldo": "built on prognose_uitgaven",
}
__doc__ += "".join(f"\n- {m}: {why}" for m, why in NOT_FED.items())


def _pseudonymous_bsns(folder: Path) -> None:
    """Every client_id in the CSV files of ``folder`` as the synthetic BSN the archive
    gives it."""
    for path in folder.glob("*.csv"):
        names = pacsv.read_csv(path).column_names
        if "client_id" not in names:
            continue
        text = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False
            ),
        )
        index = names.index("client_id")
        text = text.set_column(index, "client_id", synthetic_bsns(text["client_id"]))
        pacsv.write_csv(text, path, pacsv.WriteOptions(quoting_style="needed"))


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadedData, LoadedData]:
    root = tmp_path_factory.mktemp("roundtrip")
    tables = {
        name: pa.Table.from_pandas(frame, preserve_index=False)
        for name, frame in generate_all()[0].items()
    }
    options = WriteOptions(gemeente=GEMEENTE, derive_leveringen=True, as_of=AS_OF)
    write_messages(tables, root / "messages", options)
    write_sample_csv(root / "csv")
    _pseudonymous_bsns(root / "csv")
    mp = pytest.MonkeyPatch()
    mp.setenv("MAATSTAF_PSEUDONYM_KEY", KEY)
    try:
        load = LoadOptions(pseudonymize=("client_id",))
        messages = MessageAdapter().load(str(root / "messages"), load)
        csv = CsvFolderAdapter().load(str(root / "csv"), load)
    finally:
        mp.undo()
    return messages, csv


def _figures(result: RunResult, regional: bool) -> dict[tuple, object]:
    out = {}
    for f in result.figures:
        dims = dict(f.dimensions)
        if regional:
            assert dims.pop("gemeente", GEMEENTE) == GEMEENTE
        out[(f.measure, f.period, tuple(sorted(dims.items())))] = f.value
    return out


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def _compare(messages: LoadedData, csv: LoadedData, grain: str) -> set[str]:
    first, last = dt.date(2019, 1, 1), dt.date(2021, 12, 31)
    fm = _figures(run_engine(messages, grain, first, last), regional=True)
    fc = _figures(run_engine(csv, grain, first, last), regional=False)
    assert {k[0] for k in fc} == {k[0] for k in fm}
    differ: dict[str, tuple] = {}
    for key in sorted(set(fm) | set(fc), key=str):
        a, b = fc.get(key, "missing"), fm.get(key, "missing")
        if not _same(a, b):
            differ.setdefault(key[0], (key, a, b))
    wrong = {m: d for m, d in differ.items() if m not in NOT_FED}
    assert not wrong, f"figures from messages differ from the CSV sample: {wrong}"
    assert len({k[0] for k in fc}) > 40  # every standard measure ran
    return set(differ)


def test_nothing_is_rejected_on_either_side(both: tuple[LoadedData, LoadedData]) -> None:
    messages, csv = both
    assert messages.rejected_row_count == 0 and csv.rejected_row_count == 0
    for name in ("toewijzingen", "declaraties", "budgetboekingen"):
        assert messages.tables[name].num_rows > 0


# no monthly figure at all
YEARLY_ONLY = {
    "verplichting",
    "verzilveringsgraad",
    "financien.verplichting_per_product",
    "financien.verplichting_per_aanbieder",
    "financien.verzilveringsgraad_per_product",
    "financien.verzilveringsgraad_per_aanbieder",
}


def test_every_month_the_messages_give_the_csv_figures(
    both: tuple[LoadedData, LoadedData],
) -> None:
    # every exclusion is needed: each excluded measure does differ
    assert _compare(*both, "month") == set(NOT_FED) - YEARLY_ONLY


def test_every_year_the_messages_give_the_csv_figures(
    both: tuple[LoadedData, LoadedData],
) -> None:
    assert _compare(*both, "year") >= YEARLY_ONLY


def test_rows_beside_the_messages_join_the_folded_rows(tmp_path: Path) -> None:
    """A pgb toewijzing and a km-per-year one are in toewijzingen.csv beside the messages,
    by the reader's id; a claim on one of them in declaraties.csv. A row beside that is
    wrong is rejected with its own file and row, not a message's. The client_id of every
    file beside is pseudonymised like the messages' clients, asked or not."""
    folder = tmp_path / "archive"
    write_messages(
        hand_tables(), folder, WriteOptions(gemeente="0384", as_of=dt.date(2023, 12, 31))
    )
    path = folder / "toewijzingen.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    wrong = {"toewijzing_id": "0384-wmo-8", "client_id": "776941872", "wet": "wmo",
             "productcategorie": "02", "productcode": "02A05", "aanbieder": "87654321",
             "leveringsvorm": "zin", "startdatum": "2023-13-01"}  # fmt: skip
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(",".join(wrong.get(c, "") for c in header) + "\n")
    mp = pytest.MonkeyPatch()
    mp.setenv("MAATSTAF_PSEUDONYM_KEY", KEY)
    try:
        loaded = MessageAdapter().load(str(folder))  # client_id beside: pseudonymised anyway
    finally:
        mp.undo()
    ids = set(loaded.tables["toewijzingen"]["toewijzing_id"].to_pylist())
    assert {"0384-jw-1", "0384-wmo-4", "0384-wmo-5", "0384-wmo-6"} <= ids  # folded and beside
    claims = loaded.tables["declaraties"].to_pylist()
    assert {(c["declaratie_id"], c["toewijzing_id"]) for c in claims} >= {
        ("D6", "0384-wmo-5")  # a claim beside on a toewijzing beside
    }
    assert str(sum(c["bedrag"] for c in claims)) == "232.00"  # signed: credits included
    for name in ("toewijzingen", "declaraties", "clienten"):
        assert all(c.startswith("P") for c in loaded.tables[name]["client_id"].to_pylist())
    bad = [r for r in loaded.rejected if r.table == "toewijzingen"]
    assert bad and {(Path(r.file).name, r.row) for r in bad} == {("toewijzingen.csv", 4)}

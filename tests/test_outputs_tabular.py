"""run --format csv|parquet|xlsx: one tidy row per figure, holding exactly the JSON's figures.

Each file is read back by its own reader (the standard library's csv module, PyArrow's
Parquet reader, openpyxl), never by the code that wrote it, and compared figure by figure
with the JSON output of the same run: value, suppression, target, comparison, every
dimension and its label. On the sample and on a small hand-built data set (with
suppression and comparisons); a golden file pins the CSV of the small run.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import tempfile
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from maatstaf.adapters.registry import load_data
from maatstaf.adapters.sample import write_sample_csv
from maatstaf.cli.boundary import UsageError
from maatstaf.cli.outputs import check_format
from maatstaf.engine.periods import parse_period
from maatstaf.engine.result import RunResult
from maatstaf.engine.run import RunRequest, Selection, run
from maatstaf.engine.suppression import Policy
from maatstaf.engine.suppression import apply as apply_suppression
from maatstaf.renderers.base import get_renderer
from maatstaf.renderers.json_renderer import JsonRenderer
from maatstaf.renderers.tabular import FIXED, dimension_column
from maatstaf.renderers.tabular_xlsx import COUNT, DATE, EURO, SHARE
from tests.golden import check_golden
from tests.helpers import loaded, run_engine, standard_library

GOLDEN = Path(__file__).parent / "golden" / "tabular"
D = dt.date
SMALL_MEASURES = (
    "jeugd.unieke_clienten",
    "jeugd.instroom",
    "jeugd.actieve_voorzieningen",
    "jeugd.actieve_voorzieningen_aandeel",
    "wmo.unieke_clienten",
    "prognose_uitgaven",
)


def _row(tid: str, client: str, wet: str, code: str, start: str, end: str | None) -> dict:
    return {
        "toewijzing_id": tid,
        "client_id": client,
        "wet": wet,
        "productcode": code,
        "startdatum": D.fromisoformat(start),
        "einddatum": D.fromisoformat(end) if end else None,
    }


SMALL_ROWS = [
    _row("t1", "A", "jeugdwet", "45A48", "2020-01-15", "2020-02-29"),
    _row("t2", "A", "jeugdwet", "45A48", "2020-03-01", None),
    _row("b1", "B", "jeugdwet", "45A48", "2019-12-01", "2020-01-31"),
    _row("c1", "C", "jeugdwet", "54001", "2020-02-10", "2020-02-10"),
    _row("c2", "C", "jeugdwet", "45A48", "2020-02-10", None),
    _row("w1", "W", "wmo", "02A05", "2019-06-01", "2020-02-15"),
    *(_row(f"j{n}", f"J{n}", "jeugdwet", "45A48", "2019-03-01", "2020-12-31") for n in range(7)),
]


@pytest.fixture(scope="module")
def sample() -> RunResult:
    folder = Path(tempfile.mkdtemp(prefix="maatstaf-tabular-"))
    write_sample_csv(folder)
    return run_engine(
        load_data(str(folder), schema=standard_library().table_schema),
        "month",
        D(2021, 1, 1),
        D(2021, 3, 31),
    )


@pytest.fixture(scope="module")
def small() -> RunResult:
    """A run with suppressed figures (threshold 5), comparisons, a share and an amount."""
    data = loaded(toewijzingen=SMALL_ROWS)
    library = standard_library()
    request = RunRequest(
        periods=[parse_period(p) for p in ("2020-01", "2020-02", "2020-03")],
        selections=[Selection(m) for m in SMALL_MEASURES],
        compare=True,
    )
    result = run(library, data, request)
    return apply_suppression(result, Policy.parse("5"), library, data, request)  # type: ignore[arg-type]


# --- the JSON's figures, and each file's read back ------------------------------------------

Key = tuple[str, int, str, tuple[tuple[str, str], ...]]


def json_figures(result: RunResult) -> dict[Key, dict]:
    data = json.loads(JsonRenderer().render(result, standard_library()))
    found: dict[Key, dict] = {}
    for f in data["figures"]:
        key = (f["measure"], f["version"], f["period"], tuple(sorted(f["dimensions"].items())))
        assert key not in found
        target, comparison = f.get("target") or {}, f.get("comparison") or {}
        found[key] = {
            "value": f["value"],
            "suppressed": f.get("suppressed"),
            "target_operator": target.get("operator"),
            "target_value": target.get("value"),
            "target_warn": target.get("warn"),
            "target_met": target.get("met"),
            "target_status": target.get("status"),
            "previous_value": comparison.get("previous_value"),
            "year_earlier_value": comparison.get("year_earlier_value"),
        }
    return found


def json_labels(result: RunResult) -> dict[str, dict[str, str]]:
    return json.loads(JsonRenderer().render(result, standard_library())).get("dimension_labels", {})


def _dimension_names(header: list[str]) -> list[str]:
    return [c for c in header if c not in FIXED and not c.endswith("_label")]


def figures_of_rows(rows: list[dict], header: list[str]) -> dict[Key, dict]:
    """The figures in rows read back from a file (values already typed)."""
    found: dict[Key, dict] = {}
    for row in rows:
        dims = tuple(sorted((c, row[c]) for c in _dimension_names(header) if row[c] is not None))
        key = (row["measure"], int(row["version"]), row["period"], dims)
        assert key not in found, f"two rows for {key}"
        found[key] = {
            name: row.get(name)
            for name in (
                "value",
                "suppressed",
                "target_operator",
                "target_value",
                "target_warn",
                "target_met",
                "target_status",
                "previous_value",
                "year_earlier_value",
            )
        }
    return found


def _typed_csv_cell(name: str, text: str) -> object:
    if text == "":
        return None
    if name in ("value", "target_value", "target_warn", "previous_value", "year_earlier_value"):
        return float(text)
    if name == "target_met":
        return {"true": True, "false": False}[text]
    return text


def read_csv(text: str) -> tuple[list[dict], list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = list(reader.fieldnames or [])
    rows = [{k: _typed_csv_cell(k, v) for k, v in row.items()} for row in reader]
    return rows, header


def read_xlsx(data: bytes) -> tuple[list[dict], list[str], openpyxl.Workbook]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows: list[dict] = []
    header: set[str] = set()
    for sheet in book.worksheets:
        if sheet.title in ("definities", "herkomst"):
            continue
        values = list(sheet.iter_rows(values_only=True))
        names = list(values[0])
        header |= set(names)
        rows += [dict(zip(names, row, strict=True)) for row in values[1:]]
    every = sorted(header)
    return [{name: row.get(name) for name in every} for row in rows], every, book


def render(result: RunResult, fmt: str) -> str | bytes:
    return get_renderer(fmt).render(result, standard_library())


# --- exactly the JSON's figures ---------------------------------------------------------------


@pytest.mark.parametrize("which", [pytest.param("sample", marks=pytest.mark.slow), "small"])
def test_csv_parquet_and_xlsx_hold_exactly_the_json_figures(which: str, request) -> None:
    result: RunResult = request.getfixturevalue(which)
    expected = json_figures(result)
    assert expected, "the run has figures"
    csv_rows, csv_header = read_csv(render(result, "csv"))  # type: ignore[arg-type]
    parquet = pq.read_table(io.BytesIO(render(result, "parquet")))  # type: ignore[arg-type]
    xlsx_rows, xlsx_header, _ = read_xlsx(render(result, "xlsx"))  # type: ignore[arg-type]
    for rows, header, kind in (
        (csv_rows, csv_header, "csv"),
        (parquet.to_pylist(), parquet.column_names, "parquet"),
        (xlsx_rows, xlsx_header, "xlsx"),
    ):
        assert len(rows) == len(expected), kind
        assert figures_of_rows(rows, header) == expected, kind


def test_the_small_run_has_what_the_comparison_must_cover(small: RunResult) -> None:
    """The small run is chosen to exercise suppression, comparisons, dimensions, a share
    and an amount: a run without them would make the test above weaker than it reads."""
    figures = json_figures(small)
    assert any(f["suppressed"] for f in figures.values())
    assert any(f["previous_value"] is not None for f in figures.values())
    assert any(dims for (_, _, _, dims) in figures)
    units = {m.unit for m in small.provenance.measures}
    assert "euro" in units and "aandeel" in units


@pytest.mark.slow  # the whole library on the sample: in make test-all
def test_sample_has_targets_labels_and_notes(sample: RunResult) -> None:
    rows, header = read_csv(render(sample, "csv"))  # type: ignore[arg-type]
    assert any(r["target_met"] is True for r in rows)
    assert any(r["target_met"] is False for r in rows)
    labels = json_labels(sample)
    assert labels
    for dimension, codes in labels.items():
        column = dimension_column(dimension)
        assert f"{column}_label" in header
        for row in rows:
            if row[column] is not None:
                assert row[f"{column}_label"] == codes.get(row[column], row[column])
    noted = {n.measure for n in sample.notes}
    for row in rows:
        assert (row["notes"] is not None) == (row["measure"] in noted)


@pytest.mark.slow  # the whole library on the sample: in make test-all
def test_every_figure_row_has_the_period_bounds_and_the_definition_hash(sample: RunResult) -> None:
    table = pq.read_table(io.BytesIO(render(sample, "parquet")))  # type: ignore[arg-type]
    hashes = {(m.measure, m.version): m.hash for m in sample.provenance.measures}
    for row in table.to_pylist():
        year, month = (int(p) for p in row["period"].split("-"))
        assert row["period_start"] == D(year, month, 1)
        assert row["period_end"] == D(year, month, calendar.monthrange(year, month)[1])
        assert row["definition_hash"] == hashes[(row["measure"], row["version"])]
        assert row["grain"] == "month"
        key = ";".join(
            f"{c}={row[c]}" for c in sorted(_dimension_names(table.column_names)) if row[c]
        )
        assert row["dimension_key"] == key
    metadata = table.schema.metadata
    provenance = json.loads(metadata[b"maatstaf.provenance"])
    assert provenance["data_fingerprint"] == sample.provenance.data_fingerprint


def test_no_client_id_in_any_file(small: RunResult) -> None:
    clients = {r["client_id"] for r in SMALL_ROWS}
    text = render(small, "csv")
    cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}  # type: ignore[arg-type]
    _, _, book = read_xlsx(render(small, "xlsx"))  # type: ignore[arg-type]
    cells |= {c for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r}
    assert not cells & clients
    assert "client_id" not in cells


# --- the workbook for Excel users -------------------------------------------------------------


@pytest.mark.slow  # the whole library on the sample: in make test-all
def test_workbook_sheets_per_domain_definitions_and_provenance(sample: RunResult) -> None:
    _, _, book = read_xlsx(render(sample, "xlsx"))  # type: ignore[arg-type]
    assert book.sheetnames[-2:] == ["definities", "herkomst"]
    assert {"Wmo", "Jeugd", "Participatie", "Financiën"} <= set(book.sheetnames)
    jeugd = book["Jeugd"]
    measures = {row[0] for row in jeugd.iter_rows(min_row=2, values_only=True)}
    assert measures and all(m.startswith("jeugd.") for m in measures)
    header = [c.value for c in jeugd[1]]
    assert "hoofdcategorie" not in header, "a domain sheet has only its own dimensions"
    definitions = list(book["definities"].iter_rows(values_only=True))
    assert definitions[0][:9] == (
        "measure",
        "version",
        "label",
        "description",
        "unit",
        "owner",
        "source",
        "valid_from",
        "valid_until",
    )
    assert {(r[0], r[1]) for r in definitions[1:]} == {
        (m.measure, m.version) for m in sample.provenance.measures
    }
    assert all(r[3] and r[5] for r in definitions[1:]), "every definition has its description"
    about = {r[0]: r[1] for r in book["herkomst"].iter_rows(values_only=True) if r[0]}
    assert about["data_fingerprint"] == sample.provenance.data_fingerprint
    assert about["rejected_rows"] == sample.provenance.rejected_rows
    assert about["figures"] == len(sample.figures)


@pytest.mark.slow  # the whole library on the sample: in make test-all
def test_workbook_formats_numbers_dates_header_filter_and_widths(sample: RunResult) -> None:
    _, _, book = read_xlsx(render(sample, "xlsx"))  # type: ignore[arg-type]
    seen: set[str] = set()
    for sheet in book.worksheets[:-2]:
        header = [c.value for c in sheet[1]]
        assert sheet.freeze_panes == "A2"
        last = openpyxl.utils.get_column_letter(len(header))
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
        assert all(c.font.bold for c in sheet[1])
        assert sheet.column_dimensions["B"].width > 20, "the label column is fitted"
        unit_at, value_at = header.index("unit"), header.index("value")
        start_at = header.index("period_start")
        for row in sheet.iter_rows(min_row=2):
            unit, value, start = row[unit_at].value, row[value_at], row[start_at]
            assert isinstance(start.value, dt.datetime) and start.number_format == DATE
            if value.value is None:
                continue
            wanted = {"euro": EURO, "aandeel": SHARE}.get(unit)
            if wanted is None and float(value.value).is_integer():
                wanted = COUNT
            if wanted is not None:
                assert value.number_format == wanted, (sheet.title, unit, value.value)
                seen.add(wanted)
    assert seen == {EURO, SHARE, COUNT}


def test_a_binary_format_is_refused_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    with pytest.raises(UsageError, match=r"--format xlsx is a binary file: give --output"):
        check_format(get_renderer("xlsx"), None)
    check_format(get_renderer("csv"), None)  # text is fine on a terminal
    check_format(get_renderer("xlsx"), Path("cijfers.xlsx"))


# --- the command, and the golden CSV -----------------------------------------------------------


def test_run_writes_each_format_to_a_file(tmp_path: Path) -> None:
    from maatstaf.cli import app

    folder = tmp_path / "data"
    folder.mkdir()
    import pyarrow.csv as pa_csv

    pa_csv.write_csv(loaded(toewijzingen=SMALL_ROWS).tables["toewijzingen"], folder / "t.csv")
    (folder / "t.csv").rename(folder / "toewijzingen.csv")
    runner = CliRunner()
    common = ["run", "--data", str(folder), "--from", "2020-01", "--to", "2020-03"]
    for measure in SMALL_MEASURES[:2]:
        common += ["-m", measure]
    outputs = {}
    for fmt in ("json", "csv", "parquet", "xlsx"):
        out = tmp_path / f"cijfers.{fmt}"
        result = runner.invoke(app, [*common, "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0, result.output
        outputs[fmt] = out.read_bytes()
    figures = {
        (f["measure"], f["period"]): f["value"] for f in json.loads(outputs["json"])["figures"]
    }
    assert len(figures) == 6
    rows, _ = read_csv(outputs["csv"].decode())
    assert {(r["measure"], r["period"]): r["value"] for r in rows} == figures
    table = pq.read_table(io.BytesIO(outputs["parquet"])).to_pylist()
    assert {(r["measure"], r["period"]): r["value"] for r in table} == figures
    assert outputs["xlsx"][:2] == b"PK"


def test_golden_csv_of_a_small_run(small: RunResult) -> None:
    check_golden(render(small, "csv"), GOLDEN / "small.csv")  # type: ignore[arg-type]

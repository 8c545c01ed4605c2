"""The whole-process benchmark's second reference, ``benchmarks/handwritten_checked.py``:
on a file with every kind of broken row the benchmark's columns can hold, it rejects the
same rows for the same columns as maatstaf, and counts the same clients."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.csv
import pytest
from typer.testing import CliRunner

from benchmarks import whole_process as wp
from benchmarks.generate import indications
from maatstaf.cli import app

pytestmark = pytest.mark.slow  # a CLI run and a process each: the benchmarks' tier

HEADER = (
    "toewijzing_id,client_id,wet,productcode,omvang_volume,omvang_eenheid,"
    "omvang_frequentie,startdatum,einddatum"
)
# broken rows, each after the clean ones; (line, column) of what maatstaf rejects is the
# expectation both sides are held to, so each row says what it breaks
BROKEN = [
    "X1,,wmo,01A01,3.00,uur,week,2020-01-01,2020-12-31",  # client_id required
    "X2,C9,,01A01,3.00,uur,week,2020-01-01,",  # wet required
    "X3,C9,wlz,01A01,3.00,uur,week,2020-01-01,",  # unknown code
    "X4,C9,wmo,,3.00,uur,week,2020-01-01,",  # productcode required
    "X5,C9,wmo,01A01,1.234,uur,week,2020-01-01,",  # three decimals
    "X6,C9,wmo,01A01,12345678901234567.00,uur,week,2020-01-01,",  # 17 digits
    "X7,C9,wmo,01A01,drie,uur,week,2020-01-01,",  # no amount
    "X8,C9,wmo,01A01,3.00,uur,week,2021-02-30,",  # no such day
    "X9,C9,wmo,01A01,3.00,uur,week,2021/01/05,",  # another layout
    "X10,C9,wmo,01A01,3.00,uur,week,0000-01-01,",  # the year 0000
    "X11,C9,wmo,01A01,3.00,uur,week,,2021-01-01",  # startdatum required
    "X12,C9,wmo,01A01,3.00,uur,week,2021-03-01,2021-02-28",  # ends before it starts
    "X13,C9,wmo,01A01,3.00,uur,week,2021-03-01,morgen",  # einddatum no date
    "X14,C10,wmo,01A01,3.00,uur,week,05-01-2021,31-12-9999",  # DD-MM-YYYY, open end: kept
    "X15,C11,wmo,01A01,3.00,uur,week,2021-01-05,9999-12-31",  # open end: kept
    "X16,C12,wmo,01A01,-2.5,uur,week,2021-01-05,2021-01-05",  # one day: kept
    ",C9,wmo,01A01,3.00,uur,week,2020-01-01,",  # toewijzing_id required
    ",C9,wmo,01A01,3.00,uur,week,2020-01-01,",  # and an exact copy of the row above
    "X17,C13,wmo,01A01,3.00,uur,week,2020-01-01,",  # kept: its copy below is rejected
    "X17,C13,wmo,01A01,3.00,uur,week,2020-01-01,",  # exact copy
    "X18,C14,wmo,01A01,3.00,uur,week,2020-01-01,",  # duplicate key (both rows)
    "X18,C14,wmo,01A01,3.00,uur,week,2020-02-01,",
    "X18,C14,wmo,01A01,3.00,uur,week,2020-02-01,",  # and a copy of the row above
    ",,,,,,,,",  # no value at all: left out, not rejected
    "T3,C15,wmo,01A01,3.00,uur,week,2019-06-01,",  # shares a key with a clean row
]


def test_the_checked_script_rejects_and_counts_as_maatstaf(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    clean = tmp_path / "clean.csv"
    pyarrow.csv.write_csv(indications(400), clean)
    lines = clean.read_text("utf-8").splitlines()
    assert lines[0].replace('"', "") == HEADER
    (data / "toewijzingen.csv").write_text("\n".join([*lines, *BROKEN]) + "\n", "utf-8")

    engine, quarantine = tmp_path / "maatstaf.json", tmp_path / "quarantine.csv"
    arguments = ["run", "--data", str(data), "--measure", wp.MEASURE, "--from", wp.FIRST]
    arguments += ["--to", wp.LAST, "--grain", "month", "--format", "json"]
    arguments += ["--output", str(engine), "--quarantine", str(quarantine)]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    script, rejected = tmp_path / "script.json", tmp_path / "rejected.csv"
    command = [sys.executable, str(wp.CHECKED), str(data / "toewijzingen.csv"), str(script)]
    subprocess.run([*command, wp.FIRST, wp.LAST, str(rejected)], check=True, timeout=120)

    figures = {
        f["period"]: f["value"]
        for f in json.loads(engine.read_text("utf-8"))["figures"]
        if not f["dimensions"]
    }
    assert json.loads(script.read_text("utf-8")) == figures
    with quarantine.open(encoding="utf-8") as file:
        found = {(int(r["row"]), r["column"]) for r in csv.DictReader(file)}
    with rejected.open(encoding="utf-8") as file:
        written = {(int(r["line"]), r["column"]) for r in csv.DictReader(file)}
    first = len(lines) + 1  # the line of BROKEN[0]
    assert (first, "client_id") in found and (first + 12, "einddatum") in found
    # of the broken rows four are kept and the empty one left out; a clean row shares T3
    assert len({line for line, _ in found}) == len(BROKEN) - 5 + 1
    assert written == found


@pytest.mark.parametrize("column", ["gemeente", "reden_wijziging"])
def test_the_checked_script_refuses_a_column_it_does_not_check(tmp_path: Path, column) -> None:
    path = tmp_path / "toewijzingen.csv"
    path.write_text(f"{HEADER},{column}\nT1,C1,wmo,01A01,3.00,uur,week,2020-01-01,,x\n")
    command = [sys.executable, str(wp.CHECKED), str(path), str(tmp_path / "f.json")]
    done = subprocess.run([*command, wp.FIRST, wp.LAST], capture_output=True, text=True)
    assert done.returncode == 1
    assert f"columns this script does not check: {column}" in done.stderr

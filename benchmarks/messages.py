"""Benchmark of the iJw/iWmo message adapter: N synthetic 3.2 messages (301 versions,
305, 307 and 323, both laws, several municipalities and providers) written into a zip,
then read and folded; wall time and peak memory (RSS) to benchmarks/results/messages.md.

    python -m benchmarks.messages --count 1000000
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import zipfile
from pathlib import Path

from tests.test_istandaarden_fold import (
    client301,
    client_levering,
    declaratie,
    message,
    prestatie,
    product301,
    start,
    stop,
)

RESULTS = Path(__file__).parent / "results" / "messages.md"
GEMEENTEN = ("0384", "0363", "0344")
AANBIEDERS = ("42420001", "42420002", "65656055")
BSNS = ("999900006", "999900018", "999900031", "999900043")
JW, WMO = ("45A48", "45A53", "43A01"), ("01A01", "02A05", "07A02")


def generate(archive: Path, count: int) -> None:
    """``count`` messages: per toewijzing a 301, a later 301 version, a 305, a 307, a 323."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for i in range(count):
            nummer, kind = i // 5 + 1, i % 5
            law = "jw" if nummer % 2 else "wmo"
            code = (JW if law == "jw" else WMO)[nummer % 3]
            gemeente, agb = GEMEENTEN[nummer % 3], AANBIEDERS[nummer % 3 if law == "jw" else 0]
            bsn = BSNS[nummer % len(BSNS)]  # one client per toewijzing
            month = 1 + nummer % 12
            ingang = f"2025-{month:02d}-01"
            if kind < 2:  # an allocation, then an extension with the same number
                eind = "2025-12-31" if kind == 0 else "2026-06-30"
                body = client301(
                    product301(nummer, f"2025-{month:02d}-0{kind + 1}", "10:00:00", ingang, eind,
                               reden="04" if kind else None, code=code), bsn)  # fmt: skip
                number = "301"
            elif kind == 2:
                body, number = (
                    client_levering("Start", start(nummer, ingang, code=code), bsn),
                    "305",
                )
            elif kind == 3:
                reden = "31" if law == "jw" else "19"
                body = client_levering(
                    "Stop", stop(nummer, ingang, reden, "2026-01-31", code=code), bsn
                )
                number = "307"
            else:
                p = prestatie(f"R{nummer}", nummer, 5000, begin=ingang, eind=f"2025-{month:02d}-28")
                body, number = (
                    declaratie(p.replace("45A48", code).replace(">45<", f">{code[:2]}<"), bsn=bsn),
                    "323",
                )
            text = message(law, number, body, ident=f"M{i}", day=ingang, gemeente=gemeente, agb=agb)
            z.writestr(f"berichten/{i:08d}.xml", text)


def run(count: int) -> str:
    os.environ.setdefault("MAATSTAF_PSEUDONYM_KEY", "benchmark-key-0123456789")
    from maatstaf.adapters.istandaarden.adapter import MessageAdapter
    from maatstaf.dsl.load import load_library

    schema = load_library().table_schema
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "berichten.zip"
        began = time.perf_counter()
        generate(archive, count)
        generated = time.perf_counter() - began
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        began = time.perf_counter()
        loaded = MessageAdapter(schema).load(str(archive))
        elapsed = time.perf_counter() - began
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rows = {n: loaded.tables.rows.get(n) for n in ("toewijzingen", "leveringen", "declaraties")}  # type: ignore[attr-defined]
        size = archive.stat().st_size
    return (
        f"| {count:,} | {size / 2**20:.1f} MB | {generated:.1f} s | {elapsed:.1f} s | "
        f"{count / elapsed:,.0f} | {peak / 1024:.0f} MB (before the load: {before / 1024:.0f} MB) | "
        f"{rows['toewijzingen']:,} / {rows['leveringen']:,} / {rows['declaraties']:,} | "
        f"{loaded.rejected_row_count} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    line = run(args.count)
    header = (
        "# iJw/iWmo message adapter\n\n`python -m benchmarks.messages --count N`: N synthetic "
        "3.2 messages in one zip (per toewijzing a 301, a later 301 version, a 305, a 307 and "
        "a 323), read straight from the zip and folded.\n\n"
        "| messages | zip | generate | read + fold + validate | messages/s | peak RSS | "
        "toewijzingen / leveringen / declaraties | rejected |\n|---|---|---|---|---|---|---|---|\n"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = RESULTS.read_text("utf-8") if RESULTS.is_file() else header
    RESULTS.write_text(previous + line + "\n", "utf-8")
    print(line)


if __name__ == "__main__":
    main()

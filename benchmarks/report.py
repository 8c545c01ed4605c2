"""The results of one ``python -m benchmarks`` run as ``benchmarks/results/<name>.json``
and a Markdown page beside it: start-up, the whole process, and in process per size."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.whole_process import FIRST, LAST

RESULTS = Path(__file__).parent / "results"


def write(document: dict, name: str) -> list[Path]:
    from maatstaf.renderers.atomic import write_text

    paths = [RESULTS / f"{name}.json", RESULTS / f"{name}.md"]
    write_text(paths[0], json.dumps(document, indent=2) + "\n")
    write_text(paths[1], markdown(document) + "\n")
    return paths


def _runs(timing: dict) -> str:
    return ", ".join(f"{s:.2f}" for s in timing["runs"])


def _met(ratio: float | None, goal: float) -> str:
    return "" if ratio is None else ("yes" if ratio <= goal else "**no**")


def markdown(document: dict) -> str:
    load = ", ".join(f"{x:.1f}" for x in document["load_average"])
    lines = [
        f"# Benchmark results ({document['measured_at']}, {document['cpus']} cores, "
        f"load average at the start {load})",
        "",
        f"Python {document['python']}{_versions(document)}; {document['repeat']} runs of "
        "every whole process, the best counted; CPU = the least user + system time of its "
        "runs; peak = the highest resident memory of its runs.",
    ]
    if "startup" in document:
        lines += _startup(document["startup"])
    if document.get("whole_process"):
        lines += _whole_process(document["whole_process"])
    for size in document.get("sizes", []):
        lines += _in_process(size)
    return "\n".join(lines)


def _versions(document: dict) -> str:
    """`` (duckdb 2.0.1, ...)``: the libraries measured with, where the document names them."""
    found = document.get("versions")
    if not found:
        return ""
    return " (" + ", ".join(f"{name} {version}" for name, version in found.items()) + ")"


def _startup(startup: dict) -> list[str]:
    reference = startup["reference"]
    lines = ["", "## Start-up", "", f"Whole processes against `{reference}`.", ""]
    lines += ["| command | best s | runs s | CPU s | peak MiB | ratio | goal | met |"]
    lines += ["|---|---:|---|---:|---:|---:|---:|---|"]
    for name, t in startup["commands"].items():
        ratio = startup["ratios"].get(name)
        goal = startup["goals"].get(name)
        lines.append(
            f"| `{name}` | {t['seconds']:.2f} | {_runs(t)} | {t['cpu_seconds']:.2f} | "
            f"{t['peak_mib']:.0f} | {'' if ratio is None else ratio} | "
            f"{'' if goal is None else goal} | {'' if goal is None else _met(ratio, goal)} |"
        )
    return lines


def _whole_process(sizes: list[dict]) -> list[str]:
    first = sizes[0]
    lines = [
        "",
        f"## The whole process: `{first['measure']}` per month, CSV in, JSON out",
        "",
        f"`maatstaf run --data DIR --measure {first['measure']} --from {FIRST} --to {LAST}",
        "--grain month --format json --output FILE` against `benchmarks/handwritten.py` (pandas + numpy: read_csv, factorize, lexsort,",
        "merged intervals, a difference array) on the same CSV, each a separate process;",
        "both outputs compared month by month after every run. ratio = maatstaf / script",
        "(best runs). The runs are in order: maatstaf's first starts from an empty cache",
        "folder (it parses the library and compiles the plan, and keeps both); the later runs",
        "read them, as a user's second run does.",
        "",
        "| indications | CSV MiB | maatstaf s | runs s | CPU s | peak MiB | script s | runs s "
        "| CPU s | peak MiB | ratio | goal | met | months equal |",
        "|---:|---:|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---|---:|",
    ]
    for size in sizes:
        m, s = size["maatstaf"], size["script"]
        lines.append(
            f"| {size['rows']:,} | {size['csv_mib']:.0f} | {m['seconds']:.2f} | {_runs(m)} | "
            f"{m['cpu_seconds']:.2f} | {m['peak_mib']:.0f} | {s['seconds']:.2f} | {_runs(s)} | "
            f"{s['cpu_seconds']:.2f} | {s['peak_mib']:.0f} | "
            f"{size['ratio']} | {size['goal']} | {_met(size['ratio'], size['goal'])} | "
            f"{size['months_compared']} |"
        )
    checked = [size for size in sizes if "checked" in size]
    if checked:
        lines += [
            "",
            "For comparison, without a goal: `benchmarks/handwritten_checked.py`, the same",
            "count after checking every row as maatstaf checks it (required cells, codes,",
            "amounts, dates that exist, an end before its start, copies and duplicate keys;",
            "Arrow's reader, pyarrow.compute and numpy), the job maatstaf does. Its figures",
            "are compared after every run as well; a test holds its rejected rows equal to",
            "maatstaf's on a file with every kind of broken row.",
            "",
            "| indications | checking script s | runs s | CPU s | peak MiB | maatstaf / checking script |",
            "|---:|---:|---|---:|---:|---:|",
        ]
        for size in checked:
            c = size["checked"]
            lines.append(
                f"| {size['rows']:,} | {c['seconds']:.2f} | {_runs(c)} | {c['cpu_seconds']:.2f} "
                f"| {c['peak_mib']:.0f} | {size['checked_ratio']} |"
            )
    floors = [size for size in sizes if "after_imports" in size]
    if floors:
        lines += [
            "",
            "For comparison, without a goal: the same `maatstaf run` with some of its imports",
            "done before its clock starts (`benchmarks/after_imports.py`; the seconds before",
            "the clock are taken off its wall and CPU time): how long the run would take if",
            "importing Ibis and pandas (what a run path without them would leave out), or",
            "every module the run imports, cost nothing. A floor, not a run a user can make;",
            "its figures are compared after every run as well.",
            "",
            "| indications | imports off the clock | s | runs s | CPU s | / script |",
            "|---:|---|---:|---|---:|---:|",
        ]
        for size in floors:
            for group, floor in size["after_imports"].items():
                lines.append(
                    f"| {size['rows']:,} | {FLOOR_GROUPS.get(group, group)} | "
                    f"{floor['seconds']:.2f} | {_runs(floor)} | {floor['cpu_seconds']:.2f} | "
                    f"{floor['ratio']} |"
                )
    with_library = [size for size in sizes if "library" in size]
    if with_library:
        lines += [
            "",
            "The whole standard library on the same CSV (`maatstaf run --data DIR --from "
            f"{FIRST} --to {LAST} --grain month`, every measure the data allows): its first",
            "run compiles its plans, the second runs the plans the first kept:",
            "",
            "| indications | s | CPU s | peak MiB | plans kept: s | CPU s | peak MiB | goal | met |",
            "|---:|---:|---:|---:|---:|---:|---:|---|---|",
        ]
        for size in with_library:
            lib = size["library"]
            kept = lib.get("kept")
            peak = max(lib["peak_mib"], kept["peak_mib"] if kept else 0)
            met = "yes" if peak <= lib["goal_mib"] else "**no**"
            second = (
                f"{kept['seconds']:.2f} | {kept['cpu_seconds']:.2f} | {kept['peak_mib']:.0f}"
                if kept
                else " |  | "
            )
            lines.append(
                f"| {size['rows']:,} | {lib['seconds']:.2f} | {lib['cpu_seconds']:.2f} | "
                f"{lib['peak_mib']:.0f} | {second} | under {lib['goal_mib'] / 1024:.0f} GiB "
                f"| {met} |"
            )
    return lines


FLOOR_GROUPS = {"ibis-pandas": "Ibis and pandas", "all": "every module the run imports"}


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _in_process(size: dict) -> list[str]:
    lines = [
        "",
        f"## In process, {size['rows']:,} indications",
        "",
        "Months 2015-01 .. 2025-12 (132). Each approach runs in a fresh process on the same",
        "synthetic indications; its timer starts with the table in memory. maatstaf runs its",
        "whole standard library (every measure on `toewijzingen`) in one run; its time for a",
        "benchmark is that measure's evaluation in the run. maatstaf runs from an empty cache",
        "folder: its first run compiles every plan and keeps it ('compiled'), the runs after",
        "it run the kept plans (what every later run on the same definitions costs). Each",
        f"approach but the naive one runs {_times(size.get('repeat', 1))} in its process; its",
        "best time counts (per measure, for maatstaf). 'ratio' is maatstaf's time over the",
        "fastest hand-written (non-naive) baseline; 'naive / maatstaf' how many times faster",
        "maatstaf is than the naive pandas version. 'equal':",
        "the baseline's figures equal maatstaf's for every month (and band).",
        "",
    ]
    engine = size.get("maatstaf")
    if engine:
        lines += [
            f"maatstaf, whole library ({engine['measures']} measures, load included): "
            f"**{engine['total_seconds']:.2f} s**"
            + (
                f" ({engine['compiled_total_seconds']:.2f} s compiling its plans)"
                if engine.get("compiled_total_seconds")
                else ""
            )
            + f", peak {engine['peak_mib']:.0f} MiB"
            + _memory_goal(engine),
            "",
        ]
    lines += _baselines_table(size) + _ratios_table(size)
    if engine:
        lines += ["", "<details><summary>maatstaf per measure (seconds)</summary>", ""]
        lines += ["| measure | seconds |", "|---|---:|"]
        lines += [f"| {m} | {s:.3f} |" for m, s in engine["per_measure"].items()]
        lines += ["", "</details>"]
    return lines


def _memory_goal(engine: dict) -> str:
    goal = engine.get("memory_goal_mib")
    if goal is None:
        return "."
    met = "met" if engine["peak_mib"] <= goal else "**not met**"
    return f" (goal: under {goal / 1024:.0f} GiB, {met})."


def _baselines_table(size: dict) -> list[str]:
    lines = [
        "| benchmark | maatstaf s | approach | s | peak MiB | equal |",
        "|---|---:|---|---:|---:|---|",
    ]
    for entry in size["benchmarks"]:
        mine = entry.get("maatstaf_seconds")
        for approach, b in entry["baselines"].items():
            lines.append(
                f"| {entry['benchmark']} (`{entry['measure']}`) | "
                f"{_seconds(mine)} | {approach} | {b['seconds']:.3f} | "
                f"{b['peak_mib']:.0f} | {b['equal_to_maatstaf']} |"
            )
    return lines


def _ratios_table(size: dict) -> list[str]:
    goal = size["goal"]
    lines = [
        "",
        f"| benchmark | interval | maatstaf s | fastest hand-written | ratio | goal {goal} met "
        "| compiled s | compiled ratio | naive / maatstaf |",
        "|---|---|---:|---|---:|---|---:|---:|---:|",
    ]
    for entry in size["benchmarks"]:
        if "maatstaf_seconds" not in entry:
            continue
        ratio = entry.get("ratio_to_fastest")
        lines.append(
            f"| {entry['benchmark']} | {'yes' if entry['interval'] else 'no'} | "
            f"{entry['maatstaf_seconds']:.3f} | {entry.get('fastest_hand_written', '')} | "
            f"{'' if ratio is None else ratio} | {_met(ratio, goal)} | "
            f"{_seconds(entry.get('maatstaf_compiled_seconds'))} | "
            f"{entry.get('compiled_ratio_to_fastest', '')} | "
            f"{entry.get('naive_over_maatstaf', '')} |"
        )
    return lines


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"

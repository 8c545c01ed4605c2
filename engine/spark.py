"""Run on Spark: the validated tables go to a Spark session (through Parquet, which keeps
dates and decimals exact) and every measure is computed there by the same Ibis plans.

``maatstaf run --engine spark`` starts a local session; ``--engine spark://host:7077`` (or
any master URL Spark accepts: ``yarn``, ``k8s://...``) points at a cluster.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from maatstaf.adapters.base import LoadedData


def spark_session(master: str = "local[*]"):
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("maatstaf")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )


def on_spark(data: LoadedData, session, workdir: Path | None = None) -> LoadedData:
    """The same validated tables, now as Spark tables behind an Ibis backend."""
    import ibis
    import pyarrow.parquet as pq

    if data.backend is not None:
        raise ValueError("the data already lives in a database; compute it there")
    con = ibis.pyspark.connect(session)
    if workdir is None:
        folder = Path(tempfile.mkdtemp(prefix="maatstaf-spark-"))
        # Spark reads these copies of the validated rows (client ids among them) while the
        # run computes; they go when the process ends, not left in the temporary folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    else:
        folder = Path(workdir)
    relations = {}
    for name, arrow in data.tables.items():
        path = folder / f"{name}.parquet"
        pq.write_table(arrow, path)
        session.read.parquet(str(path)).createOrReplaceTempView(f"maatstaf_{name}")
        relations[name] = con.table(f"maatstaf_{name}")
    return LoadedData(
        tables={},
        rejected=data.rejected,
        quarantine=data.quarantine,
        rejection_counts=data.rejection_counts,
        rejected_row_count=data.rejected_row_count,
        stats=data.stats,
        fingerprint=data.fingerprint,
        errors=data.errors,
        backend=con,
        relations=relations,
    )

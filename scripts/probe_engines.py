"""Which cluster-engine jars resolve from Maven Central for this pyspark, how long Spark's own
resolver (spark.jars.packages, Ivy) takes for each, and a one-line smoke result.

    python scripts/probe_engines.py [--out docs/measurements/engines-probe.json]

Each coordinate gets a fresh Ivy cache (so the time is a cold resolution) and a fresh local[1]
session in a child process; nothing is kept. Results are what docs/measurements/engines.md
records.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COORDINATES = {
    "delta": "io.delta:delta-spark_4.2_2.13:4.4.0",
    "delta-4.4.1 (pip_utils' name for delta-spark 4.4.1)": "io.delta:delta-spark_4.2_2.13:4.4.1",
    "graphframes": "io.graphframes:graphframes-spark4_2.13:0.12.3",
    "spark-nlp": "com.johnsnowlabs.nlp:spark-nlp_2.13:7.0.0",
    "kafka": "org.apache.spark:spark-sql-kafka-0-10_2.13:4.2.0",
}

SMOKE = r'''
import json, sys, tempfile, time
from pyspark.sql import SparkSession
coordinate, ivy, kind = sys.argv[1], sys.argv[2], sys.argv[3]
started = time.monotonic()
builder = (SparkSession.builder.master("local[1]").config("spark.jars.packages", coordinate)
           .config("spark.jars.ivy", ivy).config("spark.ui.enabled", "false")
           .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1"))
if kind == "delta":
    builder = (builder.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
               .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog"))
try:
    spark = builder.getOrCreate()
except Exception as exc:
    print(json.dumps({"started": False, "seconds": round(time.monotonic() - started, 1),
                      "error": str(exc).strip().splitlines()[-1][:300]}))
    sys.exit(0)
resolved = round(time.monotonic() - started, 1)
result = {"started": True, "seconds": resolved}
try:
    if kind == "delta":
        path = tempfile.mkdtemp() + "/t"
        spark.range(3).write.format("delta").save(path)
        from delta.tables import DeltaTable
        DeltaTable.forPath(spark, path).alias("t").merge(spark.range(2, 5).alias("s"), "t.id = s.id") \
            .whenNotMatchedInsertAll().execute()
        result["smoke"] = f"write + MERGE ok: {spark.read.format('delta').load(path).count()} rows (expected 5)"
    elif kind == "kafka":
        spark._jvm.java.lang.Class.forName("org.apache.spark.sql.kafka010.KafkaSourceProvider")
        result["smoke"] = "KafkaSourceProvider loads"
    elif kind == "graphframes":
        from graphframes import GraphFrame
        v = spark.createDataFrame([("a",), ("b",)], ["id"]); e = spark.createDataFrame([("a", "b")], ["src", "dst"])
        result["smoke"] = f"connectedComponents: {GraphFrame(v, e).connectedComponents().count()} vertices"
    elif kind == "spark-nlp":
        from sparknlp.base import DocumentAssembler
        DocumentAssembler()
        result["smoke"] = "DocumentAssembler constructs"
except Exception as exc:
    result["smoke"] = "FAILED: " + str(exc).strip().splitlines()[-1][:300]
print(json.dumps(result))
spark.stop()
'''


def probe(kind: str, coordinate: str) -> dict:
    with tempfile.TemporaryDirectory() as ivy:
        env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", SMOKE, coordinate, ivy, kind.split(" ")[0]],
                              capture_output=True, text=True, env=env, timeout=600)
        lines = [l for l in done.stdout.splitlines() if l.startswith("{")]
        result = json.loads(lines[-1]) if lines else {"started": False, "error": done.stderr.strip().splitlines()[-1:]}
        if not result.get("started"):
            missing = [l.strip() for l in done.stderr.splitlines() if "not found" in l or "UNRESOLVED" in l]
            result["unresolved"] = missing[:4]
        result["wall_seconds"] = round(time.monotonic() - started, 1)
        return {"engine": kind, "coordinate": coordinate, **result}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    import pyspark

    results = [probe(kind, coordinate) for kind, coordinate in COORDINATES.items()]
    for r in results:
        state = "resolved + started" if r.get("started") else "NOT resolved"
        detail = r.get("smoke") or (r.get("unresolved") or [r.get("error")])[0]
        print(f"{r['coordinate']:<52} {state:<20} {r.get('seconds', '?'):>6} s  {detail}")
    if args.out:
        args.out.write_text(json.dumps({"pyspark": pyspark.__version__, "results": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""spark-submit entry point: ingest, silver and gold in one application (one driver, one set
of executors). The per-stage jobs (bronze_ingest.py, silver.py, gold.py) stay for schedulers
that run the stages separately.

    spark-submit --jars $(python -m socialake.jars classpath delta) jobs/pipeline.py --env cluster --input s3a://...
"""
import sys

from socialake.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", *sys.argv[1:]]))

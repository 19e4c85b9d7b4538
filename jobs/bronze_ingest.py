"""spark-submit entry point: land platform files in bronze.

    spark-submit jobs/bronze_ingest.py --env cluster --input s3a://bucket/landing/
"""
import sys

from socialake.cli import main

if __name__ == "__main__":
    sys.exit(main(["ingest", *sys.argv[1:]]))

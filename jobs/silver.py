"""spark-submit entry point: the silver stage.

    spark-submit --jars $(python -m socialake.jars classpath delta) jobs/silver.py --env cluster
"""
import sys

from socialake.cli import main

if __name__ == "__main__":
    sys.exit(main(["silver", *sys.argv[1:]]))

"""spark-submit entry point: the gold stage.

    spark-submit --jars $(python -m socialake.jars classpath delta) jobs/gold.py --env cluster
"""
import sys

from socialake.cli import main

if __name__ == "__main__":
    sys.exit(main(["gold", *sys.argv[1:]]))

"""spark-submit entry point: table maintenance (history | vacuum | optimize).

    spark-submit jobs/lake_maintenance.py vacuum bronze.posts --env cluster --retention-hours 168
"""
import sys

from socialake.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

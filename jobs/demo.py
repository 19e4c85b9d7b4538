"""spark-submit entry point: generate sample data and run the pipeline end to end."""
import sys

from socialake.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", *sys.argv[1:]]))

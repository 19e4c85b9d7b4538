"""Constants both engines and the executors' data source share (no Spark imports here, so the
Python workers can load it cheaply)."""

NEW_TABLE = -1  # read_version meaning "the commit must create the table"
CONCURRENT_MARKER = "socialake-concurrent-write"  # in the message of a refused conditional commit
CHECK_MARKER = "socialake-commit-check"           # in the message of a failed pre-commit row check
CDF_PROPERTY = "delta.enableChangeDataFeed"       # every table is created with the change feed on
CHANGE_COLUMNS = ("_change_type", "_commit_version", "_commit_timestamp")

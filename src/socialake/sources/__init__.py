"""Platform parsers and the file reader that turns raw API dumps into bronze rows.

Entry point: `socialake.sources.reader.read_records`. Pure Python, no Spark at run time.
"""

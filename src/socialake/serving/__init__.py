"""Serving gold to BI users: the SQL endpoint (sql); a Spark-free snapshot, HTML report and dashboard."""

"""The contract between the file readers/parsers (plain Python, run on executors) and bronze.

A parser turns one decoded JSON value (or CSV row) into canonical records. The reader
(`socialake.sources.reader.read_records`) owns everything around it: decompression, splitting
a file into documents or lines, UTF-8 and JSON decoding, format detection, payload hashing and
the provenance columns. It yields `(KIND_POST, row)` or `(KIND_QUARANTINE, row)` pairs whose
dict keys are exactly the fields of `BRONZE_POSTS_SCHEMA` / `BRONZE_QUARANTINE_SCHEMA`, so a
list of rows converts to Arrow with `pa.RecordBatch.from_pylist(rows, schema=...)`.

Nothing here imports Spark at run time: executors import this module in every Python worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

KIND_POST = "post"
KIND_QUARANTINE = "quarantine"


@dataclass(frozen=True)
class ReadContext:
    """What the reader needs to know about one ingest run (same for every file in it)."""

    source_name: str
    run_id: str
    ingested_at: datetime  # timezone-aware UTC
    collected_at: datetime | None = None  # None: the file's modification time is used
    forced_format: str | None = None  # one of schemas.SOURCE_FORMATS; None: detect per document
    # generic CSV/JSONL: canonical field name -> column/key name in the input
    column_mapping: Mapping[str, str] = field(default_factory=dict)
    csv_delimiter: str = ","
    # generic CSV/JSONL: strptime format of created_at, or None for ISO-8601 / epoch seconds
    timestamp_format: str | None = None


class RecordError(ValueError):
    """A record that cannot become a bronze row. The reader sends it to quarantine.

    `reason_code` is one of schemas.REASON_CODES; the message is the human-readable reason.
    """

    def __init__(self, reason_code: str, message: str) -> None:
        super().__init__(message)
        self.reason_code = reason_code


@dataclass(frozen=True)
class ParsedRecord:
    """One canonical record from a parser: `fields` holds schemas.PARSED_FIELDS keys
    (missing keys mean null), `raw` is the JSON value it was parsed from (re-serialised
    canonically by the reader to make raw_payload and its sha256), `location` says where in
    the document it came from ("$.data[3]")."""

    platform: str
    source_format: str
    api_version: str | None
    fields: Mapping[str, Any]
    raw: Any
    location: str


@dataclass(frozen=True)
class RejectedRecord:
    """A part of a document that cannot become a bronze row; the reader sends it to quarantine.

    Parsers yield these (rather than raising `RecordError`) for one bad element of a document
    that also holds good ones, so that one bad tweet does not cost its 99 neighbours.
    `reason_code` is one of schemas.REASON_CODES. `raw` is the JSON value it came from: when
    `location` is "$" (the whole document or line) the reader stores the exact input bytes,
    otherwise the canonical JSON of `raw`. `platform` / `source_format` may be None when the
    document was not recognised.
    """

    reason_code: str
    reason: str
    raw: Any
    location: str
    platform: str | None = None
    source_format: str | None = None

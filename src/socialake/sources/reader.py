"""Read one raw file into bronze rows: (KIND_POST, row) and (KIND_QUARANTINE, row) pairs.

The reader owns everything around the parsers: decompression (gzip), splitting the
file (one JSON document, NDJSON lines streamed, CSV rows), UTF-8 and JSON decoding, format
detection per document or line, payload canonicalisation and hashing, and the provenance
columns. It never raises for bad data and drops nothing: every line, element or row either
becomes a bronze post row or a quarantine row with its reason and raw bytes. Empty files and
empty API pages hold no records and yield nothing.

source_offset says where a row came from: "line 12" (or "line 12 $.data[3]" for a record
inside an NDJSON line), "row 7" (CSV data row), "$.data[3]" inside a JSON document, and
"document" for the whole of one.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, Iterator, Mapping

from socialake.schemas import (
    API_VERSION,
    BRONZE_POSTS_SCHEMA,
    BRONZE_QUARANTINE_SCHEMA,
    COLLECTED_AT,
    FORMAT_CSV,
    FORMAT_JETSTREAM,
    FORMAT_JSONL,
    FORMAT_MASTODON,
    FORMAT_PUSHSHIFT,
    FORMAT_REDDIT_API,
    FORMAT_X_V1,
    FORMAT_X_V2,
    INGESTED_AT,
    PARSED_FIELDS,
    PAYLOAD_SHA256,
    PLATFORM,
    QUARANTINE_ID,
    RAW_BYTES,
    RAW_PAYLOAD,
    RAW_PREVIEW,
    REASON,
    REASON_API_ERROR,
    REASON_BAD_CSV,
    REASON_BAD_JSON,
    REASON_BAD_UTF8,
    REASON_BAD_VALUE,
    REASON_READ_ERROR,
    REASON_UNKNOWN_FORMAT,
    REASON_CODE,
    RUN_ID,
    SOURCE_FILE,
    SOURCE_FORMAT,
    SOURCE_FORMATS,
    SOURCE_NAME,
    SOURCE_OFFSET,
)
from socialake.sources import bluesky, generic, mastodon, reddit, x_v1, x_v2
from socialake.sources.base import (
    KIND_POST,
    KIND_QUARANTINE,
    ParsedRecord,
    ReadContext,
    RejectedRecord,
)
from socialake.sources.common import (
    FORMAT_PLATFORM,
    STRUCTURE_ERRORS,
    Item,
    Parser,
    canonical_json,
    to_utc,
)
from socialake.sources.detect import detect_format, is_error_body

POST_COLUMNS = tuple(field.name for field in BRONZE_POSTS_SCHEMA.fields)
QUARANTINE_COLUMNS = tuple(field.name for field in BRONZE_QUARANTINE_SCHEMA.fields)
PARSED_COLUMNS = tuple(field.name for field in PARSED_FIELDS.fields)
_MAPPABLE_FIELDS = frozenset(PARSED_COLUMNS) | {PLATFORM}

Row = dict[str, Any]
Output = tuple[str, Row]

_CHUNK_BYTES = 1 << 20
_BOM = b"\xef\xbb\xbf"
_GZIP_MAGIC = b"\x1f\x8b"
_PREVIEW_CHARS = 2000
_LINE_SUFFIXES = (".ndjson", ".jsonl")
_CSV_ORIGIN = (FORMAT_PLATFORM[FORMAT_CSV], FORMAT_CSV)  # platform, format of CSV quarantine
# What a failing decompressor or file system raises mid-read (gzip: BadGzipFile is an OSError).
_READ_ERRORS = (OSError, EOFError, zlib.error)
_PARSERS: Mapping[str, Parser] = {
    FORMAT_X_V2: x_v2.parse,
    FORMAT_X_V1: x_v1.parse,
    FORMAT_REDDIT_API: reddit.parse_api,
    FORMAT_PUSHSHIFT: reddit.parse_pushshift,
    FORMAT_MASTODON: mastodon.parse,
    FORMAT_JETSTREAM: bluesky.parse,
    FORMAT_JSONL: generic.parse,
}


def read_records(
    stream: BinaryIO,
    ctx: ReadContext,
    *,
    source_file: str,
    file_mtime: datetime | None,
) -> Iterator[Output]:
    """Yield (KIND_POST, bronze.posts row) / (KIND_QUARANTINE, bronze.quarantine row) pairs.

    Rows have exactly the keys of BRONZE_POSTS_SCHEMA / BRONZE_QUARANTINE_SCHEMA (absent
    values are None; timestamps are aware UTC). Gzip content is decompressed (recognised by
    its magic bytes). The layout is chosen by name, a ".gz" suffix ignored: ".csv" rows,
    ".ndjson"/".jsonl" lines, anything else one JSON document (read as NDJSON when it holds
    one JSON value per line). ctx.forced_format
    overrides detection (FORMAT_CSV also forces CSV reading). Raises ValueError only for a
    bad ReadContext (a configuration error, not bad data), at call time.
    """
    check_context(ctx)
    return _read_file(stream, _FileContext.build(ctx, source_file, file_mtime))


def _read_file(stream: BinaryIO, file_ctx: _FileContext) -> Iterator[Output]:
    """Decompress when the bytes are gzip, pick the mode from the name, read the file.

    Gzip is recognised by its magic bytes, not only by the ".gz" name: file systems such as
    pyarrow's open_input_stream already decompress "x.json.gz" by extension, and a mislabelled
    file is still read.
    """
    ctx = file_ctx.ctx
    name = file_ctx.source_file.lower()
    name = name[:-3] if name.endswith(".gz") else name
    try:
        head = stream.read(len(_GZIP_MAGIC))
    except _READ_ERRORS as exc:
        yield _read_error(file_ctx, b"", "line 1", exc)
        return
    stream = _ReplayedStream(head, stream)
    if head == _GZIP_MAGIC:
        stream = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
    if ctx.forced_format == FORMAT_CSV or (ctx.forced_format is None and name.endswith(".csv")):
        yield from _read_csv(stream, file_ctx)
    elif name.endswith(_LINE_SUFFIXES):
        yield from _read_lines(stream, file_ctx)
    else:
        yield from _read_document(stream, file_ctx)


class _ReplayedStream:
    """A read-only binary stream that first gives back bytes already read from `stream`."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (all when negative): the replayed head first."""
        if not self._head:
            return self._stream.read(size)
        if size is None or size < 0:
            data, self._head = self._head + self._stream.read(), b""
            return data
        data, self._head = self._head[:size], self._head[size:]
        return data

    def read1(self, size: int = -1) -> bytes:
        """Like read, but one underlying read at most (what BufferedIOBase.read1 promises)."""
        if self._head:
            return self.read(size)
        return getattr(self._stream, "read1", self._stream.read)(size)


def check_context(ctx: ReadContext) -> None:
    """Raise ValueError, naming the fix, for a forced_format / column_mapping / delimiter
    that cannot work."""
    if ctx.forced_format is not None and ctx.forced_format not in SOURCE_FORMATS:
        raise ValueError(
            f"forced_format must be one of {', '.join(SOURCE_FORMATS)}; got {ctx.forced_format!r}"
        )
    unknown = sorted(set(ctx.column_mapping) - _MAPPABLE_FIELDS)
    if unknown:
        raise ValueError(f"column_mapping keys must be canonical field names (or {PLATFORM!r}); "
                         f"unknown: {', '.join(unknown)}")
    if len(ctx.csv_delimiter) != 1:
        raise ValueError(f"csv_delimiter must be one character; got {ctx.csv_delimiter!r}")


@dataclass(frozen=True)
class _FileContext:
    """Everything about one file that every row of it shares."""

    ctx: ReadContext
    source_file: str
    collected_at: datetime | None
    ingested_at: datetime
    forced_platform: str | None

    @classmethod
    def build(cls, ctx: ReadContext, source_file: str, file_mtime: datetime | None
              ) -> "_FileContext":
        """Resolve collected_at (context, else file mtime) and normalise times to UTC."""
        forced = ctx.forced_format
        return cls(ctx, source_file, to_utc(ctx.collected_at or file_mtime),
                   to_utc(ctx.ingested_at), FORMAT_PLATFORM.get(forced) if forced else None)


class _ReadFailure(Exception):
    """The stream failed mid-read: where, the bytes of the unfinished line, and why."""

    def __init__(self, line_number: int, partial: bytes, cause: BaseException) -> None:
        super().__init__(f"read failed at line {line_number}: {cause}")
        self.line_number = line_number
        self.partial = partial
        self.cause = cause


# --- file modes --------------------------------------------------------------------------------


def _read_document(stream: BinaryIO, file_ctx: _FileContext) -> Iterator[Output]:
    """A whole-file JSON document (NDJSON when it turns out to hold one value per line)."""
    chunks: list[bytes] = []
    try:
        while chunk := stream.read(_CHUNK_BYTES):
            chunks.append(chunk)
    except _READ_ERRORS as exc:
        yield _read_error(file_ctx, b"".join(chunks), "document", exc)
        return
    yield from _document_outputs(b"".join(chunks), file_ctx)


def _document_outputs(data: bytes, file_ctx: _FileContext) -> Iterator[Output]:
    """Decode and parse one document; fall back to lines for NDJSON saved as .json."""
    body = data[len(_BOM):] if data.startswith(_BOM) else data
    if not body.strip():
        return
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _first_line_is_json(body):
            yield from _read_lines(io.BytesIO(body), file_ctx)
        else:
            yield _document_quarantine(file_ctx, REASON_BAD_UTF8, f"invalid UTF-8: {exc}", data)
        return
    try:
        value = _loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and "\n" not in text[: exc.pos].strip():
            yield from _read_lines(io.BytesIO(body), file_ctx)
        else:
            yield _document_quarantine(file_ctx, REASON_BAD_JSON, f"invalid JSON: {exc}", data)
        return
    except (ValueError, RecursionError) as exc:
        yield _document_quarantine(file_ctx, REASON_BAD_JSON, f"invalid JSON: {exc}", data)
        return
    yield from _value_outputs(value, data, "", file_ctx)


def _read_lines(stream: BinaryIO, file_ctx: _FileContext) -> Iterator[Output]:
    """NDJSON: one JSON value per line, streamed; blank lines skipped."""
    try:
        for number, line in _iter_lines(stream):
            if number == 1 and line.startswith(_BOM):
                line = line[len(_BOM):]
            if line.strip():
                yield from _line_outputs(number, line, file_ctx)
    except _ReadFailure as failure:
        yield _read_error(file_ctx, failure.partial, f"line {failure.line_number}",
                          failure.cause)


def _line_outputs(number: int, line: bytes, file_ctx: _FileContext) -> Iterator[Output]:
    """Decode, parse and emit one NDJSON line."""
    prefix = f"line {number}"
    platform, source_format = file_ctx.forced_platform, file_ctx.ctx.forced_format
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield _quarantine(file_ctx, REASON_BAD_UTF8, f"invalid UTF-8: {exc}", line, prefix,
                          platform, source_format)
        return
    try:
        value = _loads(text)
    except (ValueError, RecursionError) as exc:
        yield _quarantine(file_ctx, REASON_BAD_JSON, f"invalid JSON: {exc}", line, prefix,
                          platform, source_format)
        return
    yield from _value_outputs(value, line, prefix, file_ctx)


def _read_csv(stream: BinaryIO, file_ctx: _FileContext) -> Iterator[Output]:
    """CSV with a header row; each data row goes through the generic column mapping."""
    consumed: list[bytes] = []
    reader = csv.reader(_csv_lines(stream, consumed), delimiter=file_ctx.ctx.csv_delimiter,
                        strict=True)
    header: list[str] | None = None
    row_number = 0
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                offset = "header"
                if header is not None:
                    row_number += 1
                    offset = f"row {row_number}"
                yield _quarantine(file_ctx, REASON_BAD_CSV, f"malformed CSV: {exc}",
                                  _take(consumed), offset, *_CSV_ORIGIN)
                continue
            raw = _take(consumed)
            if not cells:
                continue
            if header is None:
                header = [cell.strip() for cell in cells]
                continue
            row_number += 1
            yield _csv_row_output(cells, header, raw, row_number, file_ctx)
    except _ReadFailure as failure:
        yield _read_error(file_ctx, failure.partial, f"line {failure.line_number}",
                          failure.cause)


def _csv_lines(stream: BinaryIO, consumed: list[bytes]) -> Iterator[str]:
    """Text lines for csv.reader; the raw bytes of each are kept in `consumed`.

    Bad UTF-8 is carried through as surrogate escapes so the CSV structure still parses; the
    row is then sent to quarantine from its raw bytes.
    """
    for number, line in _iter_lines(stream):
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM):]
        consumed.append(line)
        yield line.decode("utf-8", "surrogateescape") + "\n"


def _take(consumed: list[bytes]) -> bytes:
    """The raw bytes of the lines of the row just read (and forget them)."""
    raw = b"\n".join(consumed)
    consumed.clear()
    return raw


def _csv_row_output(cells: list[str], header: list[str], raw: bytes, row_number: int,
                    file_ctx: _FileContext) -> Output:
    """One CSV data row -> post row, or quarantine (bad UTF-8, wrong width, bad values)."""
    offset = f"row {row_number}"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _quarantine(file_ctx, REASON_BAD_UTF8, f"invalid UTF-8: {exc}", raw, offset,
                           *_CSV_ORIGIN)
    if len(cells) != len(header):
        reason = f"row has {len(cells)} fields, the header has {len(header)}"
        return _quarantine(file_ctx, REASON_BAD_CSV, reason, raw, offset, *_CSV_ORIGIN)
    item = generic.parse_csv_row(dict(zip(header, cells)), offset, file_ctx.ctx)
    if isinstance(item, ParsedRecord):
        return _post_output(item, file_ctx, offset)
    return _quarantine(file_ctx, item.reason_code, item.reason, raw, offset, item.platform,
                       item.source_format)


def _iter_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, line without "\\n") pairs, read in chunks.

    Raises _ReadFailure (with the unfinished line's bytes) when the stream fails mid-way.
    """
    number = 0
    pending: list[bytes] = []
    # read1 returns what one decompression step gave, so a failure loses little data
    read = getattr(stream, "read1", stream.read)
    while True:
        try:
            chunk = read(_CHUNK_BYTES)
        except _READ_ERRORS as exc:
            raise _ReadFailure(number + 1, b"".join(pending), exc) from exc
        if not chunk:
            break
        pieces = chunk.split(b"\n")
        if len(pieces) == 1:
            pending.append(chunk)
            continue
        pending.append(pieces[0])
        number += 1
        yield number, b"".join(pending)
        for piece in pieces[1:-1]:
            number += 1
            yield number, piece
        pending = [pieces[-1]] if pieces[-1] else []
    if pending:
        yield number + 1, b"".join(pending)


# --- JSON values -> rows -----------------------------------------------------------------------


def _loads(text: str) -> Any:
    """json.loads that refuses NaN/Infinity (not JSON, and not storable canonically)."""
    return json.loads(text, parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> Any:
    """parse_constant hook: NaN, Infinity and -Infinity are invalid JSON."""
    raise ValueError(f"{name} is not valid JSON")


def _first_line_is_json(body: bytes) -> bool:
    """True when the first line alone is a JSON value and more follows (NDJSON)."""
    first, _, rest = body.lstrip().partition(b"\n")
    if not rest.strip():
        return False
    try:
        _loads(first.decode("utf-8"))
    except (ValueError, RecursionError):
        return False
    return True


def _value_outputs(value: Any, original: bytes, prefix: str, file_ctx: _FileContext
                   ) -> Iterator[Output]:
    """Rows for every record of one decoded document or line."""
    try:
        for item in parse_value(value, "$", file_ctx.ctx):
            offset = _offset(prefix, item.location)
            if isinstance(item, ParsedRecord):
                yield _post_output(item, file_ctx, offset)
            else:
                raw = original if item.location == "$" else _json_bytes(item.raw)
                yield _quarantine(file_ctx, item.reason_code, item.reason, raw, offset,
                                  item.platform, item.source_format)
    except RecursionError:
        yield _quarantine(file_ctx, REASON_BAD_VALUE, "nested too deeply to parse", original,
                          prefix or "document", file_ctx.forced_platform,
                          file_ctx.ctx.forced_format)


def parse_value(value: Any, location: str, ctx: ReadContext) -> Iterator[Item]:
    """Parse one JSON value: lists element by element, objects by their (detected) format."""
    if isinstance(value, list):
        for position, element in enumerate(value):
            yield from parse_value(element, f"{location}[{position}]", ctx)
        return
    try:
        source_format = ctx.forced_format or detect_format(value, ctx.column_mapping)
    except STRUCTURE_ERRORS:  # a marker key of the wrong type: no format fits
        source_format = None
    if source_format is None or source_format == FORMAT_CSV:
        if is_error_body(value):
            yield RejectedRecord(REASON_API_ERROR, f"API error body: {value.get('error')}",
                                 value, location)
        else:
            yield RejectedRecord(REASON_UNKNOWN_FORMAT, "no parser recognises this value",
                                 value, location)
        return
    try:
        yield from _PARSERS[source_format](value, location, ctx)
    except STRUCTURE_ERRORS as exc:  # a parser's safety net; records use common.guard
        reason = f"unexpected structure: {type(exc).__name__}: {exc}"
        yield RejectedRecord(REASON_BAD_VALUE, reason, value, location,
                             FORMAT_PLATFORM[source_format], source_format)


def _offset(prefix: str, location: str) -> str:
    """source_offset from the line/row prefix and the JSON path inside it."""
    if location == "$":
        return prefix or "document"
    return f"{prefix} {location}" if prefix else location


def _json_bytes(value: Any) -> bytes:
    """Canonical JSON bytes of a value (unpaired surrogates kept, for quarantine only)."""
    return canonical_json(value).encode("utf-8", "surrogatepass")


def _post_output(record: ParsedRecord, file_ctx: _FileContext, offset: str) -> Output:
    """A bronze.posts row: canonical raw payload, its sha256, provenance, parsed fields."""
    payload = canonical_json(record.raw)
    try:
        encoded = payload.encode("utf-8")
    except UnicodeEncodeError:
        return _quarantine(file_ctx, REASON_BAD_VALUE,
                           "JSON string holds an unpaired UTF-16 surrogate escape",
                           payload.encode("utf-8", "surrogatepass"), offset, record.platform,
                           record.source_format)
    ctx = file_ctx.ctx
    row: Row = {
        PAYLOAD_SHA256: hashlib.sha256(encoded).hexdigest(),
        PLATFORM: record.platform,
        SOURCE_FORMAT: record.source_format,
        API_VERSION: record.api_version,
        SOURCE_NAME: ctx.source_name,
        SOURCE_FILE: file_ctx.source_file,
        SOURCE_OFFSET: offset,
        COLLECTED_AT: file_ctx.collected_at,
        INGESTED_AT: file_ctx.ingested_at,
        RUN_ID: ctx.run_id,
        RAW_PAYLOAD: payload,
    }
    row.update(zip(PARSED_COLUMNS, map(record.fields.get, PARSED_COLUMNS)))
    return KIND_POST, row


def _document_quarantine(file_ctx: _FileContext, reason_code: str, reason: str, data: bytes
                         ) -> Output:
    """Quarantine a whole document that could not be decoded."""
    return _quarantine(file_ctx, reason_code, reason, data, "document",
                       file_ctx.forced_platform, file_ctx.ctx.forced_format)


def _read_error(file_ctx: _FileContext, partial: bytes, offset: str, cause: BaseException
                ) -> Output:
    """Quarantine the unreadable rest of a file.

    The partial bytes are often empty, so the file and offset join the quarantine_id: two
    files broken the same way must not collapse into one row.
    """
    reason = f"file unreadable from {offset} on: {type(cause).__name__}: {cause}"
    salt = b"\0" + f"{file_ctx.source_file}\0{offset}".encode("utf-8", "surrogatepass")
    return _quarantine(file_ctx, REASON_READ_ERROR, reason, partial, offset,
                       file_ctx.forced_platform, file_ctx.ctx.forced_format, salt=salt)


def _quarantine(
    file_ctx: _FileContext,
    reason_code: str,
    reason: str,
    raw: bytes,
    offset: str,
    platform: str | None,
    source_format: str | None,
    *,
    salt: bytes = b"",
) -> Output:
    """A bronze.quarantine row; quarantine_id = sha256(reason_code + b"\\0" + raw bytes)."""
    ctx = file_ctx.ctx
    digest = hashlib.sha256(reason_code.encode("ascii") + b"\0" + raw + salt).hexdigest()
    preview = raw[: 4 * _PREVIEW_CHARS].decode("utf-8", "replace")[:_PREVIEW_CHARS]
    row: Row = {
        QUARANTINE_ID: digest,
        REASON_CODE: reason_code,
        REASON: reason,
        PLATFORM: platform,
        SOURCE_FORMAT: source_format,
        SOURCE_NAME: ctx.source_name,
        SOURCE_FILE: file_ctx.source_file,
        SOURCE_OFFSET: offset,
        COLLECTED_AT: file_ctx.collected_at,
        INGESTED_AT: file_ctx.ingested_at,
        RUN_ID: ctx.run_id,
        RAW_BYTES: raw,
        RAW_PREVIEW: preview,
    }
    return KIND_QUARANTINE, row

"""Fixtures for the parser/reader tests: plain Python, no Spark session."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pytest

from socialake.sources.base import KIND_POST, KIND_QUARANTINE, ReadContext
from socialake.sources.reader import read_records

API_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "api"
INGESTED_AT = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


@dataclass
class ReadResult:
    """What read_records yielded for one input, split by kind, in order."""

    posts: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)

    def post(self, post_id: str, event_type: str | None = None) -> dict[str, Any]:
        """The single post row with this id (and event type, when given)."""
        found = [row for row in self.posts if row["post_id"] == post_id
                 and (event_type is None or row["event_type"] == event_type)]
        assert len(found) == 1, f"{len(found)} rows for {post_id}"
        return found[0]

    def reasons(self) -> list[str]:
        """Quarantine reason codes in order."""
        return [row["reason_code"] for row in self.quarantine]


def make_context(**overrides: Any) -> ReadContext:
    """A ReadContext for tests (fixed ingest time and run id)."""
    values: dict[str, Any] = {"source_name": "test", "run_id": "run-1", "ingested_at": INGESTED_AT}
    values.update(overrides)
    return ReadContext(**values)


def run_reader(data: bytes, name: str, ctx: ReadContext | None = None,
               file_mtime: datetime | None = None) -> ReadResult:
    """Feed bytes to read_records as file `name` and collect the rows."""
    result = ReadResult()
    for kind, row in read_records(io.BytesIO(data), ctx or make_context(), source_file=name,
                                  file_mtime=file_mtime):
        assert kind in (KIND_POST, KIND_QUARANTINE)
        (result.posts if kind == KIND_POST else result.quarantine).append(row)
    return result


@pytest.fixture
def read_bytes() -> Callable[..., ReadResult]:
    """read_bytes(data, name, ctx=None, file_mtime=None) -> ReadResult."""
    return run_reader


@pytest.fixture
def read_fixture() -> Callable[..., ReadResult]:
    """read_fixture("reddit/x.json", ctx=None) -> ReadResult of that API fixture file."""
    def read(relative: str, ctx: ReadContext | None = None) -> ReadResult:
        path = API_FIXTURES / relative
        return run_reader(path.read_bytes(), str(path), ctx)

    return read


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """fixture_bytes("reddit/x.json") -> the file's exact bytes."""
    return lambda relative: (API_FIXTURES / relative).read_bytes()


@pytest.fixture
def load_fixture() -> Callable[[str], Any]:
    """load_fixture("reddit/x.json") -> the decoded JSON (for reading expectations off it)."""
    def load(relative: str) -> Any:
        return json.loads((API_FIXTURES / relative).read_text(encoding="utf-8"))

    return load


@pytest.fixture
def context() -> Callable[..., ReadContext]:
    """context(**overrides) -> a test ReadContext."""
    return make_context

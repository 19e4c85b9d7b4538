"""One generated sample shared by the sample-generator tests (plain Python, no Spark), and
stdlib readers of its landing files, all handed out as fixtures."""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from socialake.sample import generate

N_POSTS = 6_000
SEED = 20240917


@dataclass
class Sample:
    out: Path
    n_posts: int
    seed: int
    summary: dict
    posts: list[dict]      # truth/posts.parquet rows
    authors: list[dict]    # truth/authors.parquet rows


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


class Landing:
    """Independent (stdlib) readers of landing files."""

    @staticmethod
    def files(out: Path) -> list[Path]:
        return sorted(p for p in (out / "landing").rglob("*") if p.is_file())

    @staticmethod
    def read_lines(path: Path) -> list[bytes]:
        """Raw lines (without the newline) of an NDJSON or CSV file, gunzipped if needed."""
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        lines = data.split(b"\n")
        assert lines[-1] == b"", f"{path} does not end with a newline"
        return lines[:-1]

    @staticmethod
    def parse_line_json(raw: bytes) -> Any:
        """json.loads of one NDJSON line; raises on bad UTF-8 or bad JSON."""
        return json.loads(raw.decode("utf-8"))

    @classmethod
    def parse_csv(cls, path: Path) -> tuple[list[str], list[tuple[int, list[str] | None]]]:
        """(header, [(line number, fields, or None when the line is not valid UTF-8)])."""
        lines = cls.read_lines(path)
        header = next(csv.reader([lines[0].decode("utf-8")]))
        rows: list[tuple[int, list[str] | None]] = []
        for number, raw in enumerate(lines[1:], start=2):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                rows.append((number, None))
                continue
            rows.append((number, next(csv.reader(io.StringIO(text)))))
        return header, rows

    @staticmethod
    def html_to_text(html: str) -> str:
        parser = _TextOnly()
        parser.feed(html)
        parser.close()
        return "".join(parser.parts)

    def records(self, out: Path) -> dict[tuple[str, str], dict]:
        """(file, location) -> {kind, id, text, raw} for every landing record; records that
        do not decode come back with kind "unparsable"."""
        records: dict[tuple[str, str], dict] = {}
        for path in self.files(out):
            rel = path.relative_to(out).as_posix()
            fmt = rel.split("/")[1]
            if fmt == "x_v2":
                page = json.loads(path.read_text(encoding="utf-8"))
                for i, tweet in enumerate(page.get("data", [])):
                    records[(rel, f"$.data[{i}]")] = {"kind": "post", "id": tweet["id"],
                                                      "text": tweet["text"], "raw": tweet}
                for j, err in enumerate(page.get("errors", [])):
                    records[(rel, f"$.errors[{j}]")] = {"kind": "delete", "text": None,
                                                        "id": err["resource_id"], "raw": err}
            elif fmt in ("x_v1.1", "mastodon"):
                items = json.loads(path.read_text(encoding="utf-8"))
                for i, item in enumerate(items):
                    if fmt == "mastodon":
                        text, item_id = self.html_to_text(item["content"]), item.get("id")
                    else:
                        text = item.get("full_text") or item.get("extended_tweet", {}).get(
                            "full_text") or item["text"]
                        item_id = item["id_str"]
                    records[(rel, f"$[{i}]")] = {"kind": "post", "id": item_id, "text": text,
                                                 "raw": item}
            elif fmt in ("pushshift", "jetstream"):
                for number, raw in enumerate(self.read_lines(path), start=1):
                    key = (rel, f"line {number}")
                    try:
                        value = self.parse_line_json(raw)
                    except (UnicodeDecodeError, json.JSONDecodeError):
                        records[key] = {"kind": "unparsable", "id": None, "text": None,
                                        "raw": raw}
                        continue
                    if fmt == "pushshift":
                        if value["name"].startswith("t3_"):
                            text = value["title"] + ("\n\n" + value["selftext"]
                                                     if value["selftext"] else "")
                        else:
                            text = value["body"]
                        records[key] = {"kind": "post", "id": value["name"], "text": text,
                                        "raw": value}
                    else:
                        commit = value["commit"]
                        at_uri = f"at://{value['did']}/{commit['collection']}/{commit['rkey']}"
                        kind = "post" if commit["operation"] == "create" else "delete"
                        text = commit["record"]["text"] if kind == "post" else None
                        records[key] = {"kind": kind, "id": at_uri, "text": text, "raw": value}
            elif fmt == "csv":
                header, rows = self.parse_csv(path)
                for number, fields in rows:
                    key = (rel, f"row {number - 1}")  # data rows, numbered after the header
                    if fields is None:
                        records[key] = {"kind": "unparsable", "id": None, "text": None,
                                        "raw": None}
                        continue
                    records[key] = {"kind": "post", "id": fields[0], "text": fields[4],
                                    "raw": dict(zip(header, fields))}
            else:
                raise AssertionError(f"unexpected landing folder {fmt!r}")
        return records


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    out = tmp_path_factory.mktemp("sample") / "data"
    summary = generate(out, N_POSTS, SEED, workers=1)
    posts = pq.read_table(out / "truth" / "posts.parquet").to_pylist()
    authors = pq.read_table(out / "truth" / "authors.parquet").to_pylist()
    return Sample(out=out, n_posts=N_POSTS, seed=SEED, summary=summary, posts=posts,
                  authors=authors)


@pytest.fixture(scope="session")
def landing() -> Landing:
    return Landing()


@pytest.fixture(scope="session")
def native(sample: Sample, landing: Landing) -> dict[tuple[str, str], dict]:
    """Every landing record of the shared sample, read back with stdlib parsers."""
    return landing.records(sample.out)

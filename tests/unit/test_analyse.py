"""`socialake analyse` on a user's files: one output line per input line for texts, bad lines
reported with their line number and never dropped silently, exit codes 0 / 1 / 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import socialake
from socialake import analyse
from socialake.config import default_conf_dir

TEXTS = [
    "The new update finally fixed the battery drain on my phone".encode(),
    "Der Zug hatte heute morgen wieder eine Stunde Verspätung".encode(),
    b"",
    b"\xff\xfe not text",
    "No puedo creer que el partido terminó en empate otra vez\r".encode(),
]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    src = str(Path(socialake.__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALAKE")}
    env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
    env["SOCIALAKE_CONF_DIR"] = str(default_conf_dir())
    return subprocess.run([sys.executable, "-m", "socialake.cli", "analyse", *args, "--env", "test"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_language_gives_one_line_per_input_line_and_marks_the_bad_one(tmp_path):
    source, target = tmp_path / "texts.txt", tmp_path / "langs.tsv"
    source.write_bytes(b"\n".join(TEXTS) + b"\n")
    done = _cli("language", "--input", str(source), "--output", str(target), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"{source}:4: not UTF-8 (byte 0xff at column 1)" in done.stderr.splitlines()
    rows = [line.split("\t") for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(TEXTS)
    assert [r[0] for r in rows] == ["en", "de", "und", "invalid", "es"]
    assert rows[3][1].startswith("not UTF-8")
    assert float(rows[0][1]) > 0.9 and float(rows[2][1]) == 0.0


def test_language_choices_and_a_clean_file(tmp_path):
    source, target = tmp_path / "texts.txt", tmp_path / "langs.tsv"
    source.write_text("Das ist gut\nthat is good\n", encoding="utf-8")
    problems = analyse.Problems()
    summary = analyse.languages(source, target, languages=("de", "nl"), min_confidence=0.0, problems=problems)
    assert (summary.lines_in, summary.lines_out, summary.bad) == (2, 2, 0)
    assert [line.split("\t")[0] for line in target.read_text().splitlines()] == ["de", "nl"]  # en not allowed
    done = _cli("language", "--input", str(source), "--output", str(target), cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""


def test_bad_arguments_exit_2_with_one_line(tmp_path):
    source = tmp_path / "texts.txt"
    source.write_text("hello\n", encoding="utf-8")
    missing = _cli("language", "--input", str(tmp_path / "none.txt"), "--output", str(tmp_path / "o"), cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "is not a file" in missing.stderr
    same = _cli("language", "--input", str(source), "--output", str(source), cwd=tmp_path)
    assert same.returncode == 2 and "is the input file" in same.stderr
    assert source.read_text() == "hello\n"
    code = _cli("language", "--input", str(source), "--output", str(tmp_path / "o"), "--languages", "en,qq", cwd=tmp_path)
    assert code.returncode == 2 and code.stderr.startswith("socialake analyse: --languages has qq")


def test_edges_with_bad_lines_are_reported_and_the_rest_is_used(tmp_path):
    source = tmp_path / "edges.tsv"
    source.write_text("src\tdst\tweight\na\tb\t2\nb\tc\n\nx\ty\tzero\nsolo\n\tz\nc\ta\t1e-3\n", encoding="utf-8")
    problems = analyse.Problems()
    edges = analyse.read_edges(source, problems)
    assert list(zip(edges.src, edges.dst, edges.weight)) == [("a", "b", 2.0), ("b", "c", 1.0), ("c", "a", 0.001)]
    assert [n for n, _ in problems.lines] == [4, 5, 6, 7]


def test_two_cliques_joined_by_one_edge_are_two_communities(tmp_path):
    left, right = "abcde", "vwxyz"
    lines = [f"{p}\t{q}" for group in (left, right) for i, p in enumerate(group) for q in group[i + 1:]]
    lines.append("e\tv")
    source, target = tmp_path / "edges.tsv", tmp_path / "members.tsv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = _cli("communities", "--input", str(source), "--output", str(target), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in target.read_text().splitlines()]
    assert rows[0] == ["node", "community"]
    community = dict(rows[1:])
    assert set(community) == set(left + right)
    assert len({community[n] for n in left}) == 1 and len({community[n] for n in right}) == 1
    assert community["a"] != community["z"]

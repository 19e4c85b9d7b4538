"""Same seed and N give byte-identical output (whatever the number of worker processes), and
bad arguments fail with one line and exit code 2."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from socialake.sample import SampleArgumentError, generate


def digest_tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "socialake.sample", *args],
                          capture_output=True, text=True, timeout=300)


def test_same_seed_gives_identical_bytes_with_any_worker_count(tmp_path: Path) -> None:
    one = generate(tmp_path / "one", 2_000, 99, workers=1, shard_size=1_000)
    two = generate(tmp_path / "two", 2_000, 99, workers=2, shard_size=1_000)
    tree_one, tree_two = digest_tree(tmp_path / "one"), digest_tree(tmp_path / "two")
    assert len(tree_one) > 8  # several shards per format
    assert tree_one == tree_two
    assert one["counts"] == two["counts"]


def test_other_seed_gives_other_data(tmp_path: Path) -> None:
    generate(tmp_path / "a", 1_000, 1, workers=1)
    generate(tmp_path / "b", 1_000, 2, workers=1)
    a, b = digest_tree(tmp_path / "a"), digest_tree(tmp_path / "b")
    assert a["truth/posts.parquet"] != b["truth/posts.parquet"]


def test_generate_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(SampleArgumentError, match="between 1,000 and 10,000,000"):
        generate(tmp_path / "x", 999, 1)
    with pytest.raises(SampleArgumentError, match="between 1,000 and 10,000,000"):
        generate(tmp_path / "x", 10_000_001, 1)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    with pytest.raises(SampleArgumentError, match="--force"):
        generate(tmp_path / "busy", 1_000, 1)
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("args, fragment", [
    (["--posts", "5", "--seed", "1"], "--posts must be between"),
    (["--posts", "20000000", "--seed", "1"], "--posts must be between"),
    (["--posts", "many", "--seed", "1"], "invalid int value"),
    (["--seed", "1"], "required"),
    (["--posts", "1000", "--seed", "-3"], "--seed must be"),
])
def test_cli_bad_arguments_exit_2_with_one_line(tmp_path: Path, args: list[str],
                                                fragment: str) -> None:
    result = run_cli("--out", str(tmp_path / "out"), *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_cli_refuses_non_empty_out_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = run_cli("--out", str(out), "--posts", "1000", "--seed", "3")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--force" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]

    forced = run_cli("--out", str(out), "--posts", "1000", "--seed", "3", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "1,000 records" in forced.stdout
    assert (out / "truth" / "truth.json").exists() and (out / "notes.txt").exists()


def test_cli_output_does_not_depend_on_hash_seed_or_workers(tmp_path: Path) -> None:
    trees = []
    for name, hash_seed, workers in (("a", "1", "2"), ("b", "4242", "1")):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        result = subprocess.run(
            [sys.executable, "-m", "socialake.sample", "--out", str(tmp_path / name),
             "--posts", "1500", "--seed", "5", "--workers", workers, "--shard-size", "1000"],
            capture_output=True, text=True, timeout=300, env=env)
        assert result.returncode == 0, result.stderr
        trees.append(digest_tree(tmp_path / name))
    assert trees[0] == trees[1]

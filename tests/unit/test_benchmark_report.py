"""The benchmark's report arithmetic and its target checks, on hand-made results."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "benchmark.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("socialake_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


GIB = 1 << 30


def stage(name, seconds, jvm_gib=1.0):
    return {"name": name, "seconds": seconds, "exit_code": 0,
            "peaks": {"driver_python": GIB // 2, "jvm": int(jvm_gib * GIB), "python_workers": GIB // 4, "total": 0},
            "detail": {"steps": {"parse": seconds / 2}}}


def result(n, seconds, baseline_seconds, jvm_gib=1.0):
    return {"n": n, "stages": [stage("ingest", seconds[0], jvm_gib), stage("silver", seconds[1]),
                               stage("gold", seconds[2])],
            "counts": {"silver.posts": n - 10},
            "baseline": {"name": "baseline", "seconds": baseline_seconds, "exit_code": 0,
                         "peaks": {"driver_python": GIB, "jvm": 0, "python_workers": 0, "total": GIB},
                         "detail": {"steps": {"parse": 1.0}}}}


def test_targets_are_judged_from_the_totals(bench):
    small = result(100_000, (10, 20, 30), baseline_seconds=120)          # 60 s: 600 µs/post, 2x
    large = result(1_000_000, (100, 200, 240), baseline_seconds=1_800, jvm_gib=3.0)   # 540 s: 540 µs/post, 3.33x
    lines = bench.check_targets([small, large])
    assert lines[0].startswith("met: 1,000,000 posts bronze -> gold in 9.0 min")
    assert lines[1].startswith("NOT met: 2.00x") and lines[2].startswith("met: 3.33x")
    assert lines[3].startswith("met: cost per post -10% from 100,000 to 1,000,000")
    assert lines[4].startswith("met: driver peak 3.50 GiB")   # 0.5 driver Python + 3.0 JVM


def test_report_rows_hold_throughput_and_cost_per_post(bench):
    text = bench.render([result(100_000, (10, 20, 30), 120), result(1_000_000, (100, 200, 300), 1_200)], None)
    assert "| 100,000 | ingest | 10.0 | 10,000 | 100 |" in text
    assert "| 1,000,000 | **bronze -> gold** | 600.0 | 1,667 | 600 |" in text
    assert "| 1,000,000 | 600.0 | 1,200.0 | 2.00x |" in text
    assert "| bronze -> gold | 600 | 600 | +0% |" in text


def test_record_keeps_the_text_around_the_generated_block(bench, tmp_path):
    path = tmp_path / "bench.md"
    path.write_text(f"# title\nintro\n{bench.BEGIN}\nold numbers\n{bench.END}\nnotes after\n")
    bench.record(path, "new numbers")
    assert path.read_text() == f"# title\nintro\n{bench.BEGIN}\nnew numbers\n{bench.END}\nnotes after\n"

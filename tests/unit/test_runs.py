from __future__ import annotations

import re
from datetime import datetime, timezone

from socialake.runs import new_run_id


def test_run_ids_sort_by_time_and_do_not_collide():
    earlier = new_run_id(datetime(2026, 11, 22, 10, 15, tzinfo=timezone.utc))
    later = new_run_id(datetime(2026, 11, 22, 10, 16, tzinfo=timezone.utc))
    assert re.fullmatch(r"20261122T101500Z-[0-9a-f]{8}", earlier)
    assert earlier < later
    assert len({new_run_id() for _ in range(100)}) == 100

"""GX's file stores under <lake>/_quality are shared by every job on a lake; two ingests racing
on them once read a half-written suite file (CI, stop 21). validate() now holds a lock file
around every use of them: while one job holds it, another process cannot take it."""

from __future__ import annotations

import subprocess
import sys

from socialake.quality.validate import _stores_locked

TRY_LOCK = """
import fcntl, sys
with open(sys.argv[1], "a+") as handle:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit(3)
"""


def _other_process_gets_the_lock(path) -> bool:
    return subprocess.run([sys.executable, "-c", TRY_LOCK, str(path)]).returncode == 0


def test_another_process_waits_while_the_stores_are_in_use(tmp_path):
    quality = tmp_path / "_quality"
    with _stores_locked(quality):
        assert not _other_process_gets_the_lock(quality / ".stores.lock")
    assert _other_process_gets_the_lock(quality / ".stores.lock")


def test_no_lock_without_file_stores():
    with _stores_locked(None):  # a remote lake: GX keeps its stores in memory
        pass

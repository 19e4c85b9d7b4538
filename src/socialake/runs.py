"""Run ids: what every stage stamps on its commits, ledger rows and validation results."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone


def new_run_id(now: datetime | None = None) -> str:
    """Sortable, unique run id: 20261122T101500Z-3f2a9c1d."""
    moment = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    return f"{moment}-{uuid.uuid4().hex[:8]}"

"""Platform id formats: X snowflakes, Mastodon ids, Bluesky TIDs/CIDs/DIDs, Reddit base36, plus
time formatting helpers. All functions are pure; randomness comes from the caller's rng."""

from __future__ import annotations

import base64
import functools
import hashlib
import random
from datetime import datetime, timedelta, timezone
from typing import Sequence, TypeVar

T = TypeVar("T")

X_EPOCH_MS = 1_288_834_974_657
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_B32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def derive_seed(*parts: object) -> int:
    """A 64-bit seed from the parts (stable across processes and Python versions)."""
    digest = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def x_snowflake(t_us: int, worker: int, sequence: int) -> int:
    """X/Twitter snowflake: ms since the X epoch << 22 | worker (10 bits) << 12 | sequence."""
    return ((t_us // 1000 - X_EPOCH_MS) << 22) | ((worker & 0x3FF) << 12) | (sequence & 0xFFF)


def mastodon_id(t_us: int, shard_bits: int, sequence: int) -> int:
    """Mastodon-style id: ms since 1970 << 16 | shard (7 bits) << 9 | sequence (9 bits)."""
    return ((t_us // 1000) << 16) | ((shard_bits & 0x7F) << 9) | (sequence & 0x1FF)


def tid(t_us: int, clock_id: int) -> str:
    """AT Protocol TID: 53-bit microseconds << 10 | clock id, base32-sortable, 13 characters."""
    value = ((t_us & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(_B32_SORTABLE[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def cid(rng: random.Random) -> str:
    """CIDv1 (dag-cbor, sha2-256) in base32: 'bafyrei...' (59 characters)."""
    raw = bytes((0x01, 0x71, 0x12, 0x20)) + rng.getrandbits(256).to_bytes(32, "big")
    return "b" + base64.b32encode(raw).decode("ascii").lower().rstrip("=")


def plc_did(*parts: object) -> str:
    """did:plc with 24 base32 characters derived from the parts."""
    digest = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=15).digest()
    return "did:plc:" + base64.b32encode(digest).decode("ascii").lower()[:24]


def base36(value: int) -> str:
    if value == 0:
        return "0"
    chars = []
    while value:
        value, rem = divmod(value, 36)
        chars.append(_B36[rem])
    return "".join(reversed(chars))


def random_token(rng: random.Random, length: int) -> str:
    """Random [A-Za-z0-9] string (t.co paths, next_token)."""
    value = rng.getrandbits(6 * length)
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 62)
        chars.append(_ALNUM[rem])
    return "".join(chars)


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """rng.choice without its per-call overhead (hot path; same distribution)."""
    return items[int(rng.random() * len(items))]


def permute32(value: int, salt: int) -> int:
    """A bijection on 0..2**32-1 (odd multiplier, xor salt): distinct authors get distinct ids."""
    return ((value * 2_654_435_761) ^ salt) & 0xFFFFFFFF


@functools.lru_cache(maxsize=4096)
def _day_prefix(day: int) -> str:
    return (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%dT")


def iso_ms(t_us: int) -> str:
    """'2025-03-01T12:34:56.789Z' (X v2, Mastodon, Bluesky style)."""
    day, rest = divmod(t_us, 86_400_000_000)
    ms = rest // 1000
    s, ms = divmod(ms, 1000)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return f"{_day_prefix(day)}{h:02d}:{m:02d}:{s:02d}.{ms:03d}Z"


def iso_seconds(t_us: int) -> str:
    """'2025-03-01T12:34:56Z' (generic CSV)."""
    return iso_ms(t_us)[:19] + "Z"


def twitter_v1_time(t_us: int) -> str:
    """'Wed Oct 10 20:19:24 +0000 2018' (locale independent)."""
    dt = datetime.fromtimestamp(t_us // 1_000_000, tz=timezone.utc)
    return (f"{_WEEKDAYS[dt.weekday()]} {_MONTHS[dt.month - 1]} {dt.day:02d} "
            f"{dt:%H:%M:%S} +0000 {dt.year}")


def to_datetime(t_us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=t_us)

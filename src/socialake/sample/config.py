"""Tunable shares and rates of the sample generator (documented ground-truth expectations).

Everything the tests compare the output against ("about 75% English", "about 3% PII") is defined
here once, so a test can read the configured value instead of repeating a magic number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from socialake.schemas import (
    FORMAT_CSV,
    FORMAT_JETSTREAM,
    FORMAT_MASTODON,
    FORMAT_PUSHSHIFT,
    FORMAT_X_V1,
    FORMAT_X_V2,
    PLATFORM_BLUESKY,
    PLATFORM_GENERIC,
    PLATFORM_MASTODON,
    PLATFORM_REDDIT,
    PLATFORM_X,
)

MIN_POSTS = 1_000
MAX_POSTS = 10_000_000
DEFAULT_SHARD_SIZE = 50_000
MIN_SHARD_SIZE = 1_000
MAX_SHARD_SIZE = 1_000_000

# Formats in output order, with the platform whose authors post in them.
FORMAT_PLATFORM: Mapping[str, str] = {
    FORMAT_X_V2: PLATFORM_X,
    FORMAT_PUSHSHIFT: PLATFORM_REDDIT,
    FORMAT_MASTODON: PLATFORM_MASTODON,
    FORMAT_JETSTREAM: PLATFORM_BLUESKY,
    FORMAT_X_V1: PLATFORM_X,
    FORMAT_CSV: PLATFORM_GENERIC,
}
AUTHOR_PLATFORMS: tuple[str, ...] = (
    PLATFORM_X, PLATFORM_REDDIT, PLATFORM_MASTODON, PLATFORM_BLUESKY, PLATFORM_GENERIC,
)

# The generic CSV's columns and how bronze must map them (ReadContext.column_mapping:
# canonical field -> CSV column). created_at is ISO-8601 UTC ("2025-03-01T12:34:56Z").
CSV_COLUMNS: tuple[str, ...] = ("id", "user_id", "user_name", "created_at", "text", "lang")
CSV_COLUMN_MAPPING: Mapping[str, str] = {
    "post_id": "id",
    "author_id": "user_id",
    "author_handle": "user_name",
    "created_at": "created_at",
    "text": "text",
    "lang": "lang",
}
CSV_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # strptime form of the CSV created_at (also ISO-8601)

# Cap on shards per id space, so ids built from (time, shard bits, sequence) never collide.
MAX_SHARDS_PER_ID_SPACE: Mapping[str, int] = {
    PLATFORM_X: 1024,         # X snowflake: 10 worker bits shared by x_v2 and x_v1.1 shards
    PLATFORM_MASTODON: 128,   # Mastodon id: 7 of the 16 low bits
    PLATFORM_BLUESKY: 1024,   # TID clock id: 10 bits
    PLATFORM_REDDIT: 1 << 30,  # base36 of a global sequence number
    PLATFORM_GENERIC: 1 << 30,
}


@dataclass(frozen=True)
class GeneratorConfig:
    """Shares and per-post rates. Probabilities apply to ordinary (non-cluster) posts."""

    format_shares: Mapping[str, float] = field(
        default_factory=lambda: {
            FORMAT_X_V2: 0.30,
            FORMAT_PUSHSHIFT: 0.25,
            FORMAT_MASTODON: 0.22,
            FORMAT_JETSTREAM: 0.10,
            FORMAT_X_V1: 0.08,
            FORMAT_CSV: 0.05,
        }
    )
    language_weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "en": 0.75, "es": 0.07, "de": 0.05, "fr": 0.05, "pt": 0.04, "it": 0.02, "nl": 0.02,
        }
    )
    topic_weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "product_launch": 0.14,
            "customer_service": 0.14,
            "sports_final": 0.13,
            "election_debate": 0.12,
            "storm_weather": 0.12,
            "gaming_release": 0.13,
            "food_recipes": 0.12,
            "crypto": 0.10,
        }
    )
    # (positive, negative, neutral) per topic
    sentiment_priors: Mapping[str, tuple[float, float, float]] = field(
        default_factory=lambda: {
            "product_launch": (0.45, 0.20, 0.35),
            "customer_service": (0.15, 0.60, 0.25),
            "sports_final": (0.45, 0.30, 0.25),
            "election_debate": (0.20, 0.45, 0.35),
            "storm_weather": (0.10, 0.45, 0.45),
            "gaming_release": (0.45, 0.25, 0.30),
            "food_recipes": (0.60, 0.10, 0.30),
            "crypto": (0.35, 0.30, 0.35),
        }
    )
    community_topic_affinity: float = 0.3  # share of a community's posts on its favourite topic
    pii_rate: float = 0.03          # share of all posts whose text carries planted PII
    pii_kind_weights: Mapping[str, float] = field(
        default_factory=lambda: {"email": 0.30, "phone": 0.30, "card": 0.15, "ip": 0.12,
                                 "iban": 0.13}
    )
    malformed_rate: float = 0.005   # share of records written malformed
    exact_dup_rate: float = 0.004   # share of posts in planted exact-duplicate clusters
    near_dup_rate: float = 0.004    # share of posts in planted near-duplicate clusters
    spike_factor: float = 8.0       # spike-hour volume of the spike topic / its usual volume
    spike_hours: int = 2
    days: int = 14
    reply_rate: float = 0.25
    same_community_rate: float = 0.85  # replies/mentions that stay in the author's community
    hub_mention_rate: float = 0.25     # mentions that go to a hub account
    hub_reply_rate: float = 0.1        # replies/retweets that target a recent hub post
    mention_rate: float = 0.2
    retweet_rate: float = 0.06         # X only
    quote_rate: float = 0.03           # X only
    edit_rate: float = 0.02            # X v2, Mastodon, Reddit
    delete_rate: float = 0.012         # X v2, Reddit comments, Jetstream
    url_rate: float = 0.12
    media_rate: float = 0.05
    geo_rate: float = 0.03
    x_v2_page_size: int = 100
    json_array_size: int = 200      # statuses per X v1.1 / Mastodon .json array file
    posts_per_author: int = 12      # authors = posts / this (bounded below)

    def n_communities(self, n_posts: int) -> int:
        """About 20 communities at 1k posts rising to 50 at 10M (log scale)."""
        import math

        return int(round(20 + 7.5 * math.log10(max(n_posts, MIN_POSTS) / 1000)))

    def n_hubs(self, n_posts: int) -> int:
        """Hub accounts per platform: 2 at 1k posts, 10 at 10M."""
        import math

        return int(round(2 + 2 * math.log10(max(n_posts, MIN_POSTS) / 1000)))


DEFAULT_CONFIG = GeneratorConfig()

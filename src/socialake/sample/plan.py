"""The plan of a sample dataset: everything decided before any post is written.

`plan_dataset(n_posts, seed)` fixes the time window, the author layout per platform, the shards
(format, size, id bits), and the planted structures that cross shards (spike, coordinated
clusters, duplicate clusters, malformed counts). Shards then run independently, so the output
does not depend on how many worker processes run them.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Mapping

from socialake.schemas import FORMAT_X_V1, FORMAT_X_V2, PLATFORM_X
from socialake.sample import ids
from socialake.sample.authors import PlatformAuthors, layout_platform
from socialake.sample.config import (
    AUTHOR_PLATFORMS,
    FORMAT_PLATFORM,
    MAX_SHARDS_PER_ID_SPACE,
    GeneratorConfig,
)
from socialake.sample.text import hashtag_text
from socialake.sample.vocab import COORDINATED_CAMPAIGNS, SPIKE_TOPICS, TOPIC_HASHTAGS

US_PER_HOUR = 3_600_000_000
US_PER_DAY = 24 * US_PER_HOUR
# Relative posting volume per UTC hour (quiet night in Europe, peak in the European evening).
DIURNAL = (0.5, 0.4, 0.3, 0.25, 0.25, 0.3, 0.45, 0.65, 0.85, 1.0, 1.05, 1.1, 1.15, 1.2, 1.25,
           1.3, 1.35, 1.4, 1.45, 1.5, 1.45, 1.3, 1.0, 0.75)
BASE_END = datetime(2024, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class SpikePlan:
    topic: str
    hashtag: str
    start_us: int
    end_us: int
    factor: float
    extra_posts: int
    expected_share: float  # the spike topic's expected share of ordinary posts


@dataclass(frozen=True)
class CoordPlan:
    cluster_id: str
    campaign: int
    size: int
    t0_us: int
    url: str
    hashtag: str


@dataclass(frozen=True)
class DupMember:
    cluster_id: str
    cluster_key: int
    exact: bool
    member: int


@dataclass(frozen=True)
class World:
    """What every shard needs to know about the whole dataset."""

    seed: int
    n_posts: int
    start_us: int
    end_us: int
    year: int
    n_communities: int
    community_topics: tuple[str, ...]
    layouts: Mapping[str, PlatformAuthors]
    config: GeneratorConfig
    spike: SpikePlan


@dataclass(frozen=True)
class ShardSpec:
    world: World
    source_format: str
    platform: str
    shard_no: int        # index within the format
    id_bits: int         # X worker / Mastodon shard bits / TID clock id
    n_slots: int
    slot_offset: int     # global record number of the first slot
    n_spike: int
    n_malformed: int
    coordinated: tuple[CoordPlan, ...]
    dup_members: tuple[DupMember, ...]
    out_dir: str


@dataclass(frozen=True)
class Plan:
    world: World
    shards: tuple[ShardSpec, ...]
    coordinated: tuple[CoordPlan, ...]
    n_exact_clusters: int
    n_near_clusters: int


def split_evenly(total: int, weights: list[float]) -> list[int]:
    """Integer split of `total` proportional to `weights` (largest remainder, deterministic)."""
    wsum = sum(weights)
    raw = [total * w / wsum for w in weights]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def favourite_topics(layout: PlatformAuthors, weights: Mapping[str, float],
                     rng: random.Random) -> tuple[str, ...]:
    """A favourite topic per community such that, weighted by community size, the favourites
    follow the topic weights (so community affinity does not skew the overall topic mix):
    largest community first, each takes the topic furthest below its target share."""
    n_comm = layout.n_communities
    sizes = [layout.block_starts[c + 1] - layout.block_starts[c] for c in range(n_comm)]
    total_size = sum(sizes)
    total_w = sum(weights.values())
    assigned = {t: 0.0 for t in weights}
    favourites = [""] * n_comm
    for c in sorted(range(n_comm), key=lambda c: (-sizes[c], c)):
        # random tie-break so small datasets do not always favour the same topics
        topic = max(weights, key=lambda t: (weights[t] / total_w * total_size - assigned[t],
                                            rng.random()))
        favourites[c] = topic
        assigned[topic] += sizes[c]
    return tuple(favourites)


def end_of_window(seed: int) -> datetime:
    """Fixed end of the 14-day window: a midnight UTC in 2024-2025 derived from the seed."""
    return BASE_END + timedelta(days=seed % 730)


def plan_dataset(
    n_posts: int, seed: int, out_dir: str, config: GeneratorConfig, shard_size: int,
) -> Plan:
    rng = random.Random(ids.derive_seed(seed, "plan"))
    end = end_of_window(seed)
    end_us = int(end.timestamp()) * 1_000_000
    start_us = end_us - config.days * US_PER_DAY

    # --- formats and shards ---
    formats = list(config.format_shares)
    per_format = dict(zip(formats, split_evenly(n_posts, [config.format_shares[f]
                                                           for f in formats])))
    shard_counts: dict[str, int] = {}
    for fmt in formats:
        wanted = max(1, math.ceil(per_format[fmt] / shard_size))
        cap = MAX_SHARDS_PER_ID_SPACE[FORMAT_PLATFORM[fmt]]
        if fmt == FORMAT_X_V2:
            cap = 896  # x_v1.1 shards use worker ids 896..1023
        elif fmt == FORMAT_X_V1:
            cap = 128
        shard_counts[fmt] = min(wanted, cap)

    # --- authors ---
    n_comm = config.n_communities(n_posts)
    n_hubs = config.n_hubs(n_posts)
    total_authors = max(300, n_posts // config.posts_per_author)
    platform_share: dict[str, float] = {p: 0.0 for p in AUTHOR_PLATFORMS}
    for fmt, share in config.format_shares.items():
        platform_share[FORMAT_PLATFORM[fmt]] += share
    layouts = {}
    for platform in AUTHOR_PLATFORMS:
        n_auth = max(3 * n_comm + n_hubs, round(total_authors * platform_share[platform]))
        layouts[platform] = layout_platform(platform, n_auth, n_hubs, n_comm, seed)
    topic_names = list(config.topic_weights)
    topic_w = [config.topic_weights[t] for t in topic_names]
    community_topics = favourite_topics(layouts[PLATFORM_X], config.topic_weights, rng)

    # --- spike ---
    spike_topic = SPIKE_TOPICS[rng.randrange(len(SPIKE_TOPICS))]
    spike_day = 5 + rng.randrange(config.days - 8)
    spike_hour = 16 + rng.randrange(4)
    spike_start = start_us + spike_day * US_PER_DAY + spike_hour * US_PER_HOUR
    spike_end = spike_start + config.spike_hours * US_PER_HOUR
    window_weight = sum(DIURNAL[(spike_hour + h) % 24] for h in range(config.spike_hours))
    frac_in_window = window_weight / (config.days * sum(DIURNAL))
    layout_x = layouts[PLATFORM_X]
    sizes = [layout_x.block_starts[c + 1] - layout_x.block_starts[c] for c in range(n_comm)]
    fav_share = sum(s for s, t in zip(sizes, community_topics) if t == spike_topic) / sum(sizes)
    a = config.community_topic_affinity
    expected_share = (1 - a) * config.topic_weights[spike_topic] / sum(topic_w) + a * fav_share
    extra = round((config.spike_factor - 1) * n_posts * expected_share * frac_in_window)
    year = (end - timedelta(seconds=1)).year
    spike = SpikePlan(
        topic=spike_topic,
        hashtag=hashtag_text(TOPIC_HASHTAGS[spike_topic][0], year),
        start_us=spike_start,
        end_us=spike_end,
        factor=config.spike_factor,
        extra_posts=extra,
        expected_share=expected_share,
    )

    world = World(
        seed=seed, n_posts=n_posts, start_us=start_us, end_us=end_us, year=year,
        n_communities=n_comm, community_topics=community_topics, layouts=layouts,
        config=config, spike=spike,
    )

    # shard skeletons: (format, shard_no, n_slots, slot_offset, id_bits)
    skeleton = []
    offset = 0
    for fmt in formats:
        sizes_f = split_evenly(per_format[fmt], [1.0] * shard_counts[fmt])
        for shard_no, size in enumerate(sizes_f):
            if fmt == FORMAT_X_V1:
                id_bits = 896 + shard_no
            else:
                id_bits = shard_no
            skeleton.append((fmt, shard_no, size, offset, id_bits))
            offset += size
    slot_weights = [float(s[2]) for s in skeleton]
    spike_per_shard = split_evenly(extra, slot_weights)
    malformed_per_shard = split_evenly(round(n_posts * config.malformed_rate), slot_weights)

    # --- coordinated clusters (X v2) ---
    n_coord = min(5, 1 + max(0, n_posts - 1_000_000) // 2_000_000)
    x_v2_shards = [i for i, s in enumerate(skeleton) if s[0] == FORMAT_X_V2]
    coord_by_shard: dict[int, list[CoordPlan]] = {}
    coordinated = []
    first_campaign = rng.randrange(len(COORDINATED_CAMPAIGNS))
    for k in range(n_coord):
        campaign = (first_campaign + k) % len(COORDINATED_CAMPAIGNS)
        size = 12 + rng.randrange(9)
        t0 = start_us + US_PER_DAY + rng.randrange((config.days - 2) * US_PER_DAY)
        slug = ("claim", "watch", "deal")[campaign]
        url = f"https://{slug}-{ids.random_token(rng, 6).lower()}.example.net/{slug}?ref=" \
              f"{ids.random_token(rng, 8)}"
        plan = CoordPlan(cluster_id=f"coord-{k:02d}", campaign=campaign, size=size, t0_us=t0,
                         url=url, hashtag=COORDINATED_CAMPAIGNS[campaign][3])
        coordinated.append(plan)
        shard_index = x_v2_shards[rng.randrange(len(x_v2_shards))]
        coord_by_shard.setdefault(shard_index, []).append(plan)

    # --- duplicate clusters ---
    dup_by_shard: dict[int, list[DupMember]] = {}
    capacity = [
        s[2] - spike_per_shard[i] - malformed_per_shard[i]
        - sum(c.size for c in coord_by_shard.get(i, ()))
        for i, s in enumerate(skeleton)
    ]
    # at most a quarter of a shard's ordinary slots go to duplicates
    room = [max(0, c // 4) for c in capacity]
    cum_slots = list(itertools.accumulate(slot_weights))
    n_clusters = {True: 0, False: 0}
    for exact, rate in ((True, config.exact_dup_rate), (False, config.near_dup_rate)):
        remaining = round(n_posts * rate)
        while remaining >= 2:
            size = min(remaining, 2 + rng.randrange(5))
            if remaining - size == 1:
                size += 1
            k = n_clusters[exact]
            n_clusters[exact] += 1
            cluster_id = f"{'dup' if exact else 'near'}-{k:05d}"
            cluster_key = ids.derive_seed(seed, "dup-cluster", cluster_id) & 0x7FFFFFFF
            for member in range(size):
                shard_index = rng.choices(range(len(skeleton)), cum_weights=cum_slots)[0]
                if room[shard_index] <= 0:
                    shard_index = max(range(len(skeleton)), key=lambda i: room[i])
                room[shard_index] -= 1
                dup_by_shard.setdefault(shard_index, []).append(
                    DupMember(cluster_id, cluster_key, exact, member))
            remaining -= size

    shards = []
    for i, (fmt, shard_no, size, slot_offset, id_bits) in enumerate(skeleton):
        shards.append(ShardSpec(
            world=world,
            source_format=fmt,
            platform=FORMAT_PLATFORM[fmt],
            shard_no=shard_no,
            id_bits=id_bits,
            n_slots=size,
            slot_offset=slot_offset,
            n_spike=spike_per_shard[i],
            n_malformed=malformed_per_shard[i],
            coordinated=tuple(coord_by_shard.get(i, ())),
            dup_members=tuple(dup_by_shard.get(i, ())),
            out_dir=out_dir,
        ))
    return Plan(world=world, shards=tuple(shards), coordinated=tuple(coordinated),
                n_exact_clusters=n_clusters[True], n_near_clusters=n_clusters[False])


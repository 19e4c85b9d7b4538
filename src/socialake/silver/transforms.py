"""Pure silver transforms: bronze rows -> private, minimal, unique posts, and their edges.

Per-row Python work (HMAC pseudonyms, PII redaction, mention replacement, URL cleaning,
language ID) happens in one mapInPandas pass over new bronze rows only; everything set-based
(newest version wins, deletions, exact duplicates, edges) is Spark SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import pandas as pd
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from socialake import schemas as S
from socialake.silver.language import DEFAULT_MIN_CONFIDENCE
from socialake.silver.pseudonymise import (
    ERASED,
    PseudonymKey,
    account_pseudonym,
    mention_pseudonyms,
    pseudonymise_post_id,
    pseudonymise_profile_links,
    replace_mentions,
)

FOLLOWER_BUCKETS = ((0, "0-99"), (100, "100-999"), (1_000, "1k-10k"), (10_000, "10k-100k"),
                    (100_000, "100k-1M"), (1_000_000, "1M+"))


@dataclass(frozen=True)
class MinimisationPolicy:
    """What silver keeps of fields that identify or locate people (conf: silver.minimise)."""

    followers: str = "bucket"      # drop | bucket
    geo_decimals: int | None = 1   # round coordinates (1 decimal ~ 11 km); None drops them
    place: str = "country"         # drop | country
    media: str = "types"           # drop | types (URLs and alt text are never kept)


@dataclass(frozen=True)
class LanguagePolicy:
    languages: tuple[str, ...] = ()
    min_confidence: float = DEFAULT_MIN_CONFIDENCE


# Columns the per-row pass produces (besides passing through what Spark computes).
_ID_COLUMNS = (S.POST_ID, S.CONVERSATION_ID, S.REPLY_TO_POST_ID, S.QUOTE_OF_POST_ID, S.REPOST_OF_POST_ID)
_PREPARED_SCHEMA = StructType(
    [
        StructField(S.PAYLOAD_SHA256, StringType(), False),
        *[StructField(f"_pseudo_{c}", StringType()) for c in _ID_COLUMNS],
        StructField(S.AUTHOR_PSEUDONYM, StringType()),
        StructField(S.REPLY_TO_AUTHOR_PSEUDONYM, StringType()),
        StructField(S.MENTION_PSEUDONYMS, ArrayType(StringType())),
        StructField(S.TEXT, StringType()),
        StructField(S.URLS, ArrayType(StringType())),
        StructField(S.LANG, StringType()),
        StructField(S.LANG_CONFIDENCE, DoubleType()),
        StructField(S.PII_REDACTED, IntegerType()),
    ]
)

SILVER_POSTS_SCHEMA = StructType(
    [
        StructField(S.POST_KEY, StringType(), False),
        StructField(S.PLATFORM, StringType(), False),
        StructField(S.POST_ID, StringType(), False),
        StructField(S.CHANNEL, StringType()),
        StructField(S.AUTHOR_PSEUDONYM, StringType()),
        StructField(S.CREATED_AT, TimestampType()),
        StructField(S.EDITED_AT, TimestampType()),
        StructField(S.TEXT, StringType()),
        StructField(S.LANG, StringType()),
        StructField(S.LANG_CONFIDENCE, DoubleType()),
        StructField(S.PLATFORM_LANG, StringType()),
        StructField(S.CONVERSATION_KEY, StringType()),
        StructField(S.REPLY_TO_POST_KEY, StringType()),
        StructField(S.REPLY_TO_AUTHOR_PSEUDONYM, StringType()),
        StructField(S.QUOTE_OF_POST_KEY, StringType()),
        StructField(S.REPOST_OF_POST_KEY, StringType()),
        StructField(S.MENTION_PSEUDONYMS, ArrayType(StringType())),
        StructField(S.HASHTAGS, ArrayType(StringType())),
        StructField(S.URLS, ArrayType(StringType())),
        StructField(S.HAS_MEDIA, BooleanType()),
        StructField(S.MEDIA_TYPES, ArrayType(StringType())),
        StructField(S.LIKE_COUNT, LongType()),
        StructField(S.REPOST_COUNT, LongType()),
        StructField(S.REPLY_COUNT, LongType()),
        StructField(S.QUOTE_COUNT, LongType()),
        StructField(S.VIEW_COUNT, LongType()),
        StructField(S.GEO_LAT, DoubleType()),
        StructField(S.GEO_LON, DoubleType()),
        StructField(S.PLACE_COUNTRY, StringType()),
        StructField(S.FOLLOWERS_BUCKET, StringType()),
        StructField(S.PII_REDACTED, IntegerType()),
        StructField(S.CONTENT_HASH, StringType()),
        StructField(S.EXACT_DUP_COUNT, LongType()),
        StructField(S.NEAR_DUP_CLUSTER, StringType()),
        StructField(S.VERSIONS_SEEN, LongType()),
        StructField(S.COLLECTED_AT, TimestampType()),
        StructField(S.PAYLOAD_SHA256, StringType()),
        StructField(S.BRONZE_VERSION, LongType()),
        StructField(S.SILVER_RUN_ID, StringType()),
    ]
)

# Ordering of versions of one post: the newest edit wins; ties go to the latest collection.
_VERSION_ORDER = "_version_time"
_EVENT = S.EVENT_TYPE


def _key(platform: F.Column, post_id: F.Column) -> F.Column:
    return F.when(post_id.isNotNull(), F.concat_ws(":", platform, post_id))


def prepare_rows(
    bronze_rows: DataFrame,
    *,
    key: PseudonymKey,
    minimise: MinimisationPolicy,
    language: LanguagePolicy,
) -> DataFrame:
    """New bronze rows -> silver candidate rows (one per bronze version, deletions included).

    Adds post_key, the pseudonym columns, redacted text, language, minimised profile/geo/media
    columns, content_hash and `_version_time`; drops raw author fields and the raw payload.
    Keeps `event_type` so deletions can be resolved.
    """
    per_row = bronze_rows.select(
        S.PAYLOAD_SHA256, S.PLATFORM, S.AUTHOR_ID, S.AUTHOR_HANDLE, S.REPLY_TO_AUTHOR_ID, S.MENTIONS, S.TEXT, S.URLS,
        *_ID_COLUMNS,
    ).mapInPandas(_per_row_function(key, language), _PREPARED_SCHEMA)
    structural = bronze_rows.select(
        S.PLATFORM,
        S.CHANNEL,
        S.EVENT_TYPE,
        S.CREATED_AT,
        S.EDITED_AT,
        F.col(S.LANG).alias(S.PLATFORM_LANG),
        F.transform(F.coalesce(F.col(S.HASHTAGS), F.array().cast("array<string>")), lambda t: F.lower(t)).alias(S.HASHTAGS),
        *_media_columns(minimise),
        S.LIKE_COUNT, S.REPOST_COUNT, S.REPLY_COUNT, S.QUOTE_COUNT, S.VIEW_COUNT,
        *_geo_columns(minimise),
        _followers_column(minimise),
        F.coalesce(S.EDITED_AT, S.CREATED_AT).alias(_VERSION_ORDER),
        S.COLLECTED_AT,
        S.INGESTED_AT,
        S.PAYLOAD_SHA256,
    ).dropDuplicates([S.PAYLOAD_SHA256])
    joined = structural.join(per_row, on=S.PAYLOAD_SHA256, how="inner")
    platform = F.col(S.PLATFORM)

    def pseudo(column: str) -> F.Column:
        return F.col(f"_pseudo_{column}")

    prepared = joined.select(
        "*",
        _key(platform, pseudo(S.POST_ID)).alias(S.POST_KEY),
        pseudo(S.POST_ID).alias(S.POST_ID),
        _key(platform, pseudo(S.CONVERSATION_ID)).alias(S.CONVERSATION_KEY),
        _key(platform, pseudo(S.REPLY_TO_POST_ID)).alias(S.REPLY_TO_POST_KEY),
        _key(platform, pseudo(S.QUOTE_OF_POST_ID)).alias(S.QUOTE_OF_POST_KEY),
        _key(platform, pseudo(S.REPOST_OF_POST_ID)).alias(S.REPOST_OF_POST_KEY),
    ).drop(*[f"_pseudo_{c}" for c in _ID_COLUMNS])
    return prepared.withColumn(S.CONTENT_HASH, content_hash(F.col(S.TEXT)))


def content_hash(text: F.Column) -> F.Column:
    """sha256 of the text lower-cased with whitespace collapsed; null for empty text."""
    normalised = F.trim(F.regexp_replace(F.lower(text), r"\s+", " "))
    return F.when(F.length(normalised) > 0, F.sha2(normalised, 256))


def _media_columns(policy: MinimisationPolicy) -> list[F.Column]:
    if policy.media == "drop":
        return [F.lit(None).cast("boolean").alias(S.HAS_MEDIA), F.lit(None).cast("array<string>").alias(S.MEDIA_TYPES)]
    media = F.coalesce(F.col(S.MEDIA), F.array())
    return [
        (F.size(media) > 0).alias(S.HAS_MEDIA),
        F.array_distinct(F.transform(media, lambda m: m["type"])).alias(S.MEDIA_TYPES),
    ]


def _geo_columns(policy: MinimisationPolicy) -> list[F.Column]:
    if policy.geo_decimals is None:
        lat, lon = F.lit(None).cast("double"), F.lit(None).cast("double")
    else:
        lat, lon = F.round(S.GEO_LAT, policy.geo_decimals), F.round(S.GEO_LON, policy.geo_decimals)
    country = F.col(S.PLACE_COUNTRY) if policy.place == "country" else F.lit(None).cast("string")
    return [lat.alias(S.GEO_LAT), lon.alias(S.GEO_LON), country.alias(S.PLACE_COUNTRY)]


def _followers_column(policy: MinimisationPolicy) -> F.Column:
    if policy.followers == "drop":
        return F.lit(None).cast("string").alias(S.FOLLOWERS_BUCKET)
    bucket = F.lit(None).cast("string")
    for floor, label in FOLLOWER_BUCKETS:
        bucket = F.when(F.col(S.AUTHOR_FOLLOWERS) >= floor, F.lit(label)).otherwise(bucket)
    return bucket.alias(S.FOLLOWERS_BUCKET)


def _per_row_function(key: PseudonymKey, language: LanguagePolicy):
    """The mapInPandas body. `key` travels to the workers inside the pickled closure (never in
    a column, a log line or the plan string)."""

    def prepare(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        from socialake.silver.language import detect_languages
        from socialake.silver.pii import redact_pii, strip_tracking_params

        for batch in batches:
            out = {name: [] for name in _PREPARED_SCHEMA.fieldNames()}
            for row in batch.itertuples(index=False):
                platform = row.platform
                tokens, by_handle = mention_pseudonyms(key, platform, _records(row.mentions))
                redacted, counts = redact_pii(row.text)
                # links first: an account in a link gets its link's platform (see replace_mentions)
                text = replace_mentions(key, platform, pseudonymise_profile_links(key, redacted, by_handle), by_handle)
                urls = row.urls
                out[S.PAYLOAD_SHA256].append(row.payload_sha256)
                for column in _ID_COLUMNS:
                    out[f"_pseudo_{column}"].append(pseudonymise_post_id(key, platform, getattr(row, column)))
                out[S.AUTHOR_PSEUDONYM].append(account_pseudonym(key, platform, row.author_id, row.author_handle))
                out[S.REPLY_TO_AUTHOR_PSEUDONYM].append(
                    account_pseudonym(key, platform, row.reply_to_author_id, None)
                )
                out[S.MENTION_PSEUDONYMS].append(tokens)
                out[S.TEXT].append(text)
                out[S.URLS].append(
                    [pseudonymise_profile_links(key, strip_tracking_params(u), by_handle) for u in urls]
                    if urls is not None else []
                )
                out[S.PII_REDACTED].append(int(sum(counts.values())))
            # one vectorised call per batch (several times faster than text by text)
            detected = detect_languages(out[S.TEXT], languages=language.languages,
                                        min_confidence=language.min_confidence)
            out[S.LANG] = [lang for lang, _ in detected]
            out[S.LANG_CONFIDENCE] = [confidence for _, confidence in detected]
            yield pd.DataFrame(out)

    return prepare


def _records(value) -> list[dict]:
    if value is None:
        return []
    return [dict(item) for item in value if item is not None]


def resolve_versions(candidates: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Fold the versions of each post: returns (posts, tombstones).

    posts: one row per post_key, the newest version (by edit/creation time, then collection
    and ingestion time, then payload hash for a stable tie-break), with versions_seen summed.
    tombstones: (post_key, deleted_at) of every post with a deletion event; such posts are not
    in `posts`. Adds versions_seen; drops event_type and the ordering helpers.
    """
    keyed = candidates.where(F.col(S.POST_KEY).isNotNull())
    tombstones = (
        keyed.where(F.col(_EVENT) == S.EVENT_DELETE)
        .groupBy(S.POST_KEY)
        .agg(F.max(F.coalesce(_VERSION_ORDER, S.COLLECTED_AT, S.INGESTED_AT)).alias(S.DELETED_AT))
    )
    live = keyed.where(F.col(_EVENT) != S.EVENT_DELETE)
    newest_first = Window.partitionBy(S.POST_KEY).orderBy(
        F.col(_VERSION_ORDER).desc_nulls_last(),
        F.col(S.COLLECTED_AT).desc_nulls_last(),
        F.col(S.INGESTED_AT).desc_nulls_last(),
        F.col(S.PAYLOAD_SHA256).desc(),
    )
    whole_group = Window.partitionBy(S.POST_KEY)
    posts = (
        live.withColumn("_rank", F.row_number().over(newest_first))
        .withColumn(S.VERSIONS_SEEN, F.sum(F.coalesce(F.col(S.VERSIONS_SEEN), F.lit(1))).over(whole_group))
        .where("_rank = 1")
        .drop("_rank")
    )
    posts = posts.join(tombstones.select(S.POST_KEY), on=S.POST_KEY, how="left_anti")
    return posts, tombstones


def mark_exact_duplicates(posts: DataFrame) -> DataFrame:
    """Adds exact_dup_count: how many posts share this post's content_hash (1 = unique).
    Reposts and empty texts get null: a repost repeats by design."""
    counted = Window.partitionBy(S.CONTENT_HASH)
    eligible = F.col(S.CONTENT_HASH).isNotNull() & F.col(S.REPOST_OF_POST_KEY).isNull()
    return posts.withColumn(
        S.EXACT_DUP_COUNT,
        F.when(eligible, F.sum(F.when(eligible, 1).otherwise(0)).over(counted).cast("long")),
    )


def build_edges(posts: DataFrame) -> DataFrame:
    """Interactions between pseudonymised authors: (src, dst, kind, post_key, platform,
    created_at). Reply targets come from the platform's reply-to author or, failing that, the
    replied post's author in silver; repost/quote targets from the referenced post's author.
    Self-interactions (threads, self-quotes) and interactions with erased accounts are left out."""
    authors = posts.select(F.col(S.POST_KEY).alias("_ref_key"), F.col(S.AUTHOR_PSEUDONYM).alias("_ref_author"))
    base = posts.where(F.col(S.AUTHOR_PSEUDONYM).isNotNull())

    def referenced(column: str, kind: str, fallback: F.Column | None = None) -> DataFrame:
        joined = base.where(F.col(column).isNotNull()).join(
            authors, F.col(column) == F.col("_ref_key"), "left"
        )
        target = F.coalesce(fallback, F.col("_ref_author")) if fallback is not None else F.col("_ref_author")
        return joined.select(
            F.col(S.AUTHOR_PSEUDONYM).alias(S.EDGE_SRC), target.alias(S.EDGE_DST), F.lit(kind).alias(S.EDGE_KIND),
            S.POST_KEY, S.PLATFORM, S.CREATED_AT,
        )

    mentions = base.select(
        F.col(S.AUTHOR_PSEUDONYM).alias(S.EDGE_SRC),
        F.explode(S.MENTION_PSEUDONYMS).alias(S.EDGE_DST),
        F.lit("mention").alias(S.EDGE_KIND),
        S.POST_KEY, S.PLATFORM, S.CREATED_AT,
    )
    edges = (
        referenced(S.REPLY_TO_POST_KEY, "reply", F.col(S.REPLY_TO_AUTHOR_PSEUDONYM))
        .unionByName(referenced(S.REPOST_OF_POST_KEY, "repost"))
        .unionByName(referenced(S.QUOTE_OF_POST_KEY, "quote"))
        .unionByName(mentions)
    )
    real = F.col(S.EDGE_DST).isNotNull() & (F.col(S.EDGE_DST) != ERASED) & (F.col(S.EDGE_SRC) != F.col(S.EDGE_DST))
    return edges.where(real).dropDuplicates(
        [S.EDGE_SRC, S.EDGE_DST, S.EDGE_KIND, S.POST_KEY]
    )

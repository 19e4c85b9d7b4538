"""Table names, column names and schemas of the bronze, silver and gold tables (the ops.*
tables are named beside the code that writes them: quality/validate.py, privacy.py).

Defined once here so that parsers, transforms, the lake and the tests agree. Schemas are
Spark StructTypes; the parsers (which run in plain Python on executors) produce dicts whose
keys are exactly the field names below, and `socialake.lake.spark_to_arrow_schema()` gives
the matching Arrow schema for building record batches.
"""

from __future__ import annotations

from pyspark.sql.types import (
    ArrayType,
    BinaryType,
    DoubleType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

# --- table names (layer.entity) -------------------------------------------------------------
BRONZE_POSTS = "bronze.posts"
BRONZE_QUARANTINE = "bronze.quarantine"

# --- platforms and formats -----------------------------------------------------------------
PLATFORM_X = "x"
PLATFORM_REDDIT = "reddit"
PLATFORM_MASTODON = "mastodon"
PLATFORM_BLUESKY = "bluesky"
PLATFORM_GENERIC = "generic"
PLATFORMS = (PLATFORM_X, PLATFORM_REDDIT, PLATFORM_MASTODON, PLATFORM_BLUESKY, PLATFORM_GENERIC)

FORMAT_X_V2 = "x_v2"
FORMAT_X_V1 = "x_v1.1"
FORMAT_REDDIT_API = "reddit_api"
FORMAT_PUSHSHIFT = "pushshift"
FORMAT_MASTODON = "mastodon"
FORMAT_JETSTREAM = "jetstream"
FORMAT_CSV = "csv"
FORMAT_JSONL = "jsonl"
SOURCE_FORMATS = (
    FORMAT_X_V2,
    FORMAT_X_V1,
    FORMAT_REDDIT_API,
    FORMAT_PUSHSHIFT,
    FORMAT_MASTODON,
    FORMAT_JETSTREAM,
    FORMAT_CSV,
    FORMAT_JSONL,
)

# event_type: what a bronze row says happened to the post
EVENT_POST = "post"      # a post as first seen (or re-seen unchanged)
EVENT_EDIT = "edit"      # a newer version of an existing post (Mastodon edited_at, X edit history)
EVENT_DELETE = "delete"  # the post is gone (Jetstream delete, Reddit [deleted]/[removed], X errors)
EVENT_TYPES = (EVENT_POST, EVENT_EDIT, EVENT_DELETE)

# --- column names ----------------------------------------------------------------------------
# provenance
PAYLOAD_SHA256 = "payload_sha256"  # sha256 hex of raw_payload (UTF-8): the bronze row key
RAW_PAYLOAD = "raw_payload"
PLATFORM = "platform"
SOURCE_FORMAT = "source_format"
API_VERSION = "api_version"
SOURCE_NAME = "source_name"
SOURCE_FILE = "source_file"
SOURCE_OFFSET = "source_offset"  # where in the file: "line 12", "$.data[3]", "row 7"
COLLECTED_AT = "collected_at"
INGESTED_AT = "ingested_at"
RUN_ID = "run_id"
# parsed, canonical
EVENT_TYPE = "event_type"
POST_ID = "post_id"
POST_URL = "post_url"
CHANNEL = "channel"  # subreddit, Mastodon instance, ... (None where the platform has none)
AUTHOR_ID = "author_id"
AUTHOR_HANDLE = "author_handle"
AUTHOR_DISPLAY_NAME = "author_display_name"
AUTHOR_BIO = "author_bio"
AUTHOR_LOCATION = "author_location"
AUTHOR_FOLLOWERS = "author_followers"
CREATED_AT = "created_at"
EDITED_AT = "edited_at"
TEXT = "text"
LANG = "lang"
CONVERSATION_ID = "conversation_id"
REPLY_TO_POST_ID = "reply_to_post_id"
REPLY_TO_AUTHOR_ID = "reply_to_author_id"
QUOTE_OF_POST_ID = "quote_of_post_id"
REPOST_OF_POST_ID = "repost_of_post_id"
MENTIONS = "mentions"      # array<struct<author_id, handle>>
HASHTAGS = "hashtags"      # array<string>, without '#', case as written
URLS = "urls"              # array<string>, expanded where the platform gives it
MEDIA = "media"            # array<struct<media_id, type, url, alt_text>>
LIKE_COUNT = "like_count"
REPOST_COUNT = "repost_count"
REPLY_COUNT = "reply_count"
QUOTE_COUNT = "quote_count"
VIEW_COUNT = "view_count"
GEO_LAT = "geo_lat"
GEO_LON = "geo_lon"
PLACE_NAME = "place_name"
PLACE_COUNTRY = "place_country"  # ISO 3166-1 alpha-2 where given
# quarantine
QUARANTINE_ID = "quarantine_id"  # sha256 hex of (reason_code, raw bytes): re-ingest adds nothing
REASON_CODE = "reason_code"
REASON = "reason"
RAW_BYTES = "raw_bytes"        # exact bytes as read (bad UTF-8 survives)
RAW_PREVIEW = "raw_preview"    # first 2,000 characters decoded with replacement, for people

MENTION_TYPE = StructType(
    [StructField("author_id", StringType()), StructField("handle", StringType())]
)
MEDIA_TYPE = StructType(
    [
        StructField("media_id", StringType()),
        StructField("type", StringType()),
        StructField("url", StringType()),
        StructField("alt_text", StringType()),
    ]
)

# Fields a parser fills, in table order (provenance added by the reader).
PARSED_FIELDS = StructType(
    [
        StructField(EVENT_TYPE, StringType(), False),
        StructField(POST_ID, StringType(), False),
        StructField(POST_URL, StringType()),
        StructField(CHANNEL, StringType()),
        StructField(AUTHOR_ID, StringType()),
        StructField(AUTHOR_HANDLE, StringType()),
        StructField(AUTHOR_DISPLAY_NAME, StringType()),
        StructField(AUTHOR_BIO, StringType()),
        StructField(AUTHOR_LOCATION, StringType()),
        StructField(AUTHOR_FOLLOWERS, LongType()),
        StructField(CREATED_AT, TimestampType()),
        StructField(EDITED_AT, TimestampType()),
        StructField(TEXT, StringType()),
        StructField(LANG, StringType()),
        StructField(CONVERSATION_ID, StringType()),
        StructField(REPLY_TO_POST_ID, StringType()),
        StructField(REPLY_TO_AUTHOR_ID, StringType()),
        StructField(QUOTE_OF_POST_ID, StringType()),
        StructField(REPOST_OF_POST_ID, StringType()),
        StructField(MENTIONS, ArrayType(MENTION_TYPE)),
        StructField(HASHTAGS, ArrayType(StringType())),
        StructField(URLS, ArrayType(StringType())),
        StructField(MEDIA, ArrayType(MEDIA_TYPE)),
        StructField(LIKE_COUNT, LongType()),
        StructField(REPOST_COUNT, LongType()),
        StructField(REPLY_COUNT, LongType()),
        StructField(QUOTE_COUNT, LongType()),
        StructField(VIEW_COUNT, LongType()),
        StructField(GEO_LAT, DoubleType()),
        StructField(GEO_LON, DoubleType()),
        StructField(PLACE_NAME, StringType()),
        StructField(PLACE_COUNTRY, StringType()),
    ]
)

PROVENANCE_FIELDS = StructType(
    [
        StructField(PAYLOAD_SHA256, StringType(), False),
        StructField(PLATFORM, StringType(), False),
        StructField(SOURCE_FORMAT, StringType(), False),
        StructField(API_VERSION, StringType()),
        StructField(SOURCE_NAME, StringType(), False),
        StructField(SOURCE_FILE, StringType(), False),
        StructField(SOURCE_OFFSET, StringType()),
        StructField(COLLECTED_AT, TimestampType()),
        StructField(INGESTED_AT, TimestampType(), False),
        StructField(RUN_ID, StringType(), False),
        StructField(RAW_PAYLOAD, StringType(), False),
    ]
)

BRONZE_POSTS_SCHEMA = StructType(PROVENANCE_FIELDS.fields + PARSED_FIELDS.fields)

BRONZE_QUARANTINE_SCHEMA = StructType(
    [
        StructField(QUARANTINE_ID, StringType(), False),
        StructField(REASON_CODE, StringType(), False),
        StructField(REASON, StringType(), False),
        StructField(PLATFORM, StringType()),
        StructField(SOURCE_FORMAT, StringType()),
        StructField(SOURCE_NAME, StringType(), False),
        StructField(SOURCE_FILE, StringType(), False),
        StructField(SOURCE_OFFSET, StringType()),
        StructField(COLLECTED_AT, TimestampType()),
        StructField(INGESTED_AT, TimestampType(), False),
        StructField(RUN_ID, StringType(), False),
        StructField(RAW_BYTES, BinaryType(), False),
        StructField(RAW_PREVIEW, StringType()),
    ]
)

# Reason codes of bronze.quarantine (stable strings: dashboards and alerts filter on them).
REASON_BAD_UTF8 = "bad_utf8"
REASON_BAD_JSON = "bad_json"
REASON_BAD_CSV = "bad_csv"
REASON_UNKNOWN_FORMAT = "unknown_format"
REASON_NOT_A_POST = "not_a_post"          # a valid document of another kind (user list, counts)
REASON_API_ERROR = "api_error"            # an error response (400 too many ids, ...)
REASON_MISSING_FIELD = "missing_field"    # no post id, no text and no deletion marker, ...
REASON_BAD_VALUE = "bad_value"            # wrong type, unparsable timestamp, ...
REASON_READ_ERROR = "read_error"          # the file itself could not be read (gzip CRC, I/O)
REASON_FAILED_EXPECTATION = "failed_expectation"  # parsed, but a quality check routed it here
REASON_CODES = (
    REASON_FAILED_EXPECTATION,
    REASON_BAD_UTF8,
    REASON_BAD_JSON,
    REASON_BAD_CSV,
    REASON_UNKNOWN_FORMAT,
    REASON_NOT_A_POST,
    REASON_API_ERROR,
    REASON_MISSING_FIELD,
    REASON_BAD_VALUE,
    REASON_READ_ERROR,
)


# --- silver -----------------------------------------------------------------------------------
SILVER_POSTS = "silver.posts"
SILVER_EDGES = "silver.edges"
SILVER_TOMBSTONES = "silver.tombstones"
SILVER_QUARANTINE = "silver.quarantine"  # post_key, failed check, payload_sha256 (never the content)

POST_KEY = "post_key"                  # "<platform>:<post_id>": unique in silver.posts
AUTHOR_PSEUDONYM = "author_pseudonym"  # "u_" + 32 hex chars of HMAC-SHA256(key, platform, id or handle)
PSEUDONYM_PATTERN = r"^u_[0-9a-f]{32}$"  # every pseudonym column: authors, mentions, edge ends
REPLY_TO_POST_KEY = "reply_to_post_key"
REPLY_TO_AUTHOR_PSEUDONYM = "reply_to_author_pseudonym"
QUOTE_OF_POST_KEY = "quote_of_post_key"
REPOST_OF_POST_KEY = "repost_of_post_key"
CONVERSATION_KEY = "conversation_key"
MENTION_PSEUDONYMS = "mention_pseudonyms"
PLATFORM_LANG = "platform_lang"        # the language the platform declared, if any
LANG_CONFIDENCE = "lang_confidence"
FOLLOWERS_BUCKET = "author_followers_bucket"
HAS_MEDIA = "has_media"
MEDIA_TYPES = "media_types"
CONTENT_HASH = "content_hash"          # sha256 of the normalised redacted text
EXACT_DUP_COUNT = "exact_dup_count"    # posts in silver with the same content_hash (1 = unique)
NEAR_DUP_CLUSTER = "near_dup_cluster"  # smallest post_key of the near-duplicate cluster, null if none
PII_REDACTED = "pii_redacted"          # number of PII spans replaced in text
VERSIONS_SEEN = "versions_seen"        # bronze versions (edits) folded into this row
BRONZE_VERSION = "bronze_version"      # the bronze.posts table version this row was computed from
SILVER_RUN_ID = "silver_run_id"
DELETED_AT = "deleted_at"

EDGE_SRC = "src"
EDGE_DST = "dst"
EDGE_KIND = "kind"                     # reply | mention | repost | quote
EDGE_KINDS = ("reply", "mention", "repost", "quote")

# --- gold -------------------------------------------------------------------------------------
GOLD_POST_SENTIMENT = "gold.post_sentiment"
GOLD_POST_TOPICS = "gold.post_topics"
GOLD_POST_EMBEDDINGS = "gold.post_embeddings"
GOLD_TOPICS = "gold.topics"                    # per run: top terms and weights of each topic (appended)
GOLD_COMMUNITIES = "gold.communities"
GOLD_TRENDS = "gold.trends"
GOLD_ALERTS = "gold.alerts"
GOLD_COORDINATION = "gold.coordination"
GOLD_FACT_POSTS = "gold.fact_posts"
GOLD_FACT_INTERACTIONS = "gold.fact_interactions"
GOLD_DIM_AUTHOR = "gold.dim_author"
GOLD_DIM_TOPIC = "gold.dim_topic"
GOLD_DIM_DATE = "gold.dim_date"
GOLD_DAILY = "gold.daily_aggregates"
GOLD_TABLES = (GOLD_FACT_POSTS, GOLD_FACT_INTERACTIONS, GOLD_DIM_AUTHOR, GOLD_DIM_TOPIC, GOLD_DIM_DATE, GOLD_DAILY,
               GOLD_POST_SENTIMENT, GOLD_POST_TOPICS, GOLD_POST_EMBEDDINGS, GOLD_TOPICS, GOLD_COMMUNITIES,
               GOLD_TRENDS, GOLD_ALERTS, GOLD_COORDINATION)
# Lineage, on every gold row.
GOLD_RUN_ID = "gold_run_id"
MLFLOW_RUN_ID = "mlflow_run_id"
SILVER_VERSION = "silver_version"

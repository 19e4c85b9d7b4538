"""Every table of every layer, declared once: name, layer, schema, key, write mode, partitioning,
the time column retention uses, the columns that can name a person, and what each column means.

Retention, erasure, the privacy scan in the tests and the README's table reference read this
module (`python -m socialake.catalog` prints the reference); nothing else lists tables. A test
checks that each table the pipeline writes has exactly the declared columns and types.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from pyspark.sql.types import (ArrayType, BinaryType, BooleanType, DataType, DateType, DoubleType, FloatType,
                               IntegerType, LongType, StringType, StructField, StructType, TimestampType)

from socialake import schemas as S

LAYERS = ("bronze", "silver", "gold", "ops")
# merge: by key, rows whose key is already in the table are not written again (Delta MERGE)
WRITE_MODES = ("append", "merge", "overwrite")


@dataclass(frozen=True)
class Column:
    name: str
    type: str          # Spark SQL DDL type
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    mode: str
    partition_by: tuple[str, ...] = ()
    time_column: str | None = None        # SQL expression retention compares with the cutoff
    person_columns: tuple[str, ...] = ()  # can name or point at a person (erasure, privacy scans)

    @property
    def layer(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def schema(self) -> StructType:
        return StructType([StructField(c.name, parse_type(c.type)) for c in self.columns])

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_ATOMS = {"string": StringType(), "int": IntegerType(), "bigint": LongType(), "double": DoubleType(),
          "float": FloatType(), "boolean": BooleanType(), "timestamp": TimestampType(), "date": DateType(),
          "binary": BinaryType()}


def parse_type(ddl: str) -> DataType:
    """The Spark type of a DDL type string (atoms, array<...>, struct<name:type,...>), parsed
    without a SparkSession so the catalog can be read anywhere."""
    ddl = ddl.strip()
    if ddl in _ATOMS:
        return _ATOMS[ddl]
    if ddl.startswith("array<") and ddl.endswith(">"):
        return ArrayType(parse_type(ddl[6:-1]))
    if ddl.startswith("struct<") and ddl.endswith(">"):
        fields, depth, start, body = [], 0, 0, ddl[7:-1]
        for i, ch in enumerate(body + ","):
            depth += ch == "<"
            depth -= ch == ">"
            if ch == "," and depth == 0:
                name, inner = body[start:i].split(":", 1)
                fields.append(StructField(name.strip(), parse_type(inner)))
                start = i + 1
        return StructType(fields)
    raise ValueError(f"unknown type {ddl!r} in the catalog")


def _columns(spec: str) -> tuple[Column, ...]:
    """`name | type | description` lines -> Columns (keeps the declarations below readable)."""
    found = []
    for line in filter(str.strip, spec.splitlines()):
        name, dtype, description = (part.strip() for part in line.split("|", 2))
        found.append(Column(name, dtype, description))
    return tuple(found)


LINEAGE = """
gold_run_id | string | the gold run that wrote the row (ops.runs)
mlflow_run_id | string | the MLflow run of that gold run
silver_version | bigint | the silver.posts version the row was computed from
"""

_MENTION = "array<struct<author_id:string,handle:string>>"
_MEDIA = "array<struct<media_id:string,type:string,url:string,alt_text:string>>"

BRONZE_POSTS = Table(
    S.BRONZE_POSTS, "one row per distinct raw record (post, newer version, deletion) with payload and provenance",
    _columns(f"""
payload_sha256 | string | sha256 of raw_payload; the key that makes re-ingestion idempotent
platform | string | x, reddit, mastodon, bluesky or generic
source_format | string | x_v2, x_v1.1, reddit_api, pushshift, mastodon, jetstream, csv or jsonl
api_version | string | the platform API version the record came from, where known
source_name | string | which collection or export (ingest.source_name)
source_file | string | the file the record was read from
source_offset | string | where in the file: line 12, $.data[3], row 7
collected_at | timestamp | when collected (argument, or the file's modification time)
ingested_at | timestamp | when ingested
run_id | string | the ingest run
raw_payload | string | the record as received, re-serialised canonically as JSON
event_type | string | post, edit (a newer version) or delete (the platform says it is gone)
post_id | string | the platform's id (Reddit fullname, Bluesky at:// URI)
post_url | string | link to the post
channel | string | subreddit, Mastodon instance, ...
author_id | string | raw account id (bronze only)
author_handle | string | raw handle (bronze only)
author_display_name | string | raw display name (bronze only)
author_bio | string | raw profile text (bronze only)
author_location | string | raw free-text location (bronze only)
author_followers | bigint | raw follower count (bronze only)
created_at | timestamp | when posted, UTC
edited_at | timestamp | when last edited, UTC
text | string | plain text (HTML removed)
lang | string | language the platform declared
conversation_id | string | thread id
reply_to_post_id | string | the post replied to
reply_to_author_id | string | the account replied to
quote_of_post_id | string | the post quoted
repost_of_post_id | string | the post reposted
mentions | {_MENTION} | accounts mentioned (id, handle)
hashtags | array<string> | hashtags without #, case as written
urls | array<string> | links, expanded where the platform gives it
media | {_MEDIA} | attached media
like_count | bigint | likes where given
repost_count | bigint | reposts where given
reply_count | bigint | replies where given
quote_count | bigint | quotes where given
view_count | bigint | views where given
geo_lat | double | latitude where given
geo_lon | double | longitude where given
place_name | string | place name where given
place_country | string | ISO 3166-1 alpha-2 country where given
"""),
    key=(S.PAYLOAD_SHA256,), mode="merge",
    time_column="coalesce(created_at, collected_at, ingested_at)",
    person_columns=("raw_payload", "author_id", "author_handle", "author_display_name", "author_bio",
                    "author_location", "reply_to_author_id", "mentions", "text", "post_url", "post_id"),
)

BRONZE_QUARANTINE = Table(
    S.BRONZE_QUARANTINE, "every record that could not become a bronze row, with the reason and the exact bytes",
    _columns("""
quarantine_id | string | sha256 of (reason_code, raw bytes): re-ingesting adds nothing
reason_code | string | bad_utf8, bad_json, bad_csv, unknown_format, not_a_post, api_error, missing_field, bad_value, read_error, failed_expectation
reason | string | what was wrong, for people
platform | string | the platform, where it could be told
source_format | string | the format, where it could be told
source_name | string | which collection or export
source_file | string | the file it was read from
source_offset | string | where in the file
collected_at | timestamp | when collected
ingested_at | timestamp | when ingested
run_id | string | the ingest run
raw_bytes | binary | the exact bytes as read (bad UTF-8 survives)
raw_preview | string | the first 2,000 characters decoded with replacement
"""),
    key=(S.QUARANTINE_ID,), mode="merge", time_column="coalesce(collected_at, ingested_at)",
    person_columns=("raw_bytes", "raw_preview"),
)

SILVER_POSTS = Table(
    S.SILVER_POSTS, "one row per live post, newest version: pseudonymised, PII-redacted, minimised, language, duplicates",
    _columns("""
post_key | string | <platform>:<post_id>, unique (Bluesky keys carry the author's pseudonym, not the DID)
platform | string | x, reddit, mastodon, bluesky or generic
post_id | string | the platform's id
channel | string | subreddit, Mastodon instance, ...
author_pseudonym | string | u_ + 32 hex characters, keyed HMAC of the account
created_at | timestamp | when posted, UTC
edited_at | timestamp | when last edited, UTC
text | string | PII replaced by <EMAIL>, <PHONE>, <CARD>, <IP>, <IBAN>; mentions replaced by pseudonyms
lang | string | detected language (ISO 639-1, ISO 639-3 where there is none, und when unsure; README "Language labels")
lang_confidence | double | the language detector's probability
platform_lang | string | the language the platform declared
conversation_key | string | thread key
reply_to_post_key | string | the post replied to
reply_to_author_pseudonym | string | the account replied to
quote_of_post_key | string | the post quoted
repost_of_post_key | string | the post reposted
mention_pseudonyms | array<string> | accounts mentioned
hashtags | array<string> | hashtags, lower case
urls | array<string> | links, tracking parameters removed
has_media | boolean | whether media was attached
media_types | array<string> | the media types (URLs and alt text are dropped)
like_count | bigint | likes of the newest version
repost_count | bigint | reposts of the newest version
reply_count | bigint | replies of the newest version
quote_count | bigint | quotes of the newest version
view_count | bigint | views of the newest version
geo_lat | double | latitude, rounded by silver.minimise.geo_decimals
geo_lon | double | longitude, rounded by silver.minimise.geo_decimals
place_country | string | country code (place names are dropped)
author_followers_bucket | string | follower count as a range (0-99 ... 1M+)
pii_redacted | int | number of PII spans replaced in text
content_hash | string | sha256 of the normalised redacted text
exact_dup_count | bigint | live posts with the same content_hash (reposts: null)
near_dup_cluster | string | smallest post_key of the post's near-duplicate cluster, null if none
versions_seen | bigint | bronze versions (edits) folded into this row
collected_at | timestamp | when collected
payload_sha256 | string | the winning bronze row
bronze_version | bigint | the bronze.posts version this row was computed from
silver_run_id | string | the silver run that produced the row
"""),
    key=(S.POST_KEY,), mode="overwrite", time_column="coalesce(created_at, collected_at)",
    person_columns=("post_key", "post_id", "author_pseudonym", "text", "conversation_key", "reply_to_post_key",
                    "reply_to_author_pseudonym", "quote_of_post_key", "repost_of_post_key", "mention_pseudonyms",
                    "urls", "near_dup_cluster"),
)

SILVER_EDGES = Table(
    S.SILVER_EDGES, "one row per interaction between two different pseudonyms",
    _columns("""
src | string | the acting account's pseudonym
dst | string | the account acted on
kind | string | reply, mention, repost or quote
post_key | string | the post that carries the interaction
platform | string | the platform
created_at | timestamp | when
"""),
    key=(S.EDGE_SRC, S.EDGE_DST, S.EDGE_KIND, S.POST_KEY), mode="overwrite", time_column="created_at",
    person_columns=("src", "dst", "post_key"),
)

SILVER_TOMBSTONES = Table(
    S.SILVER_TOMBSTONES, "posts the platforms say are deleted, so an older export never brings them back",
    _columns("""
post_key | string | the deleted post
deleted_at | timestamp | when the deletion was seen
silver_run_id | string | the silver run that recorded it
"""),
    key=(S.POST_KEY,), mode="merge", time_column="deleted_at", person_columns=("post_key",),
)

SILVER_QUARANTINE = Table(
    S.SILVER_QUARANTINE, "silver rows a quality check held back: keys and the check only, never the content",
    _columns("""
post_key | string | the post held back
failed_check | string | the quality check it failed
payload_sha256 | string | the bronze row
silver_run_id | string | the silver run
quarantined_at | timestamp | when
"""),
    key=(S.POST_KEY, "failed_check"), mode="merge", time_column="quarantined_at", person_columns=("post_key",),
)

_SAMPLE_POST = "array<struct<engagement:bigint,post_key:string,created_at:timestamp,text:string>>"
_EVIDENCE = "array<struct<created_at:timestamp,post_key:string,author_pseudonym:string,text:string>>"

GOLD_FACT_POSTS = Table(
    S.GOLD_FACT_POSTS, "one row per silver post: the star schema's fact table",
    _columns("""
post_key | string | the silver post
date_key | int | yyyymmdd, joins gold.dim_date
hour | int | hour of day, UTC
created_at | timestamp | when posted
platform | string | the platform
lang | string | detected language
author_pseudonym | string | joins gold.dim_author
community_id | string | the author's community (null if the author never interacted)
topic_id | int | dominant topic, joins gold.dim_topic (null when the post has no vocabulary term)
topic_weight | double | the dominant topic's share of the post
sentiment_label | string | negative, neutral or positive
sentiment_score | double | -1..1
like_count | bigint | likes
repost_count | bigint | reposts
reply_count | bigint | replies
quote_count | bigint | quotes
engagement | bigint | likes + reposts + replies + quotes
hashtag_count | int | hashtags in the post
has_media | boolean | whether media was attached
near_dup_cluster | string | the post's near-duplicate cluster, null if none
""" + LINEAGE),
    key=(S.POST_KEY,), mode="overwrite", time_column="created_at",
    person_columns=("post_key", "author_pseudonym", "near_dup_cluster"),
)

GOLD_FACT_INTERACTIONS = Table(
    S.GOLD_FACT_INTERACTIONS, "one row per silver edge, with both ends' communities",
    _columns("""
src | string | acting account (pseudonym)
dst | string | account acted on (pseudonym)
kind | string | reply, mention, repost or quote
post_key | string | the post that carries it
platform | string | the platform
created_at | timestamp | when
date_key | int | yyyymmdd, joins gold.dim_date
src_community | string | src's community
dst_community | string | dst's community
""" + LINEAGE),
    key=(S.EDGE_SRC, S.EDGE_DST, S.EDGE_KIND, S.POST_KEY), mode="overwrite", time_column="created_at",
    person_columns=("src", "dst", "post_key"),
)

GOLD_DIM_AUTHOR = Table(
    S.GOLD_DIM_AUTHOR, "one row per pseudonymous author: activity, community and influence",
    _columns("""
author_pseudonym | string | the author
platform | string | the platform
posts | bigint | live posts
first_post_at | timestamp | first post
last_post_at | timestamp | latest post
author_followers_bucket | string | follower range of the latest post
mean_sentiment | double | mean sentiment_score of the author's posts
engagement | bigint | total engagement
community_id | string | community (null if the author never interacted)
pagerank | double | weighted PageRank in the interaction graph
in_degree | bigint | distinct accounts interacting with the author
out_degree | bigint | distinct accounts the author interacts with
pagerank_rank | int | 1 = most influential
""" + LINEAGE),
    key=(S.AUTHOR_PSEUDONYM,), mode="overwrite", person_columns=("author_pseudonym",),
)

GOLD_DIM_TOPIC = Table(
    S.GOLD_DIM_TOPIC, "one row per topic of the current topic model",
    _columns("""
topic_id | int | the topic
label | string | its three top terms
top_terms | array<string> | top terms, most weighty first
term_weights | array<double> | their weights
npmi | double | NPMI coherence of the top terms
topic_model | string | the registered topic model version
""" + LINEAGE),
    key=("topic_id",), mode="overwrite",
)

GOLD_DIM_DATE = Table(
    S.GOLD_DIM_DATE, "one row per day from the first to the last post",
    _columns("""
date_key | int | yyyymmdd
date | date | the day
year | int | year
quarter | int | quarter
month | int | month
day | int | day of month
iso_week | int | ISO week
weekday | string | Monday ... Sunday
is_weekend | boolean | Saturday or Sunday
""" + LINEAGE),
    key=("date_key",), mode="overwrite",
)

GOLD_DAILY = Table(
    S.GOLD_DAILY, "one row per day x platform x language x topic",
    _columns("""
date_key | int | yyyymmdd
platform | string | the platform
lang | string | language
topic_id | int | dominant topic
posts | bigint | posts
authors | bigint | distinct authors
negative | bigint | negative posts
neutral | bigint | neutral posts
positive | bigint | positive posts
mean_sentiment | double | mean sentiment_score
engagement | bigint | total engagement
""" + LINEAGE),
    key=("date_key", "platform", "lang", "topic_id"), mode="overwrite",
)

GOLD_POST_SENTIMENT = Table(
    S.GOLD_POST_SENTIMENT, "one row per post: the production sentiment model's label and score",
    _columns("""
post_key | string | the post
sentiment_label | string | negative, neutral or positive
sentiment_score | double | -1..1
sentiment_model | string | candidate and registered version
""" + LINEAGE),
    key=(S.POST_KEY,), mode="overwrite", person_columns=("post_key",),
)

GOLD_POST_TOPICS = Table(
    S.GOLD_POST_TOPICS, "one row per post: topic distribution under the current topic model",
    _columns("""
post_key | string | the post
topic_id | int | dominant topic
topic_weight | double | its share of the post
topic_distribution | array<double> | one weight per topic
topic_model | string | the registered topic model version
""" + LINEAGE),
    key=(S.POST_KEY,), mode="overwrite", person_columns=("post_key",),
)

GOLD_POST_EMBEDDINGS = Table(
    S.GOLD_POST_EMBEDDINGS, "one row per post: its sentence embedding",
    _columns("""
post_key | string | the post
embedding | array<float> | unit-length vector
embedding_model | string | the embedding model
embedding_dim | int | its dimension
""" + LINEAGE),
    key=(S.POST_KEY,), mode="overwrite", person_columns=("post_key",),
)

GOLD_TOPICS = Table(
    S.GOLD_TOPICS, "one row per topic model version x topic x term: the history of the topic models gold applied",
    _columns("""
topic_id | int | the topic
term_rank | int | 0 = the weightiest term
term | string | the term
weight | double | its weight in the topic
topic_model | string | the registered topic model version
""" + LINEAGE),
    key=("topic_model", "topic_id", "term_rank"), mode="merge",
)

GOLD_COMMUNITIES = Table(
    S.GOLD_COMMUNITIES, "one row per community of the interaction graph",
    _columns("""
community_id | string | c0000 is the largest
authors | bigint | members
posts | bigint | their posts
mean_sentiment | double | mean sentiment of their posts
top_topics | array<string> | labels of their commonest topics
top_hashtags | array<string> | their commonest hashtags
top_authors | array<string> | members with the highest PageRank (pseudonyms)
""" + LINEAGE),
    key=("community_id",), mode="overwrite", person_columns=("top_authors",),
)

GOLD_TRENDS = Table(
    S.GOLD_TRENDS, "one row per series x time bucket: volume, sentiment and share of voice",
    _columns("""
dimension | string | all, topic, hashtag or keyword
bucket_start | timestamp | start of the bucket
value | string | topic label t<id>, lower-cased hashtag or keyword
posts | bigint | posts
mean_sentiment | double | mean sentiment_score
share_of_voice | double | posts / all posts of that dimension in the bucket
bucket | string | hour or day
""" + LINEAGE),
    key=("dimension", "value", "bucket", "bucket_start"), mode="overwrite", time_column="bucket_start",
)

GOLD_ALERTS = Table(
    S.GOLD_ALERTS, "one row per spiking hour of a series, with the most engaged posts of that hour",
    _columns(f"""
dimension | string | all, topic, hashtag or keyword
value | string | the series
bucket_start | timestamp | the hour
posts | bigint | posts in the hour
baseline_median | double | median of the previous baseline_hours
baseline_mad | double | their median absolute deviation
robust_z | double | robust z-score (Poisson floor)
ratio | double | posts / baseline median
sample_posts | {_SAMPLE_POST} | the most engaged posts of the hour
alert_id | string | stable id of (dimension, value, hour)
""" + LINEAGE),
    key=("alert_id",), mode="overwrite", time_column="bucket_start", person_columns=("sample_posts",),
)

GOLD_COORDINATION = Table(
    S.GOLD_COORDINATION, "one row per group of accounts acting in concert",
    _columns(f"""
signal | string | near_duplicate, shared_url or bursty_account
group_key | string | cluster id, URL or account
accounts | int | distinct accounts
posts | bigint | posts
first_at | timestamp | first post of the group
last_at | timestamp | last post
span_seconds | bigint | last_at - first_at
score | double | accounts (posts, for bursts) per minute in the densest window
evidence | {_EVIDENCE} | up to 50 of the posts
coordination_id | string | stable id of (signal, group_key)
""" + LINEAGE),
    key=("coordination_id",), mode="overwrite", time_column="first_at",
    person_columns=("group_key", "evidence"),
)

OPS_VALIDATION_RESULTS = Table(
    "ops.validation_results", "one row per quality check per run (counts only, never row values)",
    _columns("""
run_id | string | the job run
evaluated_at | timestamp | when
table_name | string | the table checked
suite | string | the Great Expectations suite
check_name | string | the check (quality.actions keys)
expectation | string | the expectation type
column_name | string | the column checked
action | string | warn, quarantine or fail
success | boolean | whether the check passed
element_count | bigint | rows checked
unexpected_count | bigint | rows that failed
unexpected_percent | double | their share, in percent
error | string | why the check could not run, if it could not
"""),
    key=("run_id", "check_name"), mode="append", time_column="evaluated_at",
)

OPS_ERASURES = Table(
    "ops.erasures", "one row per erased pseudonym: keyed tokens that link to nothing left in the lake",
    _columns("""
erasure_token | string | keyed token of the erased pseudonym
platform | string | the platform
erased_at | timestamp | when
run_id | string | the erasure run
rows_deleted | bigint | rows deleted in all tables
"""),
    key=("erasure_token",), mode="append",
)

OPS_RUNS = Table(
    "ops.runs", "the run ledger: one row per job run and per product in it (what ran, on which inputs, "
    "producing which versions)",
    _columns("""
run_id | string | the job run
job | string | the job (gold)
product | string | the product, or * for the job's own row
status | string | succeeded, failed or skipped (already done by an earlier run)
started_at | timestamp | when it started
finished_at | timestamp | when it ended
seconds | double | how long it took
inputs | array<struct<table_name:string,version:bigint>> | the tables read and their versions (-1: not there yet)
outputs | array<struct<table_name:string,version:bigint,rows:bigint>> | the tables written, the version written (null: nothing new to merge) and rows written
config_hash | string | fingerprint of the product's config section
models | array<struct<kind:string,version:string,label:string>> | the model versions applied
metrics | array<struct<name:string,value:double>> | the product's metrics (also in MLflow)
params | array<struct<name:string,value:string>> | the product's parameters (also in MLflow)
files | array<string> | files written (e.g. the GEXF export)
mlflow_run_id | string | the job run's MLflow run
note | string | why it was skipped, or the error (first line, quoted values masked)
"""),
    key=("run_id", "job", "product"), mode="append", time_column="started_at",
)

TABLES: dict[str, Table] = {t.name: t for t in (
    BRONZE_POSTS, BRONZE_QUARANTINE, SILVER_POSTS, SILVER_EDGES, SILVER_TOMBSTONES, SILVER_QUARANTINE,
    GOLD_FACT_POSTS, GOLD_FACT_INTERACTIONS, GOLD_DIM_AUTHOR, GOLD_DIM_TOPIC, GOLD_DIM_DATE, GOLD_DAILY,
    GOLD_POST_SENTIMENT, GOLD_POST_TOPICS, GOLD_POST_EMBEDDINGS, GOLD_TOPICS, GOLD_COMMUNITIES, GOLD_TRENDS,
    GOLD_ALERTS, GOLD_COORDINATION, OPS_VALIDATION_RESULTS, OPS_ERASURES, OPS_RUNS)}


def table(name: str) -> Table:
    """The declaration of `name`; KeyError names the known tables."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"{name} is not in the catalog: use one of {', '.join(TABLES)}") from None


def tables(layer: str | None = None) -> list[Table]:
    return [t for t in TABLES.values() if layer is None or t.layer == layer]


def reference_markdown() -> str:
    """The README's table reference, generated from the declarations."""
    lines = []
    for layer in LAYERS:
        for t in tables(layer):
            details = [f"key `{', '.join(t.key)}`", f"written by {t.mode}"]
            if t.partition_by:
                details.append(f"partitioned by `{', '.join(t.partition_by)}`")
            if t.time_column:
                details.append(f"retention by `{t.time_column}`")
            lines += [f"### `{t.name}`", "", f"{t.description[0].upper()}{t.description[1:]} ({'; '.join(details)}).",
                      "", "| column | type | meaning |", "|---|---|---|"]
            for c in t.columns:
                marker = " (can name a person)" if c.name in t.person_columns else ""
                lines.append(f"| `{c.name}` | `{c.type}` | {c.description}{marker} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


README_BEGIN, README_END = "<!-- catalog:begin -->", "<!-- catalog:end -->"


def with_reference(readme: str) -> str:
    """`readme` with the text between the catalog markers replaced by the generated reference."""
    head, rest = readme.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    return f"{head}{README_BEGIN}\n{reference_markdown()}{README_END}{tail}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        sys.stdout.write(reference_markdown())
        return 0
    if len(args) != 2 or args[0] != "--readme":
        print("usage: python -m socialake.catalog [--readme README.md]", file=sys.stderr)
        return 2
    from pathlib import Path

    path = Path(args[1])
    text = path.read_text(encoding="utf-8")
    if README_BEGIN not in text or README_END not in text:
        print(f"{path} has no {README_BEGIN} ... {README_END} section: add the markers where the reference goes",
              file=sys.stderr)
        return 2
    path.write_text(with_reference(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

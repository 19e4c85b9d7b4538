"""Typed, frozen configuration: conf/base.yaml <- conf/<env>.yaml <- SOCIALAKE__* variables.

Every value is validated when the config is loaded, so a job fails at start-up with one line
that names the setting and the fix (`ConfigError`), never half-way through a run.

Each section is a frozen pydantic model that forbids unknown keys and checks types strictly
(no "5" for a number, no true for a count). Every field carries its fix (`Fix`); a
pydantic ValidationError is turned into one line, `<dotted.path> is <value>: <fix>`, by
`_one_line`, so pydantic's multi-line report never reaches the user.
"""

import os
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Mapping, Optional, Tuple

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from socialake.schemas import PARSED_FIELDS, SOURCE_FORMATS

ENV_PREFIX = "SOCIALAKE__"
CONF_DIR_VARIABLE = "SOCIALAKE_CONF_DIR"
DEFAULT_ENV = "local"

LAKE_ENGINES = ("auto", "embedded", "delta-spark")
GRAPH_ENGINES = ("auto", "embedded", "graphframes")
NLP_ENGINES = ("auto", "embedded")
# Community methods on the driver (socialake.analytics.graph.COMMUNITY_METHODS; compared in
# docs/measurements/communities.md); only the last two take gold.graph.resolution.
COMMUNITY_METHODS = ("leiden-fitted", "infomap", "label-propagation", "leiden-cpm-density", "leiden", "louvain")
RESOLUTION_METHODS = ("leiden", "louvain")
QUALITY_ACTIONS = ("warn", "quarantine", "fail")
# Why `engines.nlp: spark-nlp` is refused rather than accepted (docs/measurements/engines.md).
SPARK_NLP_REFUSAL = (
    "engines.nlp is spark-nlp, which socialake cannot run: Spark NLP's Spark 4 build "
    "(com.johnsnowlabs.nlp:spark-nlp_2.13:7.0.0) is not served by the Maven registry these machines reach "
    "and is not validated upstream on Spark 4.2; set engines.nlp to auto or embedded"
)
REMOTE_SCHEMES = ("s3://", "s3a://", "gs://", "abfss://", "abfs://", "az://", "hdfs://", "file://")
DEFAULT_EXTENSIONS = (".json", ".json.gz", ".ndjson", ".ndjson.gz", ".jsonl", ".csv")


class ConfigError(ValueError):
    """A configuration problem; the message is one line that says how to fix it."""


# --- building blocks: a fix per field, and the value types --------------------------------

@dataclass(frozen=True)
class Fix:
    """Annotated metadata: what to tell the user when the field's value is refused."""

    text: str


def _line(message: str) -> PydanticCustomError:
    """An error whose message is already the whole line for the user (not `<path> is <value>`)."""
    return PydanticCustomError("socialake", "{line}", {"line": message})


def _check(predicate: typing.Callable[[Any], bool]) -> AfterValidator:
    def validate(value: Any) -> Any:
        if not predicate(value):
            raise ValueError("refused")  # replaced by the field's Fix in _one_line
        return value
    return AfterValidator(validate)


def _choice(*allowed: str) -> Any:
    """The annotation of a string setting that must be one of `allowed`."""
    return Annotated[StrictStr, _check(lambda v: v in allowed), Fix(f"set it to one of {', '.join(allowed)}")]


def _or(default: Any) -> BeforeValidator:
    """null or empty in YAML means the default (e.g. `source_name:` left blank)."""
    return BeforeValidator(lambda v: default if v is None or v == "" or v == [] else v)


def _string_map(where: str) -> BeforeValidator:
    """A mapping of names to scalars, kept as strings (YAML true -> "true", 8 -> "8"); null is {}."""
    def convert(value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise ValueError("not a mapping")
        result = {}
        for key, item in value.items():
            if isinstance(item, bool):
                result[str(key)] = "true" if item else "false"
            elif isinstance(item, (str, int, float)):
                result[str(key)] = str(item)
            else:
                raise _line(f"{where}.{key} is {_shown(item)}: set it to a string, number or true/false")
        return result
    return BeforeValidator(convert)


Count = Annotated[StrictInt, Field(ge=0), Fix("set it to a whole number >= 0")]
PositiveCount = Annotated[StrictInt, Field(gt=0), Fix("set it to a positive whole number")]
Number = Annotated[StrictFloat, Field(ge=0), Fix("set it to a number >= 0")]
Share = Annotated[StrictFloat, Field(ge=0, le=1), Fix("set a number between 0 and 1")]
Flag = Annotated[StrictBool, Fix("set it to true or false")]
Text = Annotated[StrictStr, Fix("set it to a string")]
OptionalText = Annotated[Optional[StrictStr], Fix("set it to a string, or null for the default")]
Words = Annotated[Tuple[StrictStr, ...], _or(()), Fix("set it to a list of words, e.g. [outage, refund]")]


class _Section(BaseModel):
    """A config section: frozen, unknown keys refused, null in YAML means "all defaults"."""

    model_config = ConfigDict(frozen=True, extra="forbid", protected_namespaces=())

    @model_validator(mode="before")
    @classmethod
    def _null_is_empty(cls, data: Any) -> Any:
        return {} if data is None else data


# --- the sections -------------------------------------------------------------------------

def _resolve_root(root: str) -> str:
    if not root:
        raise _line("lake.root is empty: set it to a directory or URI (SOCIALAKE__LAKE__ROOT=/data/lake)")
    if not root.startswith(REMOTE_SCHEMES):
        root = str(Path(root).expanduser().resolve())
    return root.rstrip("/") or "/"


class LakeConfig(_Section):
    root: Annotated[StrictStr, _or(""), AfterValidator(_resolve_root),
                    Fix("set it to a directory or URI (SOCIALAKE__LAKE__ROOT=/data/lake)")]
    engine: _choice(*LAKE_ENGINES) = "auto"
    storage_options: Annotated[Mapping[str, str], _string_map("lake.storage_options"),
                               Fix("set it to a mapping of names to values")] = Field(default_factory=dict)
    vacuum_retention_hours: Annotated[StrictInt, Field(ge=0), Fix("set it to hours >= 0")] = 168


def _refuse_spark_nlp(value: Any) -> Any:
    if value == "spark-nlp":  # before the choice check, so the reason is given, not the list
        raise _line(SPARK_NLP_REFUSAL)
    return value


class EnginesConfig(_Section):
    graph: _choice(*GRAPH_ENGINES) = "auto"
    nlp: Annotated[_choice(*NLP_ENGINES), BeforeValidator(_refuse_spark_nlp)] = "auto"


class SparkConfig(_Section):
    master: Annotated[Optional[StrictStr], Fix("set it to a master URL such as local[*], or null")] = None
    shuffle_partitions: PositiveCount = 200
    conf: Annotated[Mapping[str, str], _string_map("spark.conf"),
                    Fix("set it to a mapping of Spark settings to values")] = Field(default_factory=dict)
    # conf/jars.yaml groups whose cached jars local sessions put on the classpath
    jar_groups: Annotated[Tuple[StrictStr, ...],
                          Fix("set it to a list of groups from conf/jars.yaml, e.g. [delta]")] = ("delta",)

    @field_validator("jar_groups")
    @classmethod
    def _groups_in_the_lock(cls, groups: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        conf_path = (info.context or {}).get("conf_path")
        if conf_path is None:  # built in code, not loaded: no conf/ to check against
            return groups
        from socialake.jars import JarsError, load_lock

        try:
            lock_path = Path(conf_path) / "jars.yaml"
            known = load_lock(lock_path if lock_path.is_file() else None).groups
        except JarsError as exc:
            raise _line(str(exc)) from None
        unknown = [g for g in groups if g not in known]
        if unknown:
            raise _line(f"spark.jar_groups names {unknown[0]!r}, which conf/jars.yaml does not define: "
                        f"use {', '.join(sorted(known))}")
        return groups


def _canonical_fields(mapping: Mapping[str, str]) -> Mapping[str, str]:
    bad_fields = sorted(set(mapping) - set(PARSED_FIELDS.fieldNames()))
    if bad_fields:
        raise _line(f"ingest.column_mapping maps unknown field {bad_fields[0]!r}: use canonical names such as "
                    "post_id, author_id, author_handle, created_at, text, lang")
    return mapping


class IngestConfig(_Section):
    source_name: Annotated[StrictStr, _or("default"), Fix("set it to a name such as default")] = "default"
    format: _choice("auto", *SOURCE_FORMATS) = "auto"
    column_mapping: Annotated[Mapping[str, str], _string_map("ingest.column_mapping"),
                              AfterValidator(_canonical_fields),
                              Fix("set it to a mapping of canonical fields to column names")] = Field(
        default_factory=dict)
    csv_delimiter: Annotated[StrictStr, Field(min_length=1, max_length=1),
                             Fix("set it to a single character such as ','")] = ","
    timestamp_format: Annotated[Optional[StrictStr],
                                Fix("set it to a strptime format such as '%Y-%m-%d %H:%M:%S', or null")] = None
    extensions: Annotated[Tuple[Annotated[StrictStr, Field(min_length=1)], ...], _or(DEFAULT_EXTENSIONS),
                          Fix("set it to a list of file endings such as ['.json', '.ndjson.gz']")] = DEFAULT_EXTENSIONS


class MinimiseConfig(_Section):
    """silver.minimise: what silver keeps of fields that identify or locate people."""

    followers: _choice("drop", "bucket") = "bucket"
    geo_decimals: Annotated[Optional[Annotated[StrictInt, Field(ge=0, le=4)]],
                            Fix("set 0-4 decimals, or null to drop coordinates")] = 1
    place: _choice("drop", "country") = "country"
    media: _choice("drop", "types") = "types"


def _lower_case(codes: Tuple[str, ...]) -> Tuple[str, ...]:
    return tuple(code.lower() for code in codes)


def _model_languages(codes: Tuple[str, ...]) -> Tuple[str, ...]:
    """Codes the language model can give; any other would never be detected (py3langid refuses it)."""
    if not codes:
        return codes
    from socialake.silver.language import MODEL_LABELS

    unknown = [code for code in codes if code not in MODEL_LABELS]
    if unknown:
        raise _line(f"silver.language.languages has {', '.join(unknown)}, which the language model (py3langid) "
                    f"does not know: use its codes, e.g. en, es, de, pt, ar, hi (ISO 639-1; ISO 639-3 such as "
                    f"yue where there is no 639-1 code); the README lists all {len(MODEL_LABELS)}")
    return codes


class LanguageConfig(_Section):
    """silver.language: language detection."""

    languages: Annotated[Tuple[Annotated[StrictStr, Field(min_length=2, max_length=3)], ...], _or(()),
                         AfterValidator(_lower_case), AfterValidator(_model_languages),
                         Fix("set it to a list of ISO 639-1 codes such as [en, es, de]")] = ()
    # measured: scripts/evaluate_langid.py, docs/measurements/langid.md (silver.language.DEFAULT_MIN_CONFIDENCE)
    min_confidence: Share = 0.2


class NearDuplicatesConfig(_Section):
    """silver.near_duplicates: what silver.near_duplicates.near_duplicate_clusters receives."""

    threshold: Annotated[StrictFloat, Field(gt=0, le=1), Fix("set a Jaccard similarity in (0, 1]")] = 0.6
    shingle_words: PositiveCount = 2
    bands: PositiveCount = 20
    rows: PositiveCount = 3
    min_words: PositiveCount = 5
    seed: Count = 42
    max_iterations: PositiveCount = 30
    driver_max_pairs: PositiveCount = 5_000_000


class SilverConfig(_Section):
    """The YAML shape (minimise / language / near_duplicates), with the flat attributes the
    silver job reads (followers, geo_decimals, ...) as properties."""

    minimise: MinimiseConfig = Field(default_factory=MinimiseConfig)
    language: LanguageConfig = Field(default_factory=LanguageConfig)
    near_duplicates: NearDuplicatesConfig = Field(default_factory=NearDuplicatesConfig)

    @property
    def followers(self) -> str:
        return self.minimise.followers

    @property
    def geo_decimals(self) -> int | None:
        return self.minimise.geo_decimals

    @property
    def place(self) -> str:
        return self.minimise.place

    @property
    def media(self) -> str:
        return self.minimise.media

    @property
    def languages(self) -> tuple[str, ...]:
        return self.language.languages

    @property
    def min_lang_confidence(self) -> float:
        return self.language.min_confidence


class RetentionConfig(_Section):
    bronze_days: Annotated[Optional[Annotated[StrictInt, Field(gt=0)]],
                           Fix("set it to a positive whole number of days, or null to keep every row")] = None
    silver_days: Annotated[Optional[Annotated[StrictInt, Field(gt=0)]],
                           Fix("set it to a positive whole number of days, or null to keep every row")] = None


def _known_checks(actions: Mapping[str, str]) -> Mapping[str, str]:
    """quality.actions keys are "<check>" (every suite with it) or "<suite>.<check>", as
    Suite.with_actions reads them; refuse names no suite has and quarantine on table-level checks."""
    if not actions:
        return actions
    from socialake.quality.suites import all_suites  # only when actions are set: pulls in pyspark.sql

    suites = all_suites()
    row_level: dict[str, list[tuple[str, bool]]] = {}  # check name -> [(suite, row-level?)]
    for suite in suites:
        for check in suite.checks:
            row_level.setdefault(check.name, []).append((suite.name, check.row_level and suite.has_quarantine))
            row_level.setdefault(f"{suite.name}.{check.name}", []).append((suite.name, check.row_level and suite.has_quarantine))
    for name, action in actions.items():
        where = f"quality.actions.{name}"
        if action not in QUALITY_ACTIONS:
            raise _line(f"{where} is {action!r}: set it to one of {', '.join(QUALITY_ACTIONS)}")
        if name not in row_level:
            names = sorted({check.name for suite in suites for check in suite.checks})
            raise _line(f"unknown quality check {where}: use one of {', '.join(names)} "
                        f"(or <suite>.<check>, suite one of {', '.join(s.name for s in suites)})")
        table_level = [suite for suite, rows in row_level[name] if not rows]
        if action == "quarantine" and table_level:
            which = "it" if "." in name else f"{table_level[0]}.{name}"
            raise _line(f"{where} is 'quarantine', but {which} is a table-level check "
                        "(no failing rows to route): set it to warn or fail")
    return actions


class QualityConfig(_Section):
    actions: Annotated[Mapping[str, str], _string_map("quality.actions"), AfterValidator(_known_checks),
                       Fix("set it to a mapping of check names to warn, quarantine or fail")] = Field(
        default_factory=dict)  # check name -> warn | quarantine | fail


class TrackingConfig(_Section):
    uri: OptionalText = None             # null: MLFLOW_TRACKING_URI, else sqlite under the lake root
    artifact_root: OptionalText = None   # null: <lake root>/_mlflow/artifacts
    experiment: Text = "socialake"
    model_prefix: Text = "socialake"     # registered models: <prefix>-sentiment, <prefix>-topics


class SentimentConfig(_Section):
    model: _choice("auto", "vader", "retrain") = "auto"  # auto (registered production model) | vader | retrain
    vader_threshold: Number = 0.05
    test_fraction: Annotated[StrictFloat, Field(gt=0, lt=1), Fix("set it between 0 and 1")] = 0.4
    neutral_band: Number = 0.5    # VADER tweets' |human rating| below this counts as neutral in training
    reg_param: Number = 0.0003    # measured on the TweetEval hold-out: 0.0001-0.0003 best (0.636)
    max_iter: Count = 100
    num_features: PositiveCount = 1 << 16   # hashed uni- and bigram features of the learned candidates
    vader_weight: Number = 3.0    # VADER's four scores are dense and few: scaled up to compete with n-grams
    seed: Count = 42
    # a retrained best candidate replaces production only when its held-out macro recall is at
    # least this much higher (the same split scores both); `train-sentiment --force` skips it
    promote_margin: Annotated[StrictFloat, Field(ge=0, le=1), Fix("set a macro-recall margin in [0, 1], e.g. 0.005")] = 0.005


class TopicsConfig(_Section):
    # null: choose k by a sweep over k_candidates (best NPMI coherence)
    k: Annotated[Optional[Annotated[StrictInt, Field(ge=2)]],
                 Fix("set it to 2 or more, or null to sweep k_candidates")] = 8
    k_candidates: Annotated[Tuple[Annotated[StrictInt, Field(ge=2)], ...], Field(min_length=1),
                            Fix("set it to a list of whole numbers >= 2, e.g. [6, 8, 10, 12]")] = (6, 8, 10, 12)
    max_iterations: Count = 50
    subsampling_rate: Number = 0.2  # share of posts per online-LDA step
    fit_sample: Count = 100_000     # fit on a seeded sample of at most this many posts (0: all); applied to all
    vocab_size: Count = 5000
    min_df: Count = 5
    max_df: Annotated[StrictFloat, Field(gt=0, le=1), Fix("set a share of posts in (0, 1]")] = 0.3
    stop_words: Annotated[Words, Fix("set it to a list of stop-word languages, e.g. [english, spanish]")] = (
        "english", "spanish", "german", "french", "portuguese", "italian", "dutch")
    top_terms: Count = 10
    coherence_terms: Count = 10
    seed: Count = 42
    # refit when this share of the posts is new since the last fit (or on `gold --refit topics`)
    refit_share: Annotated[StrictFloat, Field(gt=0, le=1), Fix("set a share of posts in (0, 1], e.g. 0.25")] = 0.25
    # a refitted model replaces production only when its NPMI on the same posts is this much higher
    promote_margin: Annotated[StrictFloat, Field(ge=0, le=2), Fix("set an NPMI margin in [0, 2], e.g. 0.0")] = 0.0


class EmbeddingsConfig(_Section):
    enabled: Flag = True
    model: _choice("static-64") = "static-64"  # static-64 (tokenlearn-static-model, baked into its wheel)


class GraphConfig(_Section):
    driver_max_edges: Count = 5_000_000  # above this, communities and PageRank run on Spark
    # leiden-fitted fits the Leiden resolution to each graph: best mean AMI over many small groups
    # and two camps alike (docs/measurements/communities.md); a fixed resolution suits only one shape
    method: _choice(*COMMUNITY_METHODS) = "leiden-fitted"
    # only for method leiden or louvain (null otherwise): higher means more, smaller communities
    resolution: Annotated[Optional[Annotated[StrictFloat, Field(gt=0)]],
                          Fix("set a number > 0 (e.g. 10 or 1), or null")] = None
    min_weight: Count = 1                # ignore author pairs with fewer interactions
    label_propagation_iterations: Count = 15
    pagerank_iterations: Count = 20
    top_n: Count = 200                   # GEXF export: the top-N authors by PageRank
    seed: Count = 42

    @model_validator(mode="after")
    def _resolution_only_where_used(self) -> "GraphConfig":
        if self.method in RESOLUTION_METHODS and self.resolution is None:
            raise _line(f"gold.graph.method is {self.method}, which needs gold.graph.resolution: set it (10 keeps "
                        "many small groups apart, 1 suits a few large ones) or set method to leiden-fitted, "
                        "which fits it per graph")
        if self.method not in RESOLUTION_METHODS and self.resolution is not None:
            raise _line(f"gold.graph.resolution is {self.resolution:g}, which method {self.method} does not use: "
                        f"set resolution to null, or method to {' or '.join(RESOLUTION_METHODS)}")
        return self


class TrendsConfig(_Section):
    watchlist: Annotated[Words, Fix("set it to a list of keywords, e.g. [outage, refund]")] = ()
    top_hashtags: Count = 50             # hashtags tracked per day bucket
    baseline_hours: Count = 72           # rolling baseline window before each hour
    min_posts: Count = 20                # an hour with fewer posts never alerts
    z_threshold: Number = 6.0            # robust z-score to alert on
    ratio_threshold: Number = 3.0        # and at least this many times the baseline median
    sample_posts: Count = 5


class CoordinationConfig(_Section):
    min_accounts: Count = 5              # distinct accounts in a near-duplicate cluster / URL group
    window_seconds: Count = 600          # ... posting within this window
    url_window_seconds: Count = 120      # same URL by many accounts within seconds
    burst_posts: Count = 20              # an account with this many posts ...
    burst_seconds: Count = 600           # ... within this window is bursty


class GoldConfig(_Section):
    sentiment: SentimentConfig = Field(default_factory=SentimentConfig)
    topics: TopicsConfig = Field(default_factory=TopicsConfig)
    embeddings: EmbeddingsConfig = Field(default_factory=EmbeddingsConfig)
    graph: GraphConfig = Field(default_factory=GraphConfig)
    trends: TrendsConfig = Field(default_factory=TrendsConfig)
    coordination: CoordinationConfig = Field(default_factory=CoordinationConfig)



def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ServeConfig(_Section):
    """`socialake serve` (the SQL endpoint) and `socialake dashboard`."""

    host: Annotated[StrictStr, Field(min_length=1), Fix("set it to an address such as 127.0.0.1")] = "127.0.0.1"
    port: Annotated[StrictInt, Field(ge=1, le=65535), Fix("set it to a TCP port, e.g. 10000")] = 10000
    # users allowed to connect (written by `socialake serve-user`); required off loopback
    users_file: OptionalText = None
    refresh_seconds: Annotated[StrictFloat, Field(gt=0, le=3600),
                               Fix("set it to seconds between 0 and 3600, e.g. 2")] = 2.0
    dashboard_port: Annotated[StrictInt, Field(ge=0, le=65535), Fix("set it to a TCP port, e.g. 8050")] = 8050

    @model_validator(mode="after")
    def _no_open_endpoint_off_loopback(self) -> "ServeConfig":
        if not _is_loopback(self.host) and not self.users_file:
            raise _line(f"serve.host is {self.host}, which is not loopback, and serve.users_file is not set: "
                        "an endpoint off loopback needs authentication; add users with `socialake serve-user "
                        "--users-file FILE --user NAME` and set serve.users_file (or --users-file)")
        return self


class Config(_Section):
    env: StrictStr  # the environment loaded (not a YAML key)
    app_name: Annotated[StrictStr, _or("socialake"), Fix("set it to a name such as socialake")] = "socialake"
    lake: LakeConfig
    engines: EnginesConfig = Field(default_factory=EnginesConfig)
    spark: SparkConfig = Field(default_factory=SparkConfig)
    ingest: IngestConfig = Field(default_factory=IngestConfig)
    silver: SilverConfig = Field(default_factory=SilverConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    quality: QualityConfig = Field(default_factory=QualityConfig)
    tracking: TrackingConfig = Field(default_factory=TrackingConfig)
    gold: GoldConfig = Field(default_factory=GoldConfig)
    serve: ServeConfig = Field(default_factory=ServeConfig)

    @model_validator(mode="before")
    @classmethod
    def _lake_needs_a_root(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("lake") is None:
            return {**data, "lake": {}}  # so a missing lake section reports lake.root
        return data

    @model_validator(mode="after")
    def _no_maven_packages_locally(self) -> "Config":
        if "spark.jars.packages" in self.spark.conf and self.env in ("local", "test"):
            raise _line(
                "spark.conf sets spark.jars.packages, which resolves jars from Maven at every start: remove it "
                "and list the jars in conf/jars.yaml (fetched once by set-up, chosen with spark.jar_groups)"
            )
        return self


YAML_SECTIONS = tuple(name for name in Config.model_fields if name != "env")


# --- loading --------------------------------------------------------------------------------

def default_conf_dir() -> Path:
    """SOCIALAKE_CONF_DIR if set, else the nearest conf/ holding base.yaml above the working
    directory or above this package (an editable install or a checkout)."""
    if os.environ.get(CONF_DIR_VARIABLE):
        return Path(os.environ[CONF_DIR_VARIABLE])
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            if (folder / "conf" / "base.yaml").is_file():
                return folder / "conf"
    return Path.cwd() / "conf"


def load_config(
    env: str = DEFAULT_ENV,
    *,
    conf_dir: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Merge base.yaml, <env>.yaml, SOCIALAKE__A__B=value variables and `overrides` (nested
    dict, highest precedence), then validate. Raises ConfigError with a one-line fix."""
    conf_path = Path(conf_dir) if conf_dir is not None else default_conf_dir()
    base_file = conf_path / "base.yaml"
    if not base_file.is_file():
        raise ConfigError(
            f"no {base_file}: run from the socialake checkout or set {CONF_DIR_VARIABLE}=/path/to/conf"
        )
    env_file = conf_path / f"{env}.yaml"
    if not env_file.is_file():
        known = sorted(p.stem for p in conf_path.glob("*.yaml") if p.stem not in ("base", "jars"))
        raise ConfigError(f"unknown environment {env!r}: use one of {', '.join(known)} (files in {conf_path})")
    merged = _deep_merge(_read_yaml(base_file), _read_yaml(env_file))
    merged = _deep_merge(merged, _environment_overrides(os.environ if environ is None else environ))
    if overrides:
        merged = _deep_merge(merged, dict(overrides))
    return _build(env, merged, conf_path)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where} is not valid YAML: fix the syntax ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a mapping at the top level, not {type(data).__name__}")
    return data


def _environment_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """SOCIALAKE__LAKE__ROOT=/data -> {"lake": {"root": "/data"}}; values parsed as YAML."""
    result: dict[str, Any] = {}
    for name, raw_value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX):].split("__") if part]
        if not path:
            continue
        try:
            value = yaml.safe_load(raw_value) if raw_value != "" else None
        except yaml.YAMLError:
            value = raw_value
        node = result
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"{name} conflicts with another SOCIALAKE__ variable: unset one of them")
        node[path[-1]] = value
    return result


def _deep_merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _build(env: str, data: Mapping[str, Any], conf_path: Path) -> Config:
    if "env" in data:  # the environment is chosen by name (--env), not set in YAML
        raise ConfigError(f"unknown setting env: remove it or use one of {', '.join(sorted(YAML_SECTIONS))}")
    tree = {**data, "env": env}
    try:
        return Config.model_validate(tree, context={"conf_path": conf_path})
    except ValidationError as exc:
        raise ConfigError(_one_line(exc, tree)) from None


# --- one line from a ValidationError ----------------------------------------------------------

_MISSING = object()


def _one_line(exc: ValidationError, data: Mapping[str, Any]) -> str:
    """The first error of `exc` as `<dotted.path> is <value>: <fix>` (or the whole line a
    validator wrote, or `unknown setting <path>: ...`). Never pydantic's own report."""
    error = exc.errors(include_url=False)[0]
    if error["type"] == "socialake":
        return str(error["ctx"]["line"])
    model: type[BaseModel] | None = Config
    path: list[str] = []
    field = None
    for part in error["loc"]:
        if model is None:  # inside a list or mapping value: report the whole field
            break
        fields = {name: info for name, info in model.model_fields.items() if not (model is Config and name == "env")}
        if error["type"] == "extra_forbidden" and part not in fields:
            where = ".".join([*path, str(part)])
            return f"unknown setting {where}: remove it or use one of {', '.join(sorted(fields))}"
        field = fields.get(str(part))
        if field is None:
            break
        path.append(str(part))
        model = _model_of(field.annotation)
    where = ".".join(path) or "the configuration"
    if model is not None:
        fix = "set it to a mapping of settings"
        if path:
            fix += f" ({', '.join(sorted(model.model_fields))})"
    else:
        fix = _fix_of(field) if field is not None else None
        fix = fix or str(error["msg"]).splitlines()[0]
    value = _lookup(data, path)
    if value is _MISSING:
        return f"{where} is missing: {fix}"
    return f"{where} is {_shown(value)}: {fix}"


def _shown(value: Any) -> str:
    """A refused value as the user wrote it: null for None, else its repr."""
    return "null" if value is None else repr(value)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _fix_of(field: Any) -> str | None:
    """The outermost Fix on a field (its own Annotated metadata, else inside its type)."""
    fixes = [m for m in field.metadata if isinstance(m, Fix)]
    if fixes:
        return fixes[-1].text
    return _fix_in(field.annotation)


def _fix_in(annotation: Any) -> str | None:
    for item in reversed(getattr(annotation, "__metadata__", ())):
        if isinstance(item, Fix):
            return item.text
    for arg in typing.get_args(annotation):
        found = _fix_in(arg)
        if found:
            return found
    return None


def _lookup(data: Mapping[str, Any], path: list[str]) -> Any:
    node: Any = data
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node

"""Typed, frozen configuration: conf/base.yaml <- conf/<env>.yaml <- SOCIALAKE__* variables.

Every value is validated when the config is loaded, so a job fails at start-up with one line
that names the fix (`ConfigError`), never half-way through a run.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from socialake.schemas import PARSED_FIELDS, SOURCE_FORMATS

ENV_PREFIX = "SOCIALAKE__"
CONF_DIR_VARIABLE = "SOCIALAKE_CONF_DIR"
DEFAULT_ENV = "local"

LAKE_ENGINES = ("auto", "embedded", "delta-spark")
GRAPH_ENGINES = ("auto", "embedded", "graphframes")
NLP_ENGINES = ("auto", "embedded")
# Why `engines.nlp: spark-nlp` is refused rather than accepted (docs/measurements/engines.md).
SPARK_NLP_REFUSAL = (
    "engines.nlp is spark-nlp, which socialake cannot run: Spark NLP's Spark 4 build "
    "(com.johnsnowlabs.nlp:spark-nlp_2.13:7.0.0) is not served by the Maven registry these machines reach "
    "and is not validated upstream on Spark 4.2; set engines.nlp to auto or embedded"
)
REMOTE_SCHEMES = ("s3://", "s3a://", "gs://", "abfss://", "abfs://", "az://", "hdfs://", "file://")


class ConfigError(ValueError):
    """A configuration problem; the message is one line that says how to fix it."""


@dataclass(frozen=True)
class LakeConfig:
    root: str
    engine: str = "auto"
    storage_options: Mapping[str, str] = field(default_factory=dict)
    vacuum_retention_hours: int = 168


@dataclass(frozen=True)
class EnginesConfig:
    graph: str = "auto"
    nlp: str = "auto"


@dataclass(frozen=True)
class SparkConfig:
    master: str | None
    shuffle_partitions: int
    conf: Mapping[str, str]
    # conf/jars.yaml groups whose cached jars local sessions put on the classpath
    jar_groups: tuple[str, ...] = ("delta",)


@dataclass(frozen=True)
class IngestConfig:
    source_name: str
    format: str = "auto"
    column_mapping: Mapping[str, str] = field(default_factory=dict)
    csv_delimiter: str = ","
    timestamp_format: str | None = None
    extensions: tuple[str, ...] = (".json", ".json.gz", ".ndjson", ".ndjson.gz", ".jsonl", ".csv")


@dataclass(frozen=True)
class SilverConfig:
    followers: str = "bucket"
    geo_decimals: int | None = 1
    place: str = "country"
    media: str = "types"
    languages: tuple[str, ...] = ()
    min_lang_confidence: float = 0.5
    near_dup: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RetentionConfig:
    bronze_days: int | None = None
    silver_days: int | None = None


@dataclass(frozen=True)
class QualityConfig:
    actions: Mapping[str, str] = field(default_factory=dict)  # check name -> warn | quarantine | fail


@dataclass(frozen=True)
class TrackingConfig:
    uri: str | None = None             # null: MLFLOW_TRACKING_URI, else sqlite under the lake root
    artifact_root: str | None = None   # null: <lake root>/_mlflow/artifacts
    experiment: str = "socialake"
    model_prefix: str = "socialake"    # registered models: <prefix>-sentiment, <prefix>-topics


@dataclass(frozen=True)
class SentimentConfig:
    model: str = "auto"          # auto (registered production model, trained if none) | vader | retrain
    vader_threshold: float = 0.05
    test_fraction: float = 0.4
    neutral_band: float = 0.5    # VADER tweets' |human rating| below this counts as neutral in training
    reg_param: float = 0.0003
    max_iter: int = 100
    seed: int = 42


@dataclass(frozen=True)
class TopicsConfig:
    k: int | None = 8            # null: choose k by a sweep over k_candidates (best NPMI coherence)
    k_candidates: tuple[int, ...] = (6, 8, 10, 12)
    max_iterations: int = 50
    subsampling_rate: float = 0.2  # share of posts per online-LDA step
    fit_sample: int = 100_000    # fit on a seeded sample of at most this many posts (0: all); applied to all
    vocab_size: int = 5000
    min_df: int = 5
    max_df: float = 0.3          # share of posts: terms more common than this are stop words here
    stop_words: tuple[str, ...] = ("english", "spanish", "german", "french", "portuguese", "italian", "dutch")
    top_terms: int = 10
    coherence_terms: int = 10
    seed: int = 42


@dataclass(frozen=True)
class EmbeddingsConfig:
    enabled: bool = True
    model: str = "static-64"     # static-64 (tokenlearn-static-model, baked into its wheel)


@dataclass(frozen=True)
class GraphConfig:
    driver_max_edges: int = 5_000_000  # above this, communities and PageRank run on Spark
    resolution: float = 10.0           # Leiden (modularity) resolution; FINDINGS: ~10 keeps small groups
    min_weight: int = 1                # ignore author pairs with fewer interactions
    label_propagation_iterations: int = 15
    pagerank_iterations: int = 20
    top_n: int = 200                   # GEXF export: the top-N authors by PageRank
    seed: int = 42


@dataclass(frozen=True)
class TrendsConfig:
    watchlist: tuple[str, ...] = ()    # keywords (case-insensitive, whole words) tracked like hashtags
    top_hashtags: int = 50             # hashtags tracked per day bucket
    baseline_hours: int = 72           # rolling baseline window before each hour
    min_posts: int = 20                # an hour with fewer posts never alerts
    z_threshold: float = 6.0           # robust z-score to alert on
    ratio_threshold: float = 3.0       # and at least this many times the baseline median
    sample_posts: int = 5


@dataclass(frozen=True)
class CoordinationConfig:
    min_accounts: int = 5              # distinct accounts in a near-duplicate cluster / URL group
    window_seconds: int = 600          # ... posting within this window
    url_window_seconds: int = 120      # same URL by many accounts within seconds
    burst_posts: int = 20              # an account with this many posts ...
    burst_seconds: int = 600           # ... within this window is bursty


@dataclass(frozen=True)
class GoldConfig:
    sentiment: SentimentConfig = field(default_factory=SentimentConfig)
    topics: TopicsConfig = field(default_factory=TopicsConfig)
    embeddings: EmbeddingsConfig = field(default_factory=EmbeddingsConfig)
    graph: GraphConfig = field(default_factory=GraphConfig)
    trends: TrendsConfig = field(default_factory=TrendsConfig)
    coordination: CoordinationConfig = field(default_factory=CoordinationConfig)


@dataclass(frozen=True)
class Config:
    env: str
    app_name: str
    lake: LakeConfig
    engines: EnginesConfig
    spark: SparkConfig
    ingest: IngestConfig
    silver: SilverConfig = field(default_factory=SilverConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)
    gold: GoldConfig = field(default_factory=GoldConfig)


def _nlp_engine(value: Any) -> str:
    if value == "spark-nlp":
        raise ConfigError(SPARK_NLP_REFUSAL)
    return _choice(value, NLP_ENGINES, "engines.nlp")


def _jar_groups(value: Any, conf_path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"spark.jar_groups is {value!r}: set it to a list of groups from conf/jars.yaml, e.g. [delta]")
    from socialake.jars import JarsError, load_lock

    try:
        lock_path = conf_path / "jars.yaml"
        known = load_lock(lock_path if lock_path.is_file() else None).groups
    except JarsError as exc:
        raise ConfigError(str(exc)) from None
    unknown = [v for v in value if v not in known]
    if unknown:
        raise ConfigError(f"spark.jar_groups names {unknown[0]!r}, which conf/jars.yaml does not define: "
                          f"use {', '.join(sorted(known))}")
    return tuple(value)


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


def _section(data: Mapping[str, Any], name: str, allowed: set[str]) -> dict[str, Any]:
    section = data.get(name) or {}
    if not isinstance(section, Mapping):
        raise ConfigError(f"'{name}' must be a mapping of settings, not {type(section).__name__}")
    unknown = sorted(set(section) - allowed)
    if unknown:
        raise ConfigError(
            f"unknown setting {name}.{unknown[0]}: remove it or use one of {', '.join(sorted(allowed))}"
        )
    return dict(section)


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise ConfigError(f"{where} is {value!r}: set it to one of {', '.join(allowed)}")
    return str(value)


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{where} is {value!r}: set it to a positive whole number")
    return value


def _string_map(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a mapping of names to values, not {type(value).__name__}")
    return {str(k): ("true" if v is True else "false" if v is False else str(v)) for k, v in value.items()}


def _build(env: str, data: Mapping[str, Any], conf_path: Path) -> Config:
    unknown = sorted(set(data) - {"app_name", "lake", "engines", "spark", "ingest", "silver", "retention", "quality",
                                    "tracking", "gold"})
    if unknown:
        raise ConfigError(f"unknown top-level setting {unknown[0]!r}: remove it or fix its spelling")

    lake = _section(data, "lake", {"root", "engine", "storage_options", "vacuum_retention_hours"})
    root = lake.get("root")
    if not root or not isinstance(root, str):
        raise ConfigError("lake.root is empty: set it to a directory or URI (SOCIALAKE__LAKE__ROOT=/data/lake)")
    if not root.startswith(REMOTE_SCHEMES):
        root = str(Path(root).expanduser().resolve())
    retention = lake.get("vacuum_retention_hours", 168)
    if isinstance(retention, bool) or not isinstance(retention, int) or retention < 0:
        raise ConfigError(f"lake.vacuum_retention_hours is {retention!r}: set it to hours >= 0")
    lake_cfg = LakeConfig(
        root=root.rstrip("/"),
        engine=_choice(lake.get("engine", "auto"), LAKE_ENGINES, "lake.engine"),
        storage_options=_string_map(lake.get("storage_options"), "lake.storage_options"),
        vacuum_retention_hours=retention,
    )

    engines = _section(data, "engines", {"graph", "nlp"})
    engines_cfg = EnginesConfig(
        graph=_choice(engines.get("graph", "auto"), GRAPH_ENGINES, "engines.graph"),
        nlp=_nlp_engine(engines.get("nlp", "auto")),
    )

    spark = _section(data, "spark", {"master", "shuffle_partitions", "conf", "jar_groups"})
    master = spark.get("master")
    if master is not None and not isinstance(master, str):
        raise ConfigError(f"spark.master is {master!r}: set it to a master URL such as local[*], or null")
    spark_cfg = SparkConfig(
        master=master,
        shuffle_partitions=_positive_int(spark.get("shuffle_partitions", 200), "spark.shuffle_partitions"),
        conf=_string_map(spark.get("conf"), "spark.conf"),
        jar_groups=_jar_groups(spark.get("jar_groups", ["delta"]), conf_path),
    )
    if any(key == "spark.jars.packages" for key in spark_cfg.conf) and env in ("local", "test"):
        raise ConfigError(
            "spark.conf sets spark.jars.packages, which resolves jars from Maven at every start: remove it "
            "and list the jars in conf/jars.yaml (fetched once by set-up, chosen with spark.jar_groups)"
        )

    ingest = _section(
        data,
        "ingest",
        {"source_name", "format", "column_mapping", "csv_delimiter", "timestamp_format", "extensions"},
    )
    source_name = ingest.get("source_name") or "default"
    mapping = _string_map(ingest.get("column_mapping"), "ingest.column_mapping")
    bad_fields = sorted(set(mapping) - set(PARSED_FIELDS.fieldNames()))
    if bad_fields:
        raise ConfigError(
            f"ingest.column_mapping maps unknown field {bad_fields[0]!r}: use canonical names such as "
            "post_id, author_id, author_handle, created_at, text, lang"
        )
    delimiter = ingest.get("csv_delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ConfigError(f"ingest.csv_delimiter is {delimiter!r}: set it to a single character such as ','")
    extensions = ingest.get("extensions") or [".json", ".ndjson", ".jsonl", ".csv"]
    if not isinstance(extensions, (list, tuple)) or not all(isinstance(e, str) and e for e in extensions):
        raise ConfigError("ingest.extensions must be a list of file endings such as ['.json', '.ndjson.gz']")
    ingest_cfg = IngestConfig(
        source_name=str(source_name),
        format=_choice(ingest.get("format", "auto"), ("auto",) + SOURCE_FORMATS, "ingest.format"),
        column_mapping=mapping,
        csv_delimiter=delimiter,
        timestamp_format=ingest.get("timestamp_format"),
        extensions=tuple(extensions),
    )
    return Config(
        env=env,
        app_name=str(data.get("app_name") or "socialake"),
        lake=lake_cfg,
        engines=engines_cfg,
        spark=spark_cfg,
        ingest=ingest_cfg,
        silver=_build_silver(data),
        retention=_build_retention(data),
        quality=_build_quality(data),
        tracking=_typed_section(TrackingConfig, _section(data, "tracking", _field_names(TrackingConfig)), "tracking"),
        gold=_build_gold(data),
    )


def _build_quality(data: Mapping[str, Any]) -> QualityConfig:
    quality = _section(data, "quality", {"actions"})
    actions = _string_map(quality.get("actions"), "quality.actions")
    for name, action in actions.items():
        _choice(action, ("warn", "quarantine", "fail"), f"quality.actions.{name}")
    return QualityConfig(actions=actions)


def _build_retention(data: Mapping[str, Any]) -> RetentionConfig:
    retention = _section(data, "retention", {"bronze_days", "silver_days"})
    days = {}
    for name in ("bronze_days", "silver_days"):
        value = retention.get(name)
        days[name] = None if value is None else _positive_int(value, f"retention.{name}")
    return RetentionConfig(**days)


NEAR_DUP_KEYS = {"threshold", "shingle_words", "bands", "rows", "min_words", "seed", "max_iterations",
                 "driver_max_pairs"}


def _build_silver(data: Mapping[str, Any]) -> SilverConfig:
    silver = _section(data, "silver", {"minimise", "language", "near_duplicates"})
    minimise = _section(silver, "minimise", {"followers", "geo_decimals", "place", "media"})
    language = _section(silver, "language", {"languages", "min_confidence"})
    near_dup = _section(silver, "near_duplicates", NEAR_DUP_KEYS)
    decimals = minimise.get("geo_decimals", 1)
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 4):
        raise ConfigError(f"silver.minimise.geo_decimals is {decimals!r}: set 0-4 decimals, or null to drop coordinates")
    languages = language.get("languages") or []
    if not isinstance(languages, list) or not all(isinstance(x, str) and len(x) in (2, 3) for x in languages):
        raise ConfigError("silver.language.languages must be a list of ISO 639-1 codes such as [en, es, de]")
    confidence = language.get("min_confidence", 0.5)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
        raise ConfigError(f"silver.language.min_confidence is {confidence!r}: set a number between 0 and 1")
    threshold = near_dup.get("threshold", 0.7)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise ConfigError(f"silver.near_duplicates.threshold is {threshold!r}: set a Jaccard similarity in (0, 1]")
    for name in NEAR_DUP_KEYS - {"threshold", "seed"}:
        if name in near_dup:
            _positive_int(near_dup[name], f"silver.near_duplicates.{name}")
    return SilverConfig(
        followers=_choice(minimise.get("followers", "bucket"), ("drop", "bucket"), "silver.minimise.followers"),
        geo_decimals=decimals,
        place=_choice(minimise.get("place", "country"), ("drop", "country"), "silver.minimise.place"),
        media=_choice(minimise.get("media", "types"), ("drop", "types"), "silver.minimise.media"),
        languages=tuple(x.lower() for x in languages),
        min_lang_confidence=float(confidence),
        near_dup=dict(near_dup),
    )


def _field_names(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def _typed_section(cls: type, section: Mapping[str, Any], name: str) -> Any:
    """Build dataclass `cls` from the (already key-checked) `section` called `name`, checking each
    value against the field's type (int, float, bool, str, tuple, or None-able)."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    defaults = cls()
    values: dict[str, Any] = {}
    for key, value in section.items():
        where = f"{name}.{key}"
        default = getattr(defaults, key)
        optional = "None" in str(fields[key].type)
        if value is None:
            if not optional:
                raise ConfigError(f"{where} is empty: set it (default {default!r})")
            values[key] = None
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where} is {value!r}: set it to true or false")
            values[key] = value
        elif isinstance(default, tuple) or "tuple" in str(fields[key].type):
            if not isinstance(value, list):
                raise ConfigError(f"{where} must be a list, e.g. {list(default)!r}")
            values[key] = tuple(value)
        elif isinstance(default, int) or "int" in str(fields[key].type):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{where} is {value!r}: set it to a whole number >= 0")
            values[key] = value
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"{where} is {value!r}: set it to a number >= 0")
            values[key] = float(value)
        else:
            if not isinstance(value, str):
                raise ConfigError(f"{where} is {value!r}: set it to a string")
            values[key] = value
    return cls(**values)


def _build_gold(data: Mapping[str, Any]) -> GoldConfig:
    gold = _section(data, "gold", {"sentiment", "topics", "embeddings", "graph", "trends", "coordination"})
    parts = {}
    for name, cls in (("sentiment", SentimentConfig), ("topics", TopicsConfig), ("embeddings", EmbeddingsConfig),
                      ("graph", GraphConfig), ("trends", TrendsConfig), ("coordination", CoordinationConfig)):
        section = _section(gold, name, _field_names(cls))
        parts[name] = _typed_section(cls, section, f"gold.{name}")
    cfg = GoldConfig(**parts)
    _choice(cfg.sentiment.model, ("auto", "vader", "retrain"), "gold.sentiment.model")
    _choice(cfg.embeddings.model, ("static-64",), "gold.embeddings.model")
    if not 0 < cfg.sentiment.test_fraction < 1:
        raise ConfigError(f"gold.sentiment.test_fraction is {cfg.sentiment.test_fraction}: set it between 0 and 1")
    if cfg.topics.k is not None and cfg.topics.k < 2:
        raise ConfigError(f"gold.topics.k is {cfg.topics.k}: set it to 2 or more, or null to sweep k_candidates")
    if not cfg.topics.k_candidates or any(not isinstance(k, int) or k < 2 for k in cfg.topics.k_candidates):
        raise ConfigError("gold.topics.k_candidates must list whole numbers >= 2, e.g. [6, 8, 10, 12]")
    if not 0 < cfg.topics.max_df <= 1:
        raise ConfigError(f"gold.topics.max_df is {cfg.topics.max_df}: set a share of posts in (0, 1]")
    return cfg

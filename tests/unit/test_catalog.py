"""The table catalog: complete, self-consistent, and what the README's reference shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from socialake import catalog
from socialake import schemas as S

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_table_name_in_schemas_is_declared_once():
    names = {v for k, v in vars(S).items() if re.fullmatch(r"(BRONZE|SILVER|GOLD)_[A-Z_]+", k)
             and isinstance(v, str) and re.fullmatch(r"(bronze|silver|gold)\.\w+", v)}
    assert names == {t.name for t in catalog.tables() if t.layer != "ops"}
    assert set(S.GOLD_TABLES) == {t.name for t in catalog.tables("gold")}


@pytest.mark.parametrize("declared", catalog.tables(), ids=lambda t: t.name)
def test_declaration_is_consistent(declared):
    names = [c.name for c in declared.columns]
    assert len(names) == len(set(names))
    assert set(declared.key) <= set(names)
    assert set(declared.person_columns) <= set(names)
    assert declared.mode in catalog.WRITE_MODES
    assert all(c.description for c in declared.columns)
    if declared.time_column:
        referenced = set(re.findall(r"[a-z_]+", declared.time_column)) - {"coalesce"}
        assert referenced <= set(names)


def test_bronze_declarations_match_the_parser_schemas():
    for declared, schema in ((catalog.BRONZE_POSTS, S.BRONZE_POSTS_SCHEMA),
                             (catalog.BRONZE_QUARANTINE, S.BRONZE_QUARANTINE_SCHEMA)):
        assert [(f.name, f.dataType) for f in declared.schema] == [(f.name, f.dataType) for f in schema]


def test_types_parse_without_a_session():
    from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

    assert catalog.parse_type("array<struct<a:string,b:array<bigint>>>") == ArrayType(StructType(
        [StructField("a", StringType()), StructField("b", ArrayType(LongType()))]))
    with pytest.raises(ValueError, match="unknown type"):
        catalog.parse_type("varchar(3)")


def test_readme_reference_is_generated_from_the_catalog():
    text = README.read_text(encoding="utf-8")
    assert catalog.with_reference(text) == text, "run: python -m socialake.catalog --readme README.md"
    for declared in catalog.tables():
        assert f"### `{declared.name}`" in text


def test_cli_refuses_bad_arguments(capsys):
    assert catalog.main(["--readme"]) == 2
    assert "usage" in capsys.readouterr().err

"""Mappings: a YAML file per source that maps its columns and codes onto the canonical
model, with constants and simple derivations.

```yaml
tables:
  toewijzingen:
    source: Beschikkingen          # file or sheet name (default: the table name)
    columns:
      toewijzing_id: BeschikkingNr
      client_id: BSN
      wet: {constant: jeugdwet}
      verwijzer_type: {column: Verwijzer, codes: {"01": gemeente, "02": huisarts}}
      geregistreerd_op: {concat: [Datum, Tijd], separator: " "}
      startdatum: {first_of_month: [Jaar, Maand]}
pseudonymize: [client_id]          # canonical columns that hold BSNs
```

A code the mapping does not list is kept as it is, so validation names it as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from maatstaf.adapters.base import LoadError
from maatstaf.adapters.encoding import read_text

ROW = "__row"


class ColumnRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    column: str | None = None
    constant: str | None = None
    codes: dict[str, str] = {}
    concat: list[str] | None = None
    separator: str = " "
    first_of_month: list[str] | None = None

    @model_validator(mode="after")
    def one_source(self) -> ColumnRule:
        given = [self.column, self.constant, self.concat, self.first_of_month]
        if sum(v is not None for v in given) != 1:
            raise ValueError("give exactly one of column, constant, concat, first_of_month")
        return self


class TableMapping(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str | None = None
    columns: dict[str, str | ColumnRule] = {}


class Mapping(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tables: dict[str, TableMapping] = {}
    pseudonymize: list[str] = []

    def source_name(self, table: str) -> str:
        mapped = self.tables.get(table)
        return mapped.source if mapped and mapped.source else table


def load_mapping(path: Path) -> Mapping:
    try:
        raw = yaml.safe_load(read_text(path, "mapping file", "a .yaml file", LoadError)) or {}
        return Mapping.model_validate(raw)
    except yaml.YAMLError as exc:
        raise LoadError(f"{path}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise LoadError(f"{path}: {where}: {problem['msg']}") from None


@dataclass
class Mapped:
    raw: pa.Table
    warnings: list[str] = field(default_factory=list)


def apply_mapping(raw: pa.Table, rules: TableMapping | None, where: str) -> pa.Table:
    """Rename, derive and recode the source columns into canonical ones (all text)."""
    if rules is None or not rules.columns:
        return raw
    columns: dict[str, pa.ChunkedArray | pa.Array] = {}
    for canonical, rule in rules.columns.items():
        spec = ColumnRule(column=rule) if isinstance(rule, str) else rule
        columns[canonical] = _derive(raw, spec, where)
    kept = {n: raw[n] for n in raw.column_names if n not in columns and n not in _sources(rules)}
    return pa.table({**kept, **columns})


def _sources(rules: TableMapping) -> set[str]:
    names = set()
    for rule in rules.columns.values():
        if isinstance(rule, str):
            names.add(rule)
        else:
            names |= {rule.column} if rule.column else set()
            names |= set(rule.concat or []) | set(rule.first_of_month or [])
    return names


def _column(raw: pa.Table, name: str, where: str) -> pa.ChunkedArray:
    if name not in raw.column_names:
        import difflib

        close = difflib.get_close_matches(name, raw.column_names, n=1)
        hint = (
            f" Did you mean '{close[0]}'?"
            if close
            else f" It has: {', '.join(c for c in raw.column_names if c != ROW)}."
        )
        raise LoadError(
            f"{where}: the mapping names column '{name}', which the source does not have.{hint}"
        )
    return raw[name]


def _derive(raw: pa.Table, rule: ColumnRule, where: str):
    if rule.constant is not None:
        return pa.array([rule.constant] * raw.num_rows, pa.string())
    if rule.concat is not None:
        parts = [_column(raw, c, where) for c in rule.concat]
        return pc.binary_join_element_wise(*parts, rule.separator)
    if rule.first_of_month is not None:
        year, month = (_column(raw, c, where) for c in rule.first_of_month)
        padded = pc.utf8_lpad(pc.utf8_trim_whitespace(month), 2, "0")
        return pc.binary_join_element_wise(pc.utf8_trim_whitespace(year), padded, "01", "-")
    assert rule.column is not None
    values = _column(raw, rule.column, where)
    if not rule.codes:
        return values
    keys, mapped = pa.array(list(rule.codes)), pa.array(list(rule.codes.values()))
    index = pc.index_in(pc.utf8_trim_whitespace(values), value_set=keys)
    recoded = pc.take(mapped, index)
    return pc.if_else(pc.is_null(index), values, recoded)

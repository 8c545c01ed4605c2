"""model: what a project file (``maatstaf.yaml``) may say, as frozen pydantic models.

```yaml
name: Gemeente Voorbeeld
standard_library: true        # the standard library first (default); false: only your own
definitions: [definitions]    # folders or files, in order, after the standard library
data:
  source: data                # a folder, an .xlsx file or a database URL
  mapping: mapping.yaml       # optional: the export's columns and codes
  pseudonymize: [client_id]   # optional: columns holding BSNs
grain: month                  # month, 4-weekly, quarter, half-year or year
periods: {from: 2019-01, to: 2021-12}
locale: nl                    # nl or en
suppression: "5"              # off, a threshold (5) or cbs
expected: [verwacht.yaml]     # expected figures for reconcile (the first is the default)
reports:
  - {id: kwartaalrapport, period: 2021-Q4, format: html, output: rapporten/kwartaal.html}
```
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from maatstaf.engine.periods import GRAINS, PeriodError, parse_period


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _period(text: str) -> str:
    try:
        parse_period(text)
    except PeriodError as exc:
        raise ValueError(str(exc)) from None
    return text


class DataSource(_Strict):
    source: str
    mapping: str | None = None
    pseudonymize: tuple[str, ...] = ()


class Periods(_Strict):
    first: str = Field(alias="from")
    last: str = Field(alias="to")

    _periods = field_validator("first", "last", mode="before")(
        lambda value: _period(str(value))  # YAML reads 2021 as a number
    )


class DeclaredReport(_Strict):
    id: str
    period: str
    format: Literal["html", "markdown", "json"] = "html"
    output: str | None = None

    _period = field_validator("period", mode="before")(lambda value: _period(str(value)))


class ProjectFile(_Strict):
    name: str | None = None
    standard_library: bool = True
    definitions: tuple[str, ...] = ("definitions",)
    data: DataSource | None = None
    grain: str | None = None
    periods: Periods | None = None
    locale: Literal["nl", "en"] = "nl"
    suppression: str | None = None
    expected: tuple[str, ...] = ()
    reports: tuple[DeclaredReport, ...] = ()

    @field_validator("grain")
    @classmethod
    def _known_grain(cls, value: str | None) -> str | None:
        if value is not None and value not in GRAINS:
            raise ValueError(f"unknown grain '{value}': use {', '.join(GRAINS)}")
        return value

    @field_validator("suppression", mode="before")
    @classmethod
    def _policy(cls, value: object) -> str | None:
        if value is None or value is False:
            return "off" if value is False else None
        text = str(value)
        if text in ("off", "none", "cbs") or re.fullmatch(r"[1-9][0-9]*", text):
            return text
        raise ValueError(f"suppression {text!r}: use off, a threshold such as 5, or cbs")


FIELDS = {
    (): ProjectFile,
    ("data",): DataSource,
    ("periods",): Periods,
    ("reports", "*"): DeclaredReport,
}


def known_keys(location: tuple[str | int, ...]) -> list[str]:
    """The keys allowed in the mapping at that location (for did-you-mean)."""
    pattern = tuple("*" if isinstance(p, int) else p for p in location)
    model = FIELDS.get(pattern)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]

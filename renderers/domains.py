"""Which domain of the report a measure belongs to: the folder of its definition file
(definitions/jeugd/... -> Jeugd), or else the prefix of its id."""

from __future__ import annotations

from maatstaf.dsl.model import Library

DOMAIN_NAMES = {
    "wmo": "Wmo",
    "jeugd": "Jeugd",
    "participatie": "Participatie",
    "toegang": "Toegang",
    "aanvragen": "Toegang",
    "geld": "Financiën",
    "prognose": "Financiën",
    "populatie": "Bevolking",
}
ORDER = ("Wmo", "Jeugd", "Participatie", "Toegang", "Financiën", "Bevolking")


def domain_of(measure_id: str, library: Library | None = None) -> str:
    measure = library.measures.get(measure_id) if library is not None else None
    if measure is not None:
        parts = measure.span.file.replace("\\", "/").split("/")
        folder = parts[-2] if len(parts) >= 2 else ""
        if folder in DOMAIN_NAMES:
            return DOMAIN_NAMES[folder]
        if folder and folder != "definitions":
            return folder.capitalize()
    prefix = measure_id.split(".")[0] if "." in measure_id else ""
    return DOMAIN_NAMES.get(prefix, prefix.capitalize() or "Overig")


def domain_key(name: str) -> tuple[int, str]:
    """Sort domains in the order councils read them."""
    return (ORDER.index(name) if name in ORDER else len(ORDER), name)

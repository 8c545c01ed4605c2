"""The iJw/iWmo 3.2 code lists we read, as our own tables (the product never reads the
iStandaarden files at run time), and what each code becomes in the canonical tables.

Codes are read per law: reden beëindiging 31 is "volgens plan" in iJw (JZ588) and
"verhuizing naar andere gemeente" in iWmo (WMO588).
"""

from __future__ import annotations

from typing import Final

JW, WMO = "jw", "wmo"
LAW_OF: Final = {"ijw": JW, "iwmo": WMO}  # the namespace's standard -> our short name
WET: Final = {JW: "jeugdwet", WMO: "wmo"}  # the canonical `wet`

# COD002 BerichtCode per message and law
BERICHTCODE: Final = {
    JW: {"301": "436", "302": "437", "305": "438", "306": "439", "307": "440", "308": "441",
         "315": "446", "316": "447", "317": "486", "318": "487", "319": "488", "320": "489",
         "323": "490", "325": "491"},
    WMO: {"301": "414", "302": "415", "305": "418", "306": "419", "307": "420", "308": "421",
          "315": "444", "316": "445", "317": "480", "318": "481", "319": "482", "320": "483",
          "323": "484", "325": "485"},
}  # fmt: skip

# JZ020 / WMO020 Productcategorie
CATEGORIE: Final = {
    JW: frozenset(f"{n}" for n in range(31, 39)) | frozenset(f"{n}" for n in range(40, 56)),
    WMO: frozenset(f"{n:02d}" for n in range(1, 19)),
}

# JZ002 / WMO002 RedenWijziging (01 is obsolete but may still be read in old data)
REDEN_WIJZIGING: Final = {law: frozenset(f"{n:02d}" for n in range(1, 15)) for law in (JW, WMO)}

# JZ588 / WMO588 RedenBeeindiging -> its meaning, per law
REDEN_BEEINDIGING: Final = {
    JW: {
        "02": "overlijden",
        "20": "tijdelijk",
        "31": "volgens_plan",
        "32": "voortijdig_client",
        "33": "voortijdig_aanbieder",
        "34": "voortijdig_in_overeenstemming",
        "35": "voortijdig_extern",
        "36": "gemeente",
        "37": "wijzigingsverzoek",
        "38": "overstap_aanbieder",
        "39": "ander_domein",
    },
    WMO: {
        "02": "overlijden",
        "19": "volgens_plan",
        "20": "tijdelijk",
        "21": "voortijdig_client",
        "22": "voortijdig_aanbieder",
        "23": "voortijdig_in_overeenstemming",
        "31": "verhuizing",
        "36": "gemeente",
        "37": "wijzigingsverzoek",
        "38": "overstap_aanbieder",
        "39": "ander_domein",
    },
}
TIJDELIJK: Final = "20"  # a temporary stop: delivery paused, not ended for good

# WJ756 Eenheid -> the canonical omvang_eenheid
EENHEID: Final = {
    "01": "minuut",
    "04": "uur",
    "14": "etmaal",
    "16": "dagdeel",
    "82": "stuk",
    "83": "euro",
    "84": "stuk",
}
# WMO757 Frequentie -> the canonical omvang_frequentie
FREQUENTIE: Final = {"1": "dag", "2": "week", "4": "maand", "6": "totaal"}
# COD327 Verwijzer type -> the canonical verwijzer_type
VERWIJZER: Final = {
    "01": "gemeente",
    "02": "huisarts",
    "03": "jeugdarts",
    "04": "gecertificeerde_instelling",
    "05": "medisch_specialist",
    "06": "zelf",
    "08": "rechter",
}
STATUS_AANLEVERING: Final = frozenset({"1", "3"})  # 2 is not allowed in 305/307 (CS058)
DEBET_CREDIT: Final = frozenset({"D", "C"})


def allowed(element: str, law: str) -> frozenset[str] | None:
    """The codes an element may hold in ``law``, or None when we do not check it."""
    match element:
        case "Categorie" | "ProductCategorie":
            return CATEGORIE[law]
        case "RedenWijziging":
            return REDEN_WIJZIGING[law]
        case "RedenBeeindiging":
            return frozenset(REDEN_BEEINDIGING[law])
        case "Eenheid":
            return frozenset(EENHEID)
        case "Frequentie":
            return frozenset(FREQUENTIE)
        case "StatusAanlevering":
            return STATUS_AANLEVERING
        case "DebetCredit":
            return DEBET_CREDIT
    return None

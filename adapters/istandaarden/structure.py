"""The 3.2 structure of the parts of a message we read: per element, its children in
order with how often each may occur (from the XSDs; checked against them in the tests).

An element of these out of place, repeated or missing rejects the message. Parts we do
not read (names, addresses, relations, retour codes of answers) are not checked beyond
being well-formed, except that a ``RetourCode`` belongs inside ``RetourCodes`` wherever
it stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ONE, OPTIONAL, MANY, SOME = (1, 1), (0, 1), (1, None), (0, None)


@dataclass(frozen=True)
class Children:
    """The children an element may have, in order; ``rest`` allows unchecked children
    after the last one named (the answer messages' extra header fields)."""

    order: tuple[tuple[str, tuple[int, int | None]], ...]
    rest: bool = False

    def index(self, name: str) -> int | None:
        for i, (child, _) in enumerate(self.order):
            if child == name:
                return i
        return None


def _c(*order: tuple[str, tuple[int, int | None]], rest: bool = False) -> Children:
    return Children(tuple(order), rest)


HEADER = _c(
    ("BerichtCode", ONE),
    ("BerichtVersie", ONE),
    ("BerichtSubversie", ONE),
    ("Afzender", ONE),
    ("Ontvanger", ONE),
    ("BerichtIdentificatie", ONE),
    ("XsdVersie", ONE),
    rest=True,
)
HEADER_325 = _c(
    ("BerichtCode", ONE),
    ("BerichtVersie", ONE),
    ("BerichtSubversie", ONE),
    ("Afzender", ONE),
    ("Ontvanger", ONE),
    ("BerichtIdentificatie", ONE),
    ("XsdVersie", ONE),
    ("DeclaratieIdentificatie", ONE),
    rest=True,
)
PERSON = (("Bsn", ONE), ("Geboortedatum", ONE), ("Geslacht", ONE), ("Naam", ONE))

# Elements whose structure is the same in every message
COMMON: Final[dict[str, Children]] = {
    "BerichtIdentificatie": _c(("Identificatie", ONE), ("Dagtekening", ONE)),
    "XsdVersie": _c(("BasisschemaXsdVersie", ONE), ("BerichtXsdVersie", ONE)),
    "Product": _c(("Categorie", ONE), ("Code", OPTIONAL)),
    "Omvang": _c(("Volume", ONE), ("Eenheid", ONE), ("Frequentie", ONE)),
    "Verwijzer": _c(("Type", ONE), ("Naam", OPTIONAL), ("ZorgverlenerCode", OPTIONAL)),
    "ProductReferentie": _c(("ReferentieNummer", ONE), ("VorigReferentieNummer", OPTIONAL)),
    "IngediendBedrag": _c(("Bedrag", ONE), ("DebetCredit", ONE)),
    "TotaalIngediendBedrag": _c(("TotaalBedrag", ONE), ("DebetCredit", ONE)),
    "ProductPeriode": _c(("Begindatum", ONE), ("Einddatum", ONE)),
    "DeclaratiePeriode": _c(("Begindatum", ONE), ("Einddatum", ONE)),
    "ToegewezenProducten": _c(("ToegewezenProduct", MANY)),
    "StartProducten": _c(("StartProduct", MANY)),
    "StopProducten": _c(("StopProduct", MANY)),
    "AangevraagdeProducten": _c(("AangevraagdProduct", MANY)),
    "Prestaties": _c(("Prestatie", MANY)),
    "Clienten": _c(("Client", MANY)),
    "RetourCodes": _c(("RetourCode", SOME)),
}

# Per message: the elements whose structure differs between messages
BY_MESSAGE: Final[dict[str, dict[str, Children]]] = {
    "301": {
        "Bericht": _c(("Header", ONE), ("Client", ONE)),
        "Header": HEADER,
        "Client": _c(
            *PERSON,
            ("Communicatie", OPTIONAL),
            ("JuridischeStatus", OPTIONAL),
            ("WettelijkeVertegenwoordiging", OPTIONAL),
            ("Commentaar", OPTIONAL),
            ("Relaties", OPTIONAL),
            ("Contactgegevens", ONE),
            ("ToegewezenProducten", ONE),
        ),
        "ToegewezenProduct": _c(
            ("ToewijzingNummer", ONE),
            ("ReferentieAanbieder", OPTIONAL),
            ("Product", OPTIONAL),
            ("Toewijzingsdatum", ONE),
            ("Toewijzingstijd", ONE),
            ("Ingangsdatum", ONE),
            ("Einddatum", OPTIONAL),
            ("RedenWijziging", OPTIONAL),
            ("Omvang", OPTIONAL),
            ("Budget", OPTIONAL),
            ("Commentaar", OPTIONAL),
        ),
    },
    "305": {
        "Bericht": _c(("Header", ONE), ("Client", ONE)),
        "Header": HEADER,
        "Client": _c(*PERSON, ("StartProducten", ONE)),
        "StartProduct": _c(
            ("ToewijzingNummer", OPTIONAL),
            ("Product", OPTIONAL),
            ("ToewijzingIngangsdatum", OPTIONAL),
            ("Begindatum", ONE),
            ("StatusAanlevering", ONE),
        ),
    },
    "307": {
        "Bericht": _c(("Header", ONE), ("Client", ONE)),
        "Header": HEADER,
        "Client": _c(*PERSON, ("StopProducten", ONE)),
        "StopProduct": _c(
            ("ToewijzingNummer", OPTIONAL),
            ("Product", OPTIONAL),
            ("ToewijzingIngangsdatum", OPTIONAL),
            ("Begindatum", ONE),
            ("RedenBeeindiging", ONE),
            ("Einddatum", ONE),
            ("StatusAanlevering", ONE),
        ),
    },
    "315": {
        "Bericht": _c(("Header", ONE), ("Client", ONE)),
        "Header": HEADER,
        "Client": _c(
            *PERSON,
            ("GezagsdragerBekend", OPTIONAL),
            ("Commentaar", OPTIONAL),
            ("AangevraagdeProducten", ONE),
        ),
        "AangevraagdProduct": _c(
            ("ReferentieAanbieder", ONE),
            ("BeschikkingNummer", OPTIONAL),
            ("Product", OPTIONAL),
            ("BeschikkingIngangsdatum", OPTIONAL),
            ("ToewijzingIngangsdatum", ONE),
            ("ToewijzingEinddatum", OPTIONAL),
            ("Omvang", OPTIONAL),
            ("Budget", OPTIONAL),
            ("Verwijzer", ONE),
            ("Raamcontract", OPTIONAL),
            ("Commentaar", OPTIONAL),
        ),
    },
    "323": {
        "Bericht": _c(("Header", ONE), ("Declaratie", ONE)),
        "Header": HEADER,
        "Declaratie": _c(
            ("DeclaratieNummer", ONE),
            ("DeclaratiePeriode", ONE),
            ("DeclaratieDagtekening", ONE),
            ("TotaalIngediendBedrag", ONE),
            ("Clienten", ONE),
        ),
        "Client": _c(("Bsn", ONE), ("Prestaties", ONE)),
        "Prestatie": _c(
            ("ProductReferentie", ONE),
            ("ToewijzingNummer", ONE),
            ("ProductCategorie", ONE),
            ("ProductCode", ONE),
            ("ProductPeriode", ONE),
            ("GeleverdVolume", ONE),
            ("Eenheid", ONE),
            ("ProductTarief", OPTIONAL),
            ("IngediendBedrag", ONE),
        ),
    },
}
# Answers and requests we do not fold: their header is checked, the rest only generically
ANSWER: Final = {"Header": HEADER}
BY_MESSAGE.update({m: ANSWER for m in ("302", "306", "308", "316", "317", "318", "319", "320")})
BY_MESSAGE["325"] = {"Header": HEADER_325}

# The elements read into a row, and the table they feed
RECORDS: Final = {
    "ToegewezenProduct": "toewijzing",
    "StartProduct": "start",
    "StopProduct": "stop",
    "AangevraagdProduct": "verzoek",
    "Prestatie": "prestatie",
}


def children(message: str, element: str, parent: str | None) -> Children | None:
    """The structure of ``element`` in ``message``; None where we do not check it. A
    ``Client`` inside ``Clienten`` is the 323's; ``Product`` etc. are the same everywhere."""
    if message not in BY_MESSAGE:
        return None
    own = BY_MESSAGE[message]
    if element in own:
        return own[element]
    if element in COMMON and (element != "Clienten" or message == "323"):
        return COMMON[element]
    return None

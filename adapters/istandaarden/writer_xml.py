"""writer_xml: one iJw/iWmo 3.2 message as an lxml tree, element by element in the order
of the 3.2 XSDs. Message-level elements are in the message namespace
(``.../{ijw|iwmo}/3_2/{jw|wmo}NNN/schema``), the parts of composite types (CDT_*) in the
basisschema namespace (``elementFormDefault="qualified"``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lxml import etree

if TYPE_CHECKING:
    from maatstaf.adapters.istandaarden.writer import WriteOptions

CODES = {  # BerichtCode (COD002-VEKT) per law and message
    "ijw": {"301": "436", "305": "438", "307": "440", "315": "446", "323": "490"},
    "iwmo": {"301": "414", "305": "418", "307": "420", "315": "444", "323": "484"},
}
PREFIX = {"ijw": "jw", "iwmo": "wmo"}
NAME = "Onbekend"  # the canonical model holds no names: a placeholder Achternaam
Row = dict[str, Any]
Element = etree._Element


def _text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Message:
    """The tree of one message of ``kind`` (301, 305, ...) under ``law`` (ijw or iwmo)."""

    def __init__(self, law: str, kind: str) -> None:
        prefix = f"{PREFIX[law]}{kind}"
        self.message = f"http://www.istandaarden.nl/{law}/3_2/{prefix}/schema"
        self.base = f"http://www.istandaarden.nl/{law}/3_2/basisschema/schema"
        self.root = etree.Element(
            f"{{{self.message}}}Bericht", nsmap={prefix: self.message, law: self.base}
        )

    def el(self, parent: Element, name: str, value: object = None) -> Element:
        """A message-level element (with ``value`` as its text, when given)."""
        node = etree.SubElement(parent, f"{{{self.message}}}{name}")
        if value is not None:
            node.text = _text(value)
        return node

    def part(self, parent: Element, name: str, value: object = None) -> Element:
        """An element of a composite type (basisschema namespace)."""
        node = etree.SubElement(parent, f"{{{self.base}}}{name}")
        if value is not None:
            node.text = _text(value)
        return node

    def header(self, code: str, sender: str, receiver: str, ident: str, day: object,
               options: WriteOptions) -> None:  # fmt: skip
        head = self.el(self.root, "Header")
        for name, value in (("BerichtCode", code), ("BerichtVersie", 3), ("BerichtSubversie", 2),
                            ("Afzender", sender), ("Ontvanger", receiver)):  # fmt: skip
            self.el(head, name, value)
        ident_el = self.el(head, "BerichtIdentificatie")
        self.part(ident_el, "Identificatie", ident)
        self.part(ident_el, "Dagtekening", day)
        versions = self.el(head, "XsdVersie")
        self.part(versions, "BasisschemaXsdVersie", options.xsd_versie[0])
        self.part(versions, "BerichtXsdVersie", options.xsd_versie[1])

    def person(self, parent: Element, row: Row, full_name: bool) -> None:
        """Bsn, Geboortedatum, Geslacht and Naam (VolledigeNaam in a 301, else VerkorteNaam)."""
        self.el(parent, "Bsn", row["bsn"])
        born = self.el(parent, "Geboortedatum")
        self.part(born, "Datum", row["geboortedatum"])
        if row["datum_gebruik"] is not None:
            self.part(born, "DatumGebruik", row["datum_gebruik"])
        self.el(parent, "Geslacht", row["geslacht"])
        name = self.el(parent, "Naam")
        self.part(self.part(name, "Geslachtsnaam"), "Achternaam", NAME)
        if full_name:
            self.part(name, "NaamGebruik", "1")

    def product(self, parent: Element, row: Row, name: str = "Product") -> None:
        product = self.el(parent, name)
        self.part(product, "Categorie", row["categorie"])
        self.part(product, "Code", row["code"])

    def omvang(self, parent: Element, row: Row) -> None:
        if row["volume"] is None:
            return
        omvang = self.el(parent, "Omvang")
        self.part(omvang, "Volume", row["volume"])
        self.part(omvang, "Eenheid", row["eenheid"])
        self.part(omvang, "Frequentie", row["frequentie"])


def _opened(kind: str, key: tuple, ident: str, options: WriteOptions) -> _Message:
    """A message about one client: ``key`` is (law, gemeente, aanbieder, day, bsn)."""
    law, gemeente, aanbieder, day = key[0], key[1], key[2], key[3]
    message = _Message(law, kind)
    sender, receiver = (gemeente, aanbieder) if kind == "301" else (aanbieder, gemeente)
    message.header(CODES[law][kind], sender, receiver, ident, day, options)
    return message


def allocation(key: tuple, rows: list[Row], ident: str, options: WriteOptions) -> Element:
    """301 Toewijzing: one client, the ToegewezenProducten."""
    m = _opened("301", key, ident, options)
    client = m.el(m.root, "Client")
    m.person(client, rows[0], full_name=True)
    m.el(m.el(m.el(client, "Contactgegevens"), "Contact"), "Soort", "01")  # BRP-adres
    products = m.el(client, "ToegewezenProducten")
    for row in rows:
        product = m.el(products, "ToegewezenProduct")
        m.el(product, "ToewijzingNummer", row["nummer"])
        if row["referentie"] is not None:
            m.el(product, "ReferentieAanbieder", row["referentie"])
        m.product(product, row)
        m.el(product, "Toewijzingsdatum", row["tw_datum"])
        m.el(product, "Toewijzingstijd", row["tw_tijd"])
        m.el(product, "Ingangsdatum", row["ingang"])
        if row["eind"] is not None:
            m.el(product, "Einddatum", row["eind"])
        if row["reden"] is not None:
            m.el(product, "RedenWijziging", row["reden"])
        m.omvang(product, row)
        if row["budget_cent"] is not None:
            m.el(product, "Budget", row["budget_cent"])
    return m.root


def request(key: tuple, rows: list[Row], ident: str, options: WriteOptions) -> Element:
    """315 Verzoek om toewijzing: the requested products, each with its Verwijzer."""
    m = _opened("315", key, ident, options)
    client = m.el(m.root, "Client")
    m.person(client, rows[0], full_name=False)
    products = m.el(client, "AangevraagdeProducten")
    for row in rows:
        product = m.el(products, "AangevraagdProduct")
        m.el(product, "ReferentieAanbieder", row["referentie"])
        m.product(product, row)
        m.el(product, "ToewijzingIngangsdatum", row["ingang"])
        if row["eind"] is not None:
            m.el(product, "ToewijzingEinddatum", row["eind"])
        m.omvang(product, row)
        if row["budget_cent"] is not None:
            m.el(product, "Budget", row["budget_cent"])
        referrer = m.el(product, "Verwijzer")
        m.part(referrer, "Type", row["verwijzer_code"])
        if row["verwijzer_naam"] is not None:
            m.part(referrer, "Naam", str(row["verwijzer_naam"])[:64])
    return m.root


def _delivery(kind: str, key: tuple, rows: list[Row], ident: str, options: WriteOptions) -> Element:
    m = _opened(kind, key, ident, options)
    client = m.el(m.root, "Client")
    m.person(client, rows[0], full_name=False)
    word = "Start" if kind == "305" else "Stop"
    products = m.el(client, f"{word}Producten")
    for row in rows:
        product = m.el(products, f"{word}Product")
        m.el(product, "ToewijzingNummer", row["nummer"])
        m.product(product, row)
        m.el(product, "ToewijzingIngangsdatum", row["ingang"])
        m.el(product, "Begindatum", row["begin"])
        if kind == "307":
            m.el(product, "RedenBeeindiging", row["rb"])
            m.el(product, "Einddatum", row["einde"])
        m.el(product, "StatusAanlevering", "1")
    return m.root


def start(key: tuple, rows: list[Row], ident: str, options: WriteOptions) -> Element:
    """305 Start levering."""
    return _delivery("305", key, rows, ident, options)


def stop(key: tuple, rows: list[Row], ident: str, options: WriteOptions) -> Element:
    """307 Stop levering."""
    return _delivery("307", key, rows, ident, options)


def claim(key: tuple, rows: list[Row], ident: str, options: WriteOptions) -> Element:
    """323 Declaratie: one declaratieperiode (a calendar month) of one aanbieder, its
    clients and their prestaties."""
    law, gemeente, aanbieder, month, day = key
    m = _Message(law, "323")
    m.header(CODES[law]["323"], aanbieder, gemeente, ident, day, options)
    claim_el = m.el(m.root, "Declaratie")
    m.el(claim_el, "DeclaratieNummer", f"D{ident[-11:]}")
    period = m.el(claim_el, "DeclaratiePeriode")
    m.part(period, "Begindatum", month)
    m.part(period, "Einddatum", _month_end(month))
    m.el(claim_el, "DeclaratieDagtekening", day)
    total = m.el(claim_el, "TotaalIngediendBedrag")
    m.part(total, "TotaalBedrag", abs(rows[0]["totaal"]))
    m.part(total, "DebetCredit", "C" if rows[0]["totaal"] < 0 else "D")
    clients = m.el(claim_el, "Clienten")
    current, services = None, None
    for row in rows:
        if row["bsn"] != current:
            client = m.el(clients, "Client")
            m.el(client, "Bsn", row["bsn"])
            services, current = m.el(client, "Prestaties"), row["bsn"]
        service = m.el(services, "Prestatie")
        reference = m.el(service, "ProductReferentie")
        m.part(reference, "ReferentieNummer", row["referentie"])
        if row["vorig"] is not None:
            m.part(reference, "VorigReferentieNummer", row["vorig"])
        m.el(service, "ToewijzingNummer", row["nummer"])
        m.el(service, "ProductCategorie", row["categorie"])
        m.el(service, "ProductCode", row["code"])
        product_period = m.el(service, "ProductPeriode")
        m.part(product_period, "Begindatum", row["pb"])
        m.part(product_period, "Einddatum", row["pe"])
        m.el(service, "GeleverdVolume", row["bedrag_cent"])
        m.el(service, "Eenheid", "83")  # euro: GeleverdVolume = Bedrag (CS339), no tarief
        amount = m.el(service, "IngediendBedrag")
        m.part(amount, "Bedrag", row["bedrag_cent"])
        m.part(amount, "DebetCredit", row["dc"])
    return m.root


def _month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


BUILDERS: dict[str, Callable[[tuple, list[Row], str, WriteOptions], Element]] = {
    "301": allocation,
    "315": request,
    "305": start,
    "307": stop,
    "323": claim,
}

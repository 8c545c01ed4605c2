"""parse: one iJw/iWmo 3.2 message (one XML stream) -> its rows, or why it is rejected.

Streaming with lxml ``iterparse``: every element is checked as it ends and then cleared,
so a file of any size takes the memory of one record. What is checked (our own rules,
cross-checked against the XSDs in the tests): well-formedness; the namespace (iJw or iWmo,
release 3.2) and the header's BerichtCode and version; the order, repetition and presence
of the elements we read (``structure``); dates (real calendar dates, no time zone),
times, integers in range, codes per law (``codes``), the BSN's elfproef, gemeente and
AGB codes. A message with any problem is rejected as a whole, with the file, element
path, line and reason of every problem; its rows are not used.

Only the values a table needs are kept: names, addresses, contacts and comments are read
past and never stored. The BSN is kept until the batch is pseudonymised (``collect``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import IO, Final

from lxml import etree

from maatstaf.adapters.istandaarden import codes
from maatstaf.adapters.istandaarden.structure import RECORDS, Children, children
from maatstaf.adapters.pseudonym import elfproef

NAMESPACE = re.compile(
    r"http://www\.istandaarden\.nl/(?P<std>ijw|iwmo)/(?P<rel>\d_\d)/(?P<pfx>jw|wmo)(?P<msg>\d{3})/schema"
)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME = re.compile(r"\d{2}:\d{2}:\d{2}(\.\d+)?")
ZONE = re.compile(r".*(Z|[+-]\d{2}:\d{2})$")
DIGITS = re.compile(r"\d+")
DATES: Final = frozenset(
    {
        "Toewijzingsdatum", "Ingangsdatum", "Einddatum", "Begindatum", "ToewijzingIngangsdatum",
        "ToewijzingEinddatum", "Dagtekening", "DeclaratieDagtekening", "Datum",
        "BeschikkingIngangsdatum", "GewensteIngangsdatum", "DagtekeningRetour",
    }
)  # fmt: skip
INTEGERS: Final = {
    "ToewijzingNummer": 999_999_999,
    "Volume": 99_999_999,
    "Budget": 99_999_999,
    "Bedrag": 99_999_999,
    "ProductTarief": 99_999_999,
    "TotaalBedrag": 999_999_999_999,
    "GeleverdVolume": 99_999_999,
}
FOLDED: Final = frozenset({"301", "305", "307", "315", "323"})
GEMEENTE_SENDS: Final = frozenset({"301", "319", "325"})  # the others: the aanbieder sends


@dataclass(frozen=True)
class Problem:
    """Why a message is rejected: where (element path, line) and what."""

    path: str
    line: int
    reason: str


@dataclass
class Message:
    """What one message gave: its kind, header values, rows per record kind, problems."""

    law: str = ""
    code: str = ""  # the message number, e.g. "301"
    header: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def folded(self) -> bool:
        return self.code in FOLDED


@dataclass
class _Frame:
    name: str
    path: str
    line: int
    spec: Children | None
    position: int = 0
    seen: dict[str, int] = field(default_factory=dict)


def parse(stream: IO[bytes]) -> Message:
    """The message in ``stream``: its rows, or the problems that reject it."""
    message = Message()
    stack: list[_Frame] = []
    record: dict[str, str | None] | None = None
    record_at = 0
    context: dict[str, str | None] = {}
    parser = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        for event, elem in parser:
            if not isinstance(elem.tag, str):  # a comment or processing instruction
                continue
            name = elem.tag.rsplit("}", 1)[-1]
            if event == "start":
                parent = stack[-1] if stack else None
                if parent is None:
                    _root(message, elem)
                    if message.code == "?":  # not a 3.2 message: nothing more to check
                        break
                else:
                    _place(message, parent, name, elem.sourceline or 0)
                path = f"{parent.path}/{name}" if parent else name
                spec = children(message.code, name, parent.name if parent else None)
                stack.append(_Frame(name, path, elem.sourceline or 0, spec))
                if name in RECORDS and message.folded and record is None:
                    record, record_at = {}, len(stack)
                continue
            frame = stack.pop()
            _complete(message, frame)
            if len(elem) == 0:
                text = (elem.text or "").strip()
                _check_value(message, frame, stack, text)
                if record is not None:
                    record[_relative(stack, record_at, name)] = text
                elif frame.path.startswith("Bericht/Header/"):
                    message.header[frame.path.removeprefix("Bericht/Header/")] = text
                elif name == "Bsn":
                    context["bsn"] = text
                elif message.code == "323" and len(stack) == 2:  # Declaratie's own fields
                    context[name] = text
                elif message.code == "323" and stack[-1].name == "DeclaratiePeriode":
                    context[f"DeclaratiePeriode/{name}"] = text
            if record is not None and len(stack) + 1 == record_at:
                record.update({"bsn": context.get("bsn"), "line": str(frame.line)})
                record.update({k: v for k, v in context.items() if k != "bsn"})
                message.rows.append((RECORDS[name], record))
                record = None
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (stack[-1].line if stack else 0)
        where = stack[-1].path if stack else ""
        message.problems.append(Problem(where, line, f"not well-formed XML: {exc.msg}"))
    _check_header(message)
    return message


def _relative(stack: list[_Frame], record_at: int, name: str) -> str:
    """A value's name within its record: ``Omvang/Volume``, ``ToewijzingNummer``."""
    inner = [f.name for f in stack[record_at:]]
    return "/".join([*inner, name])


def _root(message: Message, elem: etree._Element) -> None:
    namespace, _, localname = elem.tag.rpartition("}")
    namespace = namespace.removeprefix("{")
    found = NAMESPACE.fullmatch(namespace)
    line = elem.sourceline or 0
    if localname != "Bericht" or found is None:
        message.problems.append(
            Problem(
                localname,
                line,
                f"not an iJw/iWmo 3.2 message (root element '{localname}' in namespace "
                f"'{namespace}'; expected Bericht in "
                "http://www.istandaarden.nl/ijw/3_2/jwNNN/schema or .../iwmo/3_2/wmoNNN/schema)",
            )
        )
        message.code = "?"
        return
    message.law = codes.LAW_OF[found["std"]]
    message.code = found["msg"]
    if found["rel"] != "3_2":
        release = found["rel"].replace("_", ".")
        message.problems.append(
            Problem("Bericht", line, f"release {release}: maatstaf reads iJw/iWmo release 3.2")
        )
        message.code = "?"  # its structure may differ: check nothing more
    elif message.code not in codes.BERICHTCODE[message.law]:
        message.problems.append(Problem("Bericht", line, f"unknown message {found['msg']}"))
        message.code = "?"


def _place(message: Message, parent: _Frame, name: str, line: int) -> None:
    """A child in its place: known to its parent, in order, not repeated too often."""
    if name == "RetourCode" and parent.name != "RetourCodes":
        message.problems.append(
            Problem(
                f"{parent.path}/{name}",
                line,
                f"element out of place: RetourCode in {parent.name} "
                "(a RetourCode belongs inside RetourCodes)",
            )
        )
        return
    spec = parent.spec
    if spec is None:
        return
    index = spec.index(name)
    path = f"{parent.path}/{name}"
    if index is None:
        if not spec.rest or parent.position < len(spec.order) - 1:
            expected = _expected(spec, parent.position)
            message.problems.append(
                Problem(path, line, f"element out of place: {name} in {parent.name} ({expected})")
            )
        parent.position = len(spec.order)
        return
    if index < parent.position:
        message.problems.append(
            Problem(
                path,
                line,
                f"element out of place: {name} after {spec.order[parent.position - 1][0]} "
                f"in {parent.name} (expected order: {', '.join(c for c, _ in spec.order)})",
            )
        )
        return
    count = parent.seen.get(name, 0) + 1
    limit = spec.order[index][1][1]
    if limit is not None and count > limit:
        message.problems.append(Problem(path, line, f"{name} may occur once in {parent.name}"))
    parent.seen[name] = count
    parent.position = index


def _expected(spec: Children, position: int) -> str:
    names = [c for c, _ in spec.order[position:]]
    return "expected " + ", ".join(names) if names else "no further element expected"


def _complete(message: Message, frame: _Frame) -> None:
    """Every required child present."""
    if frame.spec is None:
        return
    for name, (least, _) in frame.spec.order:
        if least and name not in frame.seen:
            message.problems.append(
                Problem(frame.path, frame.line, f"missing required element {name} in {frame.name}")
            )


def _check_value(message: Message, frame: _Frame, stack: list[_Frame], text: str) -> None:
    """A value of the kind and code list its element has."""
    name, law = frame.name, message.law
    reason = None
    if name in DATES:
        reason = _date_problem(text)
    elif name == "Toewijzingstijd":
        reason = _time_problem(text)
    elif name in INTEGERS:
        if not DIGITS.fullmatch(text) or int(text) > INTEGERS[name]:
            reason = f"not a whole number from 0 to {INTEGERS[name]}"
    elif name == "Bsn" and not (len(text) == 9 and elfproef(text)):
        reason = "not a valid BSN (9 digits, elfproef)"  # never echoed
    elif name == "Type" and stack and stack[-1].name == "Verwijzer":
        known = text in codes.VERWIJZER
        reason = None if known else _unknown(name, text, codes.VERWIJZER, "COD327")
    elif law and message.folded and (allowed := codes.allowed(name, law)) is not None:
        known = text in allowed
        reason = None if known else _unknown(name, text, allowed, f"the {codes.WET[law]} code list")
    if reason:
        message.problems.append(Problem(frame.path, frame.line, f"{name}: {reason}"))


def _unknown(name: str, text: str, allowed: object, where: str) -> str:
    shown = text if len(text) <= 12 else text[:12] + "..."
    listing = ", ".join(sorted(allowed))  # type: ignore[call-overload]
    return f"unknown code {shown!r} (not in {where}: {listing})"


def _date_problem(text: str) -> str | None:
    if ZONE.fullmatch(text):
        return f"date {text!r} has a time zone (3.2 dates are CCYY-MM-DD without one)"
    if not DATE.fullmatch(text):
        return f"{text!r} is not a date CCYY-MM-DD"
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return f"{text} is not a real date"
    return None


def _time_problem(text: str) -> str | None:
    if ZONE.fullmatch(text):
        return f"time {text!r} has a time zone (3.2 times are hh:mm:ss without one)"
    if not TIME.fullmatch(text):
        return f"{text!r} is not a time hh:mm:ss"
    try:
        dt.time.fromisoformat(text[:8])
    except ValueError:
        return f"{text} is not a real time"
    return None


def _check_header(message: Message) -> None:
    """The BerichtCode and version the namespace promises; gemeente and AGB codes."""
    if message.code == "?" or not message.law or (message.problems and not message.header):
        return
    header, law = message.header, message.law
    expected = codes.BERICHTCODE[law][message.code]
    problems = []
    if header.get("BerichtCode") not in (None, expected):
        problems.append(
            f"BerichtCode {header['BerichtCode']!r} does not match the namespace "
            f"({law}{message.code} has {expected})"
        )
    for name, value in (("BerichtVersie", "3"), ("BerichtSubversie", "2")):
        if header.get(name) not in (None, value):
            problems.append(f"{name} {header[name]!r}: release 3.2 has {value}")
    gemeente, agb = ("Afzender", "Ontvanger")
    if message.code not in GEMEENTE_SENDS:
        gemeente, agb = agb, gemeente
    checked = message.code not in ("302", "306", "308", "316", "318", "320")  # answers: reversed
    if checked and not re.fullmatch(r"\d{4}", header.get(gemeente, "0000")):
        problems.append(f"{gemeente} {header[gemeente]!r} is not a gemeente code (4 digits)")
    if checked and not re.fullmatch(r"\d{8}", header.get(agb, "00000000")):
        problems.append(f"{agb} {header[agb]!r} is not an AGB code (8 digits)")
    message.problems += [Problem("Bericht/Header", 0, p) for p in problems]


def gemeente_and_aanbieder(message: Message) -> tuple[str, str]:
    """(gemeente code, aanbieder AGB) of a message, whichever way it went."""
    afzender, ontvanger = message.header.get("Afzender", ""), message.header.get("Ontvanger", "")
    if message.code in GEMEENTE_SENDS:
        return afzender, ontvanger
    return ontvanger, afzender

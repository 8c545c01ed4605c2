"""cache: a checked Library kept on disk under the hash of everything it was built from.

The key is a SHA-256 over the bytes of every definition file (with the name shown in
messages and where it lies), the grammar and every module of the language (so a changed
parser or resolver never serves an old library), the canonical schema, the package,
Python and pydantic versions, and the loading options. A second ``check`` or ``run`` on
unchanged files then reads the library instead of parsing and resolving it again.

Only a library that loaded without a single diagnostic is stored, as JSON naming only the
language's own models (``dsl.codec``: reading an entry runs no code). An entry is one text
file, written whole (a temporary file renamed into place): a line naming the layout, the
key, the SHA-256 of the JSON, then the JSON. An entry that is truncated, altered, stale or
unreadable, or that belongs to another user, is ignored and rebuilt: never an error and
never a wrong library. The parser's LALR tables are kept the same way (``cached_parser``).

The folder is ``$MAATSTAF_CACHE_DIR``, else ``$XDG_CACHE_HOME/maatstaf``, else
``~/.cache/maatstaf``; ``MAATSTAF_CACHE_DIR=off`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from maatstaf.dsl import codec
from maatstaf.dsl.model import Library

if TYPE_CHECKING:
    from lark import Lark

CACHE_VARIABLE = "MAATSTAF_CACHE_DIR"
OFF = "off"
# What an entry starts with; raise the number whenever the layout of an entry changes.
MAGIC = b"maatstaf-library 2\n"
# Entries kept: the newest ones (a few libraries, each in a few states, are in use at once).
KEEP = 16
PREFIX, PARSER_PREFIX, SUFFIX = "library-", "parser-", ".json"

_LANGUAGE = Path(__file__).parent  # the modules and the grammar of maatstaf.dsl


@dataclass(frozen=True)
class Source:
    """One definition file as read: the name shown in messages, where it lies, its bytes."""

    name: str
    path: Path
    data: bytes


def cache_folder(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where entries are kept, or None when the cache is off."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(CACHE_VARIABLE, "").strip()
    if chosen.lower() == OFF:
        return None
    if chosen:
        return Path(chosen).expanduser()
    xdg = environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "maatstaf"


def library_key(sources: Iterable[Source], options: str, schema: bytes) -> str:
    """The hash of everything a library is built from (see the module's docstring)."""
    import pydantic

    from maatstaf import __version__

    digest = hashlib.sha256()

    def add(part: bytes) -> None:  # length-prefixed, so no two inputs run together
        digest.update(len(part).to_bytes(8, "big") + part)

    for text in (MAGIC.decode(), __version__, sys.version, pydantic.VERSION, options):
        add(text.encode())
    add(schema)
    for module in sorted(_LANGUAGE.iterdir()):
        if module.suffix in (".py", ".lark"):
            add(module.name.encode())
            add(module.read_bytes())
    for source in sources:
        add(source.name.encode())
        add(str(source.path.resolve()).encode())
        add(source.data)
    return digest.hexdigest()


@dataclass(frozen=True)
class LibraryCache:
    folder: Path
    prefix: str = PREFIX  # the kind of entry: libraries, or the parser's tables

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> LibraryCache | None:
        folder = cache_folder(environ)
        return None if folder is None else cls(folder)

    def get(self, key: str) -> Library | None:
        """The library stored under this key, or None (absent, damaged or not ours)."""
        payload = self.read(key)
        if payload is None:
            return None
        try:
            library = codec.loads(payload)
        except codec.CodecError:  # well formed but not a library of this version: rebuilt
            return None
        return library if isinstance(library, Library) else None

    def put(self, key: str, library: Library) -> None:
        """Store the library; one holding a value the codec cannot write is not stored."""
        try:
            payload = codec.dumps(library)
        except codec.CodecError:
            return
        self.write(key, payload)

    def entry(self, key: str) -> Path:
        return self.folder / f"{self.prefix}{key}{SUFFIX}"

    def read(self, key: str) -> bytes | None:
        """The payload stored under this key, if it is whole, unaltered and ours."""
        try:
            with open(self.entry(key), "rb") as file:
                if hasattr(os, "getuid") and os.fstat(file.fileno()).st_uid != os.getuid():
                    return None  # never trust a file another user could have written
                data = file.read()
            os.utime(self.entry(key))  # recently used: pruned last
        except OSError:
            return None
        header = _header(key)
        digest, payload = data[len(header) : len(header) + 65], data[len(header) + 65 :]
        ok = data.startswith(header) and digest == _sha(payload) + b"\n"
        return payload if ok else None

    def write(self, key: str, payload: bytes) -> None:
        """Store the payload, whole or not at all; a cache that cannot be written (a full
        disk, a read-only home) only means the next run builds again."""
        data = _header(key) + _sha(payload) + b"\n" + payload
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
            try:
                with os.fdopen(descriptor, "wb") as file:
                    file.write(data)
                os.replace(temporary, self.entry(key))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            self._prune()
        except OSError:
            return

    def _prune(self) -> None:
        """Keep the most recently used entries only, so the folder does not grow with every
        edit."""
        entries = []
        for path in self.folder.glob(f"{self.prefix}*{SUFFIX}"):
            with contextlib.suppress(OSError):
                entries.append((path.stat().st_mtime, path))
        for _, path in sorted(entries, reverse=True)[KEEP:]:
            with contextlib.suppress(OSError):
                path.unlink()


def cached_parser(build: Callable[[], Lark], grammar: bytes, options: str) -> Lark:
    """The grammar's parser, its LALR tables read from the cache: building them takes
    longer than parsing the whole standard library. Stored (as JSON through the codec)
    under the hash of the grammar, its options and the Lark and Python versions; an entry
    that cannot be read or loaded is rebuilt."""
    import lark

    folder = cache_folder()
    if folder is None:
        return build()
    cache = LibraryCache(folder, PARSER_PREFIX)
    digest = hashlib.sha256()
    for part in (MAGIC, lark.__version__.encode(), sys.version.encode(), options.encode()):
        digest.update(len(part).to_bytes(8, "big") + part)
    digest.update(grammar)
    key = digest.hexdigest()
    payload = cache.read(key)
    if payload is not None:
        with contextlib.suppress(Exception):  # any entry Lark cannot load: built again
            tables = codec.loads(payload)
            return lark.Lark._load_from_dict(tables["data"], tables["memo"])
    parser = build()
    data, memo = parser.memo_serialize([lark.lexer.TerminalDef, lark.grammar.Rule])
    # where the grammar came from: objects, not needed to parse (nor written by Lark.save)
    data["options"] = {
        k: v for k, v in data["options"].items() if k not in ("import_paths", "source_path")
    }
    with contextlib.suppress(codec.CodecError):
        cache.write(key, codec.dumps({"data": data, "memo": memo}))
    return parser


def _header(key: str) -> bytes:
    """An entry's first lines: the layout, the key; then the payload's SHA-256 (hex)."""
    return MAGIC + key.encode() + b"\n"


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).hexdigest().encode()

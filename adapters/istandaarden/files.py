"""files: the XML messages of a source, a folder (searched recursively) or a .zip, as
streams opened one at a time; and the folder holding the other tables' files."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from maatstaf.adapters.base import LoadError
from maatstaf.adapters.limits import check_bytes, current_limits

TABLE_SUFFIXES = (".csv", ".parquet")


def is_message_source(path: Path) -> bool:
    """A .zip, or a folder holding at least one .xml file (at any depth)."""
    if path.is_file():
        return path.suffix.lower() == ".zip"
    return path.is_dir() and next(_xml_in(path), None) is not None


def _xml_in(folder: Path) -> Iterator[Path]:
    return (p for p in folder.rglob("*") if p.suffix.lower() == ".xml" and p.is_file())


def message_streams(location: Path) -> Iterator[tuple[str, Callable[[], IO[bytes]]]]:
    """(name shown in messages, opener) per XML file, in name order. A member of a zip is
    named ``archive.zip!/path/in/zip.xml``; it is read straight from the zip."""
    if location.is_dir():
        for path in sorted(_xml_in(location)):
            yield str(path), _opener(path)
        return
    try:
        archive = zipfile.ZipFile(location)
    except (zipfile.BadZipFile, OSError) as exc:
        raise LoadError(f"{location}: cannot read as a zip archive: {exc}") from None
    with archive:
        limits = current_limits()
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or not info.filename.lower().endswith(".xml"):
                continue
            check_bytes(f"{location}!/{info.filename}", info.file_size, limits)
            yield f"{location}!/{info.filename}", _member(archive, info)


def _opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
    return lambda: archive.open(info)


@contextlib.contextmanager
def table_folder(location: Path) -> Iterator[Path]:
    """The folder with the CSV/Parquet files beside the messages: the folder itself, or
    for a zip a temporary folder with the zip's table files (at its top level)."""
    if location.is_dir():
        yield location
        return
    folder = Path(tempfile.mkdtemp(prefix="maatstaf-zip-"))
    try:
        with zipfile.ZipFile(location) as archive:
            limits = current_limits()
            for info in archive.infolist():
                name = Path(info.filename)
                if (
                    info.is_dir()
                    or len(name.parts) != 1
                    or name.suffix.lower() not in TABLE_SUFFIXES
                ):
                    continue
                check_bytes(f"{location}!/{info.filename}", info.file_size, limits)
                with archive.open(info) as source, (folder / name.name).open("wb") as target:
                    shutil.copyfileobj(source, target)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)

"""Outputs: checked before any work (writable, none of the inputs), then written whole."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from maatstaf.cli.boundary import UsageError
from maatstaf.renderers.atomic import write_bytes, write_text

FORMATS = "json, markdown, html, csv, xlsx, parquet (or a plugin)"


def write(text: str | bytes, output: Path | None) -> None:
    """Text or, for a binary format (xlsx, parquet), bytes: to the file, or to stdout."""
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(text)
        return
    if isinstance(text, bytes):
        write_bytes(output, text)
    else:
        write_text(output, text)


def check_format(renderer: object, output: Path | None) -> None:
    """Before any work: a binary format (xlsx, parquet) goes to a file or a pipe, never to
    a terminal, where it would be unreadable noise."""
    if output is None and getattr(renderer, "binary", False) and sys.stdout.isatty():
        name = getattr(renderer, "name", "this format")
        suffix = getattr(renderer, "suffix", "")
        raise UsageError(
            f"--format {name} is a binary file: give --output (e.g. --output figures{suffix})"
        )


def local_files(location: Path | str | None) -> list[Path]:
    """The files an input location stands for: itself, or the files in a folder (a
    database URL has none)."""
    if location is None:
        return []
    path = Path(location)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    return [path] if path.is_file() else []


def _same(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return one.resolve() == other.resolve()


def check_outputs(
    outputs: dict[str, Path | None], inputs: dict[str, Path | str | list[Path] | None]
) -> None:
    """Before any work: every output file can be written and is none of the inputs (nor
    another output), so a typo never overwrites the source data and never fails only after
    the whole computation."""
    sources = [
        (label, file)
        for label, where in inputs.items()
        for place in (where if isinstance(where, list) else [where])
        for file in local_files(place)
    ]
    given = [(option, path) for option, path in outputs.items() if path is not None]
    for number, (option, path) in enumerate(given):
        for label, file in sources:
            if _same(path, file):
                raise UsageError(
                    f"{option} {path} is an input ({label}): write the output to another file"
                )
        for other, earlier in given[:number]:
            if _same(path, earlier):
                raise UsageError(f"{option} {path} is also given to {other}: use two files")
        _check_writable(option, path)


def _check_writable(option: str, path: Path) -> None:
    if path.is_dir():
        raise UsageError(f"{option} {path} is a folder: give a file name ({path / 'report'}...)")
    if path.exists():
        if not os.access(path, os.W_OK):
            raise UsageError(f"{option} {path} cannot be written: the file is read-only")
        return
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(f"{option} {path} cannot be written: {folder} is a file")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path} cannot be written: no permission in {folder}")


def check_folder(option: str, path: Path) -> None:
    """Before any work: a folder output is a folder (or not there yet), never a file."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path} is a file: give a folder (it is created if needed)")

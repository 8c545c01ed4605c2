"""The cache of parsed libraries (issue 14, item 1): used on a second run, invalidated by
any change, rebuilt when damaged, never holding a broken library, read without running
code (the codec names only the language's models); the parser's tables kept alike."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maatstaf.cli import app
from maatstaf.dsl import codec
from maatstaf.dsl import load as load_module
from maatstaf.dsl.cache import KEEP, PARSER_PREFIX, PREFIX, LibraryCache, cache_folder
from maatstaf.dsl.errors import DefinitionError, Span
from maatstaf.dsl.load import load_library

MEASURE = """measure test.aantal {
  label  "Aantal toewijzingen"
  unit   toewijzingen
  owner  "Team Test"
  description "Toewijzingen die in de periode lopen."
  count toewijzingen
  where active in period
}
"""


def _definitions(tmp_path: Path) -> Path:
    folder = tmp_path / "defs"
    folder.mkdir()
    (folder / "aantal.kpi").write_text(MEASURE, encoding="utf-8")
    return folder


def _counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one whenever a library is built (parsed and resolved)."""
    builds: list[int] = []
    original = load_module._build

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        builds.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(load_module, "_build", counted)
    return builds


# ---- the library cache ----------------------------------------------------------------


def test_a_second_load_uses_the_cache_and_gives_the_same_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = LibraryCache(tmp_path / "cache")
    builds = _counting_builds(monkeypatch)
    first = load_library(cache=cache)
    second = load_library(cache=cache)
    assert builds == [1]
    assert second == first and second is not first
    assert second == load_library()  # and what no cache at all gives
    assert len(list(cache.folder.glob(f"{PREFIX}*"))) == 1


def test_the_cache_keeps_the_notes_of_user_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = LibraryCache(tmp_path / "cache")
    folder = _definitions(tmp_path)
    fresh = load_library([folder])
    builds = _counting_builds(monkeypatch)
    assert load_library([folder], cache=cache) == fresh
    cached = load_library([folder], cache=cache)
    assert builds == [1]
    assert cached == fresh and cached.notes == fresh.notes and cached.notes
    # the same files without the standard rules are another library
    assert load_library([folder], cache=cache, standard_rules=False) != fresh
    assert builds == [1, 1]


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.write_text(MEASURE.replace("Aantal toewijzingen", "Aantal"), "utf-8"),
        lambda f: f.write_text(MEASURE + "# a comment\n", "utf-8"),
        lambda f: f.write_text(MEASURE.replace("\n", "\r\n"), "utf-8"),
        lambda f: (f.parent / "tweede.kpi").write_text(
            MEASURE.replace("test.aantal", "test.tweede"), "utf-8"
        ),
        lambda f: f.rename(f.parent / "hernoemd.kpi"),
    ],
    ids=["label", "comment", "line-ends", "file-added", "file-renamed"],
)
def test_any_change_of_a_definition_file_rebuilds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change
) -> None:  # type: ignore[no-untyped-def]
    cache = LibraryCache(tmp_path / "cache")
    folder = _definitions(tmp_path)
    builds = _counting_builds(monkeypatch)
    load_library([folder], cache=cache)
    change(folder / "aantal.kpi")
    changed = load_library([folder], cache=cache)
    assert builds == [1, 1]
    assert changed == load_library([folder])
    assert load_library([folder], cache=cache) == changed and builds == [1, 1, 1]


def test_a_changed_standard_file_or_grammar_changes_the_key(tmp_path: Path) -> None:
    from maatstaf.dsl.cache import Source, library_key

    sources = [Source("a.kpi", tmp_path / "a.kpi", MEASURE.encode())]
    key = library_key(sources, "options", b"schema")
    assert library_key(sources, "options", b"schema") == key
    assert library_key(sources, "other", b"schema") != key
    assert library_key(sources, "options", b"schema2") != key
    moved = [Source("a.kpi", tmp_path / "b.kpi", MEASURE.encode())]
    assert library_key(moved, "options", b"schema") != key
    # the name shown in messages and the bytes are kept apart (no two inputs run together)
    one = [Source("ab", tmp_path / "x", b"c")]
    other = [Source("a", tmp_path / "x", b"bc")]
    assert library_key(one, "o", b"") != library_key(other, "o", b"")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # a write cut short
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit of the payload
        lambda data: b"garbage",
        lambda data: b"",
        lambda data: data.replace(b"maatstaf-library", b"maatstaf-librarz", 1),
    ],
    ids=["truncated", "bit-flip", "garbage", "empty", "other-layout"],
)
def test_a_damaged_entry_is_ignored_and_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage
) -> None:  # type: ignore[no-untyped-def]
    cache = LibraryCache(tmp_path / "cache")
    folder = _definitions(tmp_path)
    good = load_library([folder], cache=cache)
    [entry] = cache.folder.glob(f"{PREFIX}*")
    entry.write_bytes(damage(entry.read_bytes()))
    builds = _counting_builds(monkeypatch)
    assert load_library([folder], cache=cache) == good
    assert builds == [1]
    assert load_library([folder], cache=cache) == good and builds == [1]  # repaired


def test_an_entry_holding_something_else_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = LibraryCache(tmp_path / "cache")
    folder = _definitions(tmp_path)
    good = load_library([folder], cache=cache)
    [entry] = cache.folder.glob(f"{PREFIX}*")
    key = entry.name.removeprefix(PREFIX).removesuffix(".json")
    cache.write(key, b'{"$d":[["measures",{"$d":[]}]]}')  # well formed, not a library
    builds = _counting_builds(monkeypatch)
    assert load_library([folder], cache=cache) == good and builds == [1]


def test_an_entry_of_another_user_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = LibraryCache(tmp_path / "cache")
    folder = _definitions(tmp_path)
    load_library([folder], cache=cache)
    builds = _counting_builds(monkeypatch)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(cache.folder).st_uid + 1)
    load_library([folder], cache=cache)
    assert builds == [1]


def test_a_broken_file_is_never_cached(tmp_path: Path) -> None:
    cache = LibraryCache(tmp_path / "cache")
    folder = _definitions(tmp_path)
    (folder / "aantal.kpi").write_text(MEASURE.replace("count toewijzingen", "count"), "utf-8")
    with pytest.raises(DefinitionError) as first:
        load_library([folder], cache=cache)
    with pytest.raises(DefinitionError) as second:
        load_library([folder], cache=cache)
    assert str(second.value) == str(first.value) and "aantal.kpi:7:9: unexpected" in str(
        first.value
    )
    assert not list(cache.folder.glob(f"{PREFIX}*")) if cache.folder.exists() else True


def test_a_file_that_cannot_be_read_is_never_cached(tmp_path: Path) -> None:
    cache = LibraryCache(tmp_path / "cache")
    folder = _definitions(tmp_path)
    (folder / "weg.kpi").symlink_to(tmp_path / "does-not-exist.kpi")
    with pytest.raises(DefinitionError, match="a link to a file that does not exist"):
        load_library([folder], cache=cache)
    assert not list(cache.folder.glob(f"{PREFIX}*")) if cache.folder.exists() else True


def test_an_unwritable_cache_folder_only_means_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    cache = LibraryCache(blocker / "cache")
    folder = _definitions(tmp_path)
    assert load_library([folder], cache=cache) == load_library([folder])


def test_entries_are_written_whole_and_the_oldest_are_pruned(tmp_path: Path) -> None:
    cache = LibraryCache(tmp_path / "cache")
    for number in range(KEEP + 3):
        cache.write(f"{number:064x}", b"payload %d" % number)
        os.utime(cache.entry(f"{number:064x}"), (number, number))
    kept = sorted(p.name for p in cache.folder.iterdir())
    assert len(kept) == KEEP and not [n for n in kept if n.startswith(".tmp")]
    assert cache.read(f"{KEEP + 2:064x}") == b"payload %d" % (KEEP + 2)
    assert cache.read(f"{0:064x}") is None
    assert oct(cache.folder.stat().st_mode & 0o777) == "0o700"


def test_the_cache_folder_follows_the_environment(tmp_path: Path) -> None:
    assert cache_folder({"MAATSTAF_CACHE_DIR": "off"}) is None
    assert cache_folder({"MAATSTAF_CACHE_DIR": " OFF "}) is None
    assert cache_folder({"MAATSTAF_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert cache_folder({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "maatstaf"
    home = Path.home() / ".cache" / "maatstaf"
    assert cache_folder({}) == home
    assert cache_folder({"XDG_CACHE_HOME": "relative/path"}) == home  # the spec ignores it
    assert LibraryCache.from_environment({"MAATSTAF_CACHE_DIR": "off"}) is None


def test_check_on_the_command_line_uses_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", str(tmp_path / "cache"))
    folder = _definitions(tmp_path)
    builds = _counting_builds(monkeypatch)
    outputs = [CliRunner().invoke(app, ["check", str(folder)]) for _ in range(2)]
    assert [o.exit_code for o in outputs] == [0, 0]
    assert outputs[0].output == outputs[1].output and "ok: 1 measures" in outputs[0].output
    assert builds == [1]
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", "off")
    assert CliRunner().invoke(app, ["check", str(folder)]).output == outputs[0].output
    assert builds == [1, 1]


# ---- the codec: JSON naming only the language's models --------------------------------


def test_the_codec_gives_back_the_very_library() -> None:
    library = load_library()
    again = codec.loads(codec.dumps(library))
    assert again == library
    for measure_id, measure in library.measures.items():
        for old, new in zip(measure.versions, again.measures[measure_id].versions, strict=True):
            assert new == old and new.model_fields_set == old.model_fields_set
            assert type(new.aggregate) is type(old.aggregate)
            assert new.aggregate.model_fields_set == old.aggregate.model_fields_set
    assert codec.dumps(again) == codec.dumps(library)


def test_a_span_is_written_as_its_five_values_and_read_back_whole() -> None:
    span = Span(file="d.kpi", line=3, column=5, end_line=4, end_column=1)
    assert codec.dumps(span) == b'{"$sp":["d.kpi",3,5,4,1]}'
    again = codec.loads(codec.dumps(span))
    assert again == span and again.model_fields_set == span.model_fields_set


@pytest.mark.parametrize(
    "entry",
    [
        b'{"$m":"os:system","f":{},"s":[]}',
        b'{"$m":"maatstaf.engine.run:RunRequest","f":{},"s":[]}',
        b'{"$m":"maatstaf.dsl.ast:dt.date","f":{},"s":[]}',
        b'{"$m":"maatstaf.dsl.errors:did_you_mean","f":{},"s":[]}',
        b'{"$x":1}',
        b'{"a":1,"b":2}',
        b'{"$sp":["d.kpi",1,2,3]}',
        b'{"$sp":["d.kpi",1,2,3,4,5]}',
        b"[",
        b"\xff",
    ],
)
def test_the_codec_builds_nothing_but_the_language_models(entry: bytes) -> None:
    with pytest.raises(codec.CodecError):
        codec.loads(entry)


def test_a_library_holding_a_foreign_value_is_not_cached(tmp_path: Path) -> None:
    cache = LibraryCache(tmp_path / "cache")
    library = load_library([_definitions(tmp_path)])
    odd = library.model_copy(update={"notes": (object(),)})
    with pytest.raises(codec.CodecError, match="object cannot be cached"):
        codec.dumps(odd)
    cache.put("0" * 64, odd)
    assert cache.get("0" * 64) is None


# ---- the parser's tables --------------------------------------------------------------


@pytest.fixture
def parser_module(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """maatstaf.dsl.parser with its parser built anew on first use (and again after)."""
    from maatstaf.dsl import parser

    parser._parser.cache_clear()
    yield parser
    parser._parser.cache_clear()


def test_the_parser_from_the_cache_parses_every_file_as_a_built_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser_module
) -> None:  # type: ignore[no-untyped-def]
    from maatstaf.dsl.load import bundled_definitions

    files = [(f.name, f.read_text("utf-8")) for f in sorted(bundled_definitions().rglob("*.kpi"))]
    broken = [
        ("a.kpi", "measure x {\n  label 12\n}\n"),
        ("b.kpi", "measure x {\n  count toewijzingen\n  where a = \n}\n"),
        ("c.kpi", 'measure x { label "a" unit }'),
    ]

    def outcomes() -> list[object]:
        found: list[object] = []
        for name, text in [*files, *broken]:
            try:
                found.append(parser_module.parse(text, name))
            except DefinitionError as exc:
                found.append(str(exc))
        return found

    monkeypatch.setenv("MAATSTAF_CACHE_DIR", "off")
    built = outcomes()
    assert all(isinstance(o, str) for o in built[-3:])  # the broken ones: diagnostics
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", str(tmp_path / "cache"))
    for _ in range(2):  # the first stores the tables, the second loads them
        parser_module._parser.cache_clear()
        assert outcomes() == built
    assert len(list((tmp_path / "cache").glob(f"{PARSER_PREFIX}*"))) == 1


def test_the_parser_is_loaded_from_the_cache_not_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser_module
) -> None:  # type: ignore[no-untyped-def]
    import lark

    monkeypatch.setenv("MAATSTAF_CACHE_DIR", str(tmp_path / "cache"))
    parser_module._parser()
    parser_module._parser.cache_clear()
    monkeypatch.setattr(lark.Lark, "open_from_package", None)  # building would fail now
    assert parser_module.parse(MEASURE, "a.kpi").declarations


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) - 100], id="truncated"),
        pytest.param(  # the digest no longer matches: in make test-all
            lambda data: data.replace(b'"$t"', b'"$x"', 1), id="altered", marks=pytest.mark.slow
        ),
    ],
)
def test_a_damaged_parser_entry_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser_module, damage
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MAATSTAF_CACHE_DIR", str(tmp_path / "cache"))
    parser_module._parser()
    [entry] = (tmp_path / "cache").glob(f"{PARSER_PREFIX}*")
    entry.write_bytes(damage(entry.read_bytes()))
    parser_module._parser.cache_clear()
    parser_module._parse_once.cache_clear()  # a text parsed before is not parsed again
    assert parser_module.parse(MEASURE, "a.kpi").declarations
    key = entry.name.removeprefix(PARSER_PREFIX).removesuffix(".json")
    assert LibraryCache(tmp_path / "cache", PARSER_PREFIX).read(key) is not None  # repaired

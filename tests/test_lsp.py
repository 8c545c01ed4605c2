"""The language server, through the protocol: a real `maatstaf lsp` over stdio, driven by
pygls's client; and the pure functions under it (the symbol index, position -> symbol)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from maatstaf.dsl.load import bundled_definitions
from maatstaf.lsp.analysis import ParseCache, analyse, context, context_root
from maatstaf.lsp.symbols import symbol_at

OWN = """\
measure gemeente.wmo_starts {
  label  "Gestarte Wmo-toewijzingen"
  unit   toewijzingen
  owner  "Team Wmo"
  description "Toewijzingen Wmo die in de periode starten."

  count toewijzingen as t
  where t.wet = "wmo" and t starts in period
}
"""
USES = """\
measure gemeente.wmo_share {
  label  "Aandeel"
  unit   "%"
  owner  "Team Wmo"
  description "Deel van de instroom."

  compute gemeente.wmo_starts / wmo.instroom
}
"""
TYPO = OWN.replace('t.wet = "wmo"', 't.wett = "wmo"')


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "starts.kpi").write_text(OWN, "utf-8")
    (folder / "share.kpi").write_text(USES, "utf-8")
    return folder


def _uri(path: Path) -> str:
    return from_fs_path(str(path))


def _at(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


class Session:
    """A server process and the diagnostics it published, by document."""

    def __init__(self) -> None:
        self.client = LanguageClient("test", "1")
        self.diagnostics: dict[str, list[types.Diagnostic]] = {}
        self.arrived = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _published(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = list(params.diagnostics)
            self.arrived.set()

    async def start(self, root: Path) -> None:
        await self.client.start_io(sys.executable, "-m", "maatstaf", "lsp")
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(), root_uri=_uri(root), process_id=None
            )
        )
        self.client.initialized(types.InitializedParams())

    def open(self, path: Path, text: str | None = None) -> None:
        self.arrived.clear()
        item = types.TextDocumentItem(
            uri=_uri(path),
            language_id="kpi",
            version=1,
            text=path.read_text("utf-8") if text is None else text,
        )
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))

    async def wait_for(self, path: Path, predicate) -> list[types.Diagnostic]:
        for _ in range(200):
            found = self.diagnostics.get(_uri(path))
            if found is not None and predicate(found):
                return found
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), 0.1)
        raise AssertionError(f"no such diagnostics for {path}: {self.diagnostics}")

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def run(scenario) -> None:
    async def main() -> None:
        session = Session()
        try:
            await scenario(session)
        finally:
            await session.stop()

    asyncio.run(asyncio.wait_for(main(), 120))


# ---- through the protocol ---------------------------------------------------------


@pytest.mark.slow  # a language server of its own: in make test-all (make test talks to one)
def test_diagnostics_as_you_type(project: Path) -> None:
    starts = project / "starts.kpi"

    async def scenario(s: Session) -> None:
        await s.start(project.parent)
        s.open(starts)
        assert await s.wait_for(starts, lambda d: True) == []
        s.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=_uri(starts), version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=TYPO)],
            )
        )
        [problem] = await s.wait_for(starts, lambda d: len(d) > 0)
        assert problem.message == (
            "unknown column 't.wett' in table 'toewijzingen'. Did you mean 't.wet'?"
        )
        assert problem.severity == types.DiagnosticSeverity.Error
        assert problem.range == types.Range(start=_at(7, 8), end=_at(7, 14))
        # fixed again (unsaved): the problem goes away
        s.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=_uri(starts), version=3),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=OWN)],
            )
        )
        assert await s.wait_for(starts, lambda d: d == []) == []

    run(scenario)


@pytest.mark.slow  # a language server of its own: in make test-all (make test talks to one)
def test_unsaved_text_counts_in_other_files(project: Path) -> None:
    """Renaming a measure in an open document, unsaved, breaks its use in another file:
    the other file shows the error, with a did-you-mean."""
    starts, share = project / "starts.kpi", project / "share.kpi"

    async def scenario(s: Session) -> None:
        await s.start(project.parent)
        s.open(starts, OWN.replace("gemeente.wmo_starts", "gemeente.wmo_start"))
        [problem] = await s.wait_for(share, lambda d: len(d) > 0)
        assert problem.message == (
            "unknown measure 'gemeente.wmo_starts'. Did you mean 'gemeente.wmo_start'?"
        )
        assert problem.range == types.Range(start=_at(6, 10), end=_at(6, 29))

    run(scenario)


def test_completion_hover_definition_references_rename(project: Path) -> None:
    starts, share = project / "starts.kpi", project / "share.kpi"

    async def scenario(s: Session) -> None:
        await s.start(project.parent)
        s.open(starts)
        s.open(share)
        await s.wait_for(share, lambda d: True)
        doc = types.TextDocumentIdentifier(uri=_uri(starts))
        shared = types.TextDocumentIdentifier(uri=_uri(share))

        # columns after an alias: 't.' in 'where t.wet' (line 8, after 't.')
        found = await s.client.text_document_completion_async(
            types.CompletionParams(text_document=doc, position=_at(7, 10))
        )
        labels = {i.label: i for i in found.items}
        assert {"wet", "startdatum", "client_id", "client"} <= set(labels)
        assert labels["wet"].kind == types.CompletionItemKind.Field
        assert "wmo.instroom" not in labels  # not a column of toewijzingen
        # everything at the start of a word: keywords, measures, parameters, tables
        found = await s.client.text_document_completion_async(
            types.CompletionParams(text_document=shared, position=_at(6, 10))
        )
        kinds = {i.label: i.kind for i in found.items}
        assert kinds["count"] == types.CompletionItemKind.Keyword
        assert kinds["wmo.instroom"] == types.CompletionItemKind.Function
        assert kinds["gemeente.wmo_starts"] == types.CompletionItemKind.Function
        assert kinds["hersteltermijn"] == types.CompletionItemKind.Constant
        assert kinds["toewijzingen"] == types.CompletionItemKind.Class

        # hover over 'wmo.instroom' in share.kpi: label, unit, owner, versions
        shown = await s.client.text_document_hover_async(
            types.HoverParams(text_document=shared, position=_at(6, 35))
        )
        assert shown.contents.value.startswith(
            "**Instroom Wmo: gestarte toewijzingen** · measure `wmo.instroom`"
        )
        assert "- unit: toewijzingen" in shown.contents.value
        assert "| 1 | always | Instroom Wmo: gestarte toewijzingen |" in shown.contents.value
        # hover over the table: its columns
        shown = await s.client.text_document_hover_async(
            types.HoverParams(text_document=doc, position=_at(6, 10))
        )
        assert "| wet | text | required · values wmo, jeugdwet |" in shown.contents.value

        # definition of gemeente.wmo_starts used in share.kpi: in starts.kpi, line 1
        place = await s.client.text_document_definition_async(
            types.DefinitionParams(text_document=shared, position=_at(6, 12))
        )
        assert place.uri == _uri(starts)
        assert place.range == types.Range(start=_at(0, 8), end=_at(0, 27))
        # definition of a standard measure: in the bundled library
        place = await s.client.text_document_definition_async(
            types.DefinitionParams(text_document=shared, position=_at(6, 35))
        )
        assert place.uri == _uri(bundled_definitions() / "wmo" / "instroom.kpi")

        # references: the definition and the use
        found = await s.client.text_document_references_async(
            types.ReferenceParams(
                text_document=doc,
                position=_at(0, 12),
                context=types.ReferenceContext(include_declaration=True),
            )
        )
        assert sorted((r.uri, r.range.start.line) for r in found) == sorted(
            [(_uri(starts), 0), (_uri(share), 6)]
        )

        # rename across files
        edit = await s.client.text_document_rename_async(
            types.RenameParams(text_document=doc, position=_at(0, 12), new_name="gemeente.start")
        )
        assert {
            uri: [(e.range.start.line, e.range.start.character, e.new_text) for e in edits]
            for uri, edits in edit.changes.items()
        } == {
            _uri(starts): [(0, 8, "gemeente.start")],
            _uri(share): [(6, 10, "gemeente.start")],
        }
        # a name that exists is refused, with a message
        with pytest.raises(JsonRpcException, match=r"a measure named 'wmo\.instroom' exists"):
            await s.client.text_document_rename_async(
                types.RenameParams(text_document=doc, position=_at(0, 12), new_name="wmo.instroom")
            )
        # a standard measure is not renamed from a project
        with pytest.raises(JsonRpcException, match="a measure of the standard library"):
            await s.client.text_document_rename_async(
                types.RenameParams(text_document=shared, position=_at(6, 35), new_name="x.y")
            )

    run(scenario)


# ---- the pure functions -----------------------------------------------------------


def _analysis(project: Path):
    return analyse(context(project / "starts.kpi"), {}, ParseCache())


def test_context_is_the_standard_library_and_the_definitions_folder(project: Path) -> None:
    nested = project / "wmo"
    nested.mkdir()
    assert context_root(nested / "x.kpi") == project
    names = [name for _, name in context(project / "starts.kpi").files]
    assert f"{project}/share.kpi" in names and "definitions/wmo/instroom.kpi" in names


def test_symbol_index(project: Path) -> None:
    analysis = _analysis(project)
    assert analysis.library is not None and analysis.problems == ()
    share = f"{project}/share.kpi"
    uses = analysis.index.references("measure", "gemeente.wmo_starts")
    assert [(o.span.file, o.span.line, o.span.column, o.definition) for o in uses] == [
        (share, 7, 11, False),
        (f"{project}/starts.kpi", 1, 9, True),
    ]
    # a parameter's every use in the standard library, each span exactly its name
    found = analysis.index.references("parameter", "hersteltermijn")
    assert {
        analysis.texts[o.span.file].split("\n")[o.span.line - 1][
            o.span.column - 1 : o.span.end_column - 1
        ]
        for o in found
    } == {"hersteltermijn"}
    assert sum(o.definition for o in found) == 1 and len(found) >= 3


def test_position_to_symbol(project: Path) -> None:
    analysis = _analysis(project)
    share = f"{project}/share.kpi"
    # 'compute gemeente.wmo_starts / wmo.instroom': line 7, ids at columns 11 and 33
    assert symbol_at(analysis.index, share, 7, 11).name == "gemeente.wmo_starts"
    assert symbol_at(analysis.index, share, 7, 30).name == "gemeente.wmo_starts"  # at its end
    assert symbol_at(analysis.index, share, 7, 31) is None  # the '/'
    assert symbol_at(analysis.index, share, 7, 33).name == "wmo.instroom"
    assert symbol_at(analysis.index, share, 1, 1) is None  # the keyword 'measure'
    # a column is not a parameter or measure: 't.wet' names nothing of the library
    starts = f"{project}/starts.kpi"
    assert symbol_at(analysis.index, starts, 8, 10) is None
    assert symbol_at(analysis.index, starts, 7, 9).kind == "table"


def test_a_column_hides_a_parameter_of_the_same_name(tmp_path: Path) -> None:
    """As the resolver decides: 'wet' in a measure over toewijzingen is the column, even
    where a parameter 'wet' exists; outside any table it is the parameter."""
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "a.kpi").write_text(
        'parameter wet = "wmo"\n'
        + OWN.replace('t.wet = "wmo"', "wet = wet").replace(
            "description", "target >= wet\n  description"
        ),
        "utf-8",
    )
    analysis = analyse(context(folder / "a.kpi"), {}, ParseCache())
    uses = analysis.index.references("parameter", "wet")
    assert [(o.span.line, o.span.column) for o in uses] == [(1, 11)]


# ---- in a project (maatstaf.yaml) -------------------------------------------------

OVERRIDES = "  overrides wmo.instroom\n"


def _environ() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "MAATSTAF_PROJECT"}


def _init(tmp_path: Path) -> Path:
    """A project made by 'maatstaf init' (no sample data: the editor reads none)."""
    import subprocess

    folder = tmp_path / "gemeente"
    subprocess.run(
        [sys.executable, "-m", "maatstaf", "init", str(folder), "--name=Testdorp", "--no-sample"],
        check=True,
        capture_output=True,
        env=_environ(),
    )
    return folder


def _line_of(text: str, needle: str) -> int:
    """The 0-based line on which a text first holds the needle."""
    return next(n for n, line in enumerate(text.split("\n")) if needle in line)


@pytest.mark.slow  # a language server of its own: in make test-all (make test talks to one)
def test_a_project_gets_its_own_library_and_its_overrides(tmp_path: Path) -> None:
    """A document of a project made by 'maatstaf init' is checked with the project's library:
    its override of wmo.instroom shows no error and is the wmo.instroom the report uses;
    without 'overrides' (unsaved) the error names both files, as 'check' does."""
    root = _init(tmp_path)
    instroom = root / "definitions" / "wmo" / "instroom.kpi"
    report = root / "definitions" / "rapporten" / "kwartaalrapport.kpi"
    own, shown = instroom.read_text("utf-8"), report.read_text("utf-8")
    assert OVERRIDES in own

    async def scenario(s: Session) -> None:
        await s.start(root)
        s.open(instroom)
        s.open(report)
        assert await s.wait_for(instroom, lambda d: True) == []
        assert await s.wait_for(report, lambda d: True) == []
        doc = types.TextDocumentIdentifier(uri=_uri(report))
        tile = _at(_line_of(shown, "tile wmo.instroom"), 11)
        # the report's wmo.instroom is the project's own, not the standard one
        place = await s.client.text_document_definition_async(
            types.DefinitionParams(text_document=doc, position=tile)
        )
        assert place.uri == _uri(instroom)
        assert place.range.start.line == _line_of(own, "measure wmo.instroom")
        found = await s.client.text_document_hover_async(
            types.HoverParams(text_document=doc, position=tile)
        )
        assert "owner: Team Wmo, Testdorp" in found.contents.value
        # the project's own measure is known: completion offers it
        found = await s.client.text_document_completion_async(
            types.CompletionParams(text_document=doc, position=tile)
        )
        assert "gemeente.huishoudelijke_hulp" in {i.label for i in found.items}

        # 'overrides' removed, unsaved: the error names both files
        s.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=_uri(instroom), version=2),
                content_changes=[
                    types.TextDocumentContentChangeWholeDocument(text=own.replace(OVERRIDES, ""))
                ],
            )
        )
        [problem] = await s.wait_for(instroom, lambda d: len(d) > 0)
        first = _line_of(
            (bundled_definitions() / "wmo" / "instroom.kpi").read_text("utf-8"),
            "measure wmo.instroom",
        )
        assert problem.message.startswith(
            "measure 'wmo.instroom' is defined twice: here and at "
            f"definitions/wmo/instroom.kpi:{first + 1}:1. To replace"
        )
        assert problem.severity == types.DiagnosticSeverity.Error
        assert problem.range.start == _at(_line_of(own, "measure wmo.instroom"), 0)
        # and back: no error
        s.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=_uri(instroom), version=3),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=own)],
            )
        )
        assert await s.wait_for(instroom, lambda d: d == []) == []

    run(scenario)


@pytest.mark.slow  # a language server of its own: in make test-all (make test talks to one)
def test_the_editor_says_what_check_says(tmp_path: Path) -> None:
    """The same library and the same message as 'maatstaf check' in the project's folder."""
    import subprocess

    from maatstaf.dsl.load import load_library

    root = _init(tmp_path)
    instroom = root / "definitions" / "wmo" / "instroom.kpi"
    environ = _environ()
    ctx = context(instroom, environ=environ)
    assert ctx.project == (root / "maatstaf.yaml").resolve() and ctx.problems == ()
    analysis = analyse(ctx, {}, ParseCache())
    assert analysis.problems == ()
    expected = load_library([bundled_definitions(), root / "definitions"])
    assert analysis.library.model_dump(exclude={"notes"}) == expected.model_dump(exclude={"notes"})
    assert analysis.library.measures["wmo.instroom"].versions[-1].owner == "Team Wmo, Testdorp"

    instroom.write_text(instroom.read_text("utf-8").replace(OVERRIDES, ""), "utf-8")
    [(problem, severity)] = analyse(context(instroom, environ=environ), {}, ParseCache()).problems
    checked = subprocess.run(
        [sys.executable, "-m", "maatstaf", "check"],
        cwd=root,
        capture_output=True,
        text=True,
        env=environ,
    )
    assert checked.returncode == 1
    said = problem.model_copy(update={"span": None, "source_line": None}).render()
    assert f"./definitions/wmo/instroom.kpi:{problem.span.line}:1: {said}\n" in checked.stderr
    assert severity == "error" and analysis.paths[problem.span.file] == instroom


def test_project_context(tmp_path: Path) -> None:
    """The project's folders in order after the standard library (or without it); a
    document outside them joins them; a broken project file is said, and the folder rule
    holds meanwhile."""
    root = tmp_path / "p"
    for folder in ("eigen", "extra"):
        (root / folder).mkdir(parents=True)
        (root / folder / f"{folder}.kpi").write_text(
            OWN.replace("wmo_starts", f"{folder}_starts"), "utf-8"
        )
    (root / "maatstaf.yaml").write_text("definitions: [extra, eigen]\n", "utf-8")
    environ = _environ()
    bundled = bundled_definitions().resolve()

    ctx = context(root / "eigen" / "eigen.kpi", environ=environ)
    paths = [p.resolve() for p, _ in ctx.files]
    assert paths[0].is_relative_to(bundled)
    own = [p for p in paths if not p.is_relative_to(bundled)]
    assert own == [root / "extra" / "extra.kpi", root / "eigen" / "eigen.kpi"]
    assert ctx.measures_loaded and "definitions/tabellen.kpi" in ctx.rules

    scratch = root / "kladblok.kpi"  # not on disk, outside the folders
    ctx = context(scratch, environ=environ)
    assert ctx.files[-1] == (scratch, str(scratch))
    text = OWN.replace("wmo_starts", "eigen_starts")  # a second definition: an error
    [(problem, _)] = analyse(ctx, {scratch: text}, ParseCache()).problems
    assert problem.span.file == str(scratch) and "defined twice" in problem.message

    # without the standard library: only the standard table rules join
    (root / "maatstaf.yaml").write_text("standard_library: false\ndefinitions: [eigen]\n", "utf-8")
    ctx = context(root / "eigen" / "eigen.kpi", environ=environ)
    assert not ctx.measures_loaded
    analysis = analyse(ctx, {}, ParseCache())
    assert analysis.problems == () and set(analysis.library.measures) == {"gemeente.eigen_starts"}

    # a broken project file: its error, at its key, on the document
    (root / "maatstaf.yaml").write_text("definition: [eigen]\n", "utf-8")
    ctx = context(root / "eigen" / "eigen.kpi", environ=environ)
    [problem] = ctx.problems
    assert "unknown key 'definition'" in problem.message and ctx.project is None
    assert any(p.resolve() == root / "eigen" / "eigen.kpi" for p, _ in ctx.files)
    analysis = analyse(ctx, {}, ParseCache())
    assert analysis.by_file()[None] == [(problem, "error")]
    # MAATSTAF_PROJECT=off: no project, no error
    assert context(root / "eigen" / "eigen.kpi", environ={"MAATSTAF_PROJECT": "off"}).problems == ()


@pytest.mark.slow  # a language server of its own: in make test-all (make test talks to one)
def test_a_broken_project_file_is_said_on_the_document(project: Path) -> None:
    """The project file's error, with its own file, line and column, at the document's
    start; the document is checked meanwhile as outside a project."""
    (project.parent / "maatstaf.yaml").write_text("definition: [definitions]\n", "utf-8")
    starts = project / "starts.kpi"

    async def scenario(s: Session) -> None:
        await s.start(project.parent)
        s.open(starts, TYPO)
        found = await s.wait_for(starts, lambda d: len(d) == 2)
        first, second = sorted(found, key=lambda d: d.range.start.line)
        assert first.range == types.Range(start=_at(0, 0), end=_at(0, 0))
        assert f"{project.parent}/maatstaf.yaml:1:1: unknown key 'definition'" in first.message
        assert "Did you mean 'definitions'?" in first.message
        assert second.message.startswith("unknown column 't.wett'")

    run(scenario)

"""server: the language server for .kpi files (pygls), over stdio.

Diagnostics follow every change (after a short pause in typing), open and save, for every
file of the changed document's library, and are cleared where a problem went away. The
requests (completion, hover, definition, references, rename) answer from the analysis of
the document's library, remade only when an open document changed.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from maatstaf.dsl.errors import Diagnostic, Span
from maatstaf.lsp.analysis import Analysis, ParseCache, Severity, analyse, context
from maatstaf.lsp.completion import complete
from maatstaf.lsp.hover import hover
from maatstaf.lsp.navigation import RenameRefused, definition, references, renamable, rename
from maatstaf.lsp.positions import from_position, to_range
from maatstaf.lsp.symbols import Occurrence

PAUSE = 0.15  # seconds of no typing before a changed document is checked again
REQUEST_FAILED = -32803  # LSP's RequestFailed: the message is shown to the user
_KINDS = {
    "keyword": types.CompletionItemKind.Keyword,
    "measure": types.CompletionItemKind.Function,
    "parameter": types.CompletionItemKind.Constant,
    "dimension": types.CompletionItemKind.Enum,
    "table": types.CompletionItemKind.Class,
    "column": types.CompletionItemKind.Field,
}
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}


class KpiServer(LanguageServer):
    def __init__(self) -> None:
        from importlib.metadata import version

        super().__init__("maatstaf", version("maatstaf"))
        self.cache = ParseCache()
        self.generation = 0  # raised by every change to an open document
        self.memo: dict[tuple, tuple[int, Analysis]] = {}
        self.published: dict[frozenset[str], set[str]] = {}  # by library: its files' uris

    def unsaved(self) -> dict[Path, str]:
        docs = self.workspace.text_documents
        return {Path(to_fs_path(uri) or uri): doc.source for uri, doc in docs.items()}

    def analysis(self, uri: str) -> Analysis:
        unsaved = self.unsaved()
        ctx = context(_path(uri), frozenset(unsaved))
        key = ctx.key
        found = self.memo.get(key)
        if found is not None and found[0] == self.generation:
            return found[1]
        made = analyse(ctx, unsaved, self.cache)
        self.memo[key] = (self.generation, made)
        return made

    def publish(self, uri: str) -> None:
        try:
            analysis = self.analysis(uri)
        except Exception as exc:  # a folder that went away: said on the document, not lost
            self._send(uri, [_general(f"maatstaf could not check this file: {exc}")])
            return
        sent: dict[str, list[types.Diagnostic]] = {}  # a problem of no file joins the document's
        for name, problems in analysis.by_file().items():
            target = uri if name is None else from_fs_path(str(analysis.paths[name]))
            if target is None or not problems:
                continue
            text = analysis.texts.get(name or "", "")
            sent.setdefault(target, []).extend(
                _diagnostic(d, s, text, elsewhere=name is None) for d, s in problems
            )
        for target, diagnostics in sent.items():
            self._send(target, diagnostics)
        shown = set(sent)
        library = frozenset(analysis.paths)
        for gone in (self.published.get(library, set()) - shown) | ({uri} - shown):
            self._send(gone, [])
        self.published[library] = shown

    def _send(self, uri: str, diagnostics: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
        )

    def where(self, uri: str, position: types.Position) -> tuple[Analysis, str, int, int] | None:
        analysis = self.analysis(uri)
        name = analysis.name_of(_path(uri))
        if name is None:
            return None
        line, column = from_position(position, analysis.texts[name])
        return analysis, name, line, column


def _path(uri: str) -> Path:
    return Path(to_fs_path(uri) or uri)


def _general(message: str) -> types.Diagnostic:
    start = types.Position(line=0, character=0)
    return types.Diagnostic(
        range=types.Range(start=start, end=start), message=message, source="maatstaf"
    )


def _at_start(message: str, severity: Severity) -> types.Diagnostic:
    start = types.Position(line=0, character=0)
    return types.Diagnostic(
        range=types.Range(start=start, end=start),
        message=message,
        severity=_SEVERITY[severity],
        source="maatstaf",
    )


def _diagnostic(
    diagnostic: Diagnostic, severity: Severity, text: str, *, elsewhere: bool = False
) -> types.Diagnostic:
    """The protocol's diagnostic: the message with its hint, without the position (the
    editor shows that itself); a problem of no file of the library (the project file's)
    stands at the document's start, with its own file, line and column in the message."""
    if elsewhere:
        message = diagnostic.model_copy(update={"source_line": None}).render()
        return _at_start(message, severity)
    message = diagnostic.model_copy(update={"span": None, "source_line": None}).render()
    start = types.Position(line=0, character=0)
    span = diagnostic.span
    return types.Diagnostic(
        range=to_range(span, text) if span else types.Range(start=start, end=start),
        message=message,
        severity=_SEVERITY[severity],
        source="maatstaf",
    )


def _location(analysis: Analysis, occurrence: Occurrence) -> types.Location:
    path = analysis.paths[occurrence.span.file]
    text = analysis.texts[occurrence.span.file]
    return types.Location(uri=from_fs_path(str(path)), range=to_range(occurrence.span, text))


server = KpiServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def _opened(ls: KpiServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.generation += 1
    ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def _changed(ls: KpiServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.generation += 1
    mine = ls.generation
    await asyncio.sleep(PAUSE)
    if mine == ls.generation:  # no newer change: the text has settled
        ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def _saved(ls: KpiServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.generation += 1
    ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def _closed(ls: KpiServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.generation += 1  # the file on disk counts again


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["."]))
def _completion(ls: KpiServer, params: types.CompletionParams) -> types.CompletionList:
    analysis = ls.analysis(params.text_document.uri)
    text = ls.workspace.get_text_document(params.text_document.uri).source
    line, column = from_position(params.position, text)
    items = []
    for item in complete(analysis, text, line, column):
        typed = Span(file="", line=line, column=item.start, end_line=line, end_column=column)
        items.append(
            types.CompletionItem(
                label=item.label,
                kind=_KINDS[item.kind],
                detail=item.detail,
                text_edit=types.TextEdit(range=to_range(typed, text), new_text=item.label),
            )
        )
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def _hover(ls: KpiServer, params: types.HoverParams) -> types.Hover | None:
    where = ls.where(params.text_document.uri, params.position)
    if where is None:
        return None
    analysis, name, line, column = where
    found = hover(analysis, name, line, column)
    if found is None:
        return None
    text, occurrence = found
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=to_range(occurrence.span, analysis.texts[name]),
    )


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def _definition(ls: KpiServer, params: types.DefinitionParams) -> types.Location | None:
    where = ls.where(params.text_document.uri, params.position)
    if where is None:
        return None
    analysis, name, line, column = where
    place = definition(analysis, name, line, column)
    if place is None:
        return None
    text = analysis.texts.get(place.span.file) or place.path.read_text("utf-8")
    return types.Location(uri=from_fs_path(str(place.path)), range=to_range(place.span, text))


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def _references(ls: KpiServer, params: types.ReferenceParams) -> list[types.Location]:
    where = ls.where(params.text_document.uri, params.position)
    if where is None:
        return []
    analysis, name, line, column = where
    declaration = params.context.include_declaration
    found = references(analysis, name, line, column, declaration=declaration)
    return [_location(analysis, o) for o in found]


@server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
def _rename(ls: KpiServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    where = ls.where(params.text_document.uri, params.position)
    if where is None:
        return None
    analysis, name, line, column = where
    try:
        spans = rename(analysis, name, line, column, params.new_name)
    except RenameRefused as exc:
        raise JsonRpcException(str(exc), code=REQUEST_FAILED) from None
    changes = {
        from_fs_path(str(analysis.paths[file])): [
            types.TextEdit(range=to_range(s, analysis.texts[file]), new_text=params.new_name)
            for s in found
        ]
        for file, found in spans.items()
    }
    return types.WorkspaceEdit(changes=changes)


@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
def _prepare_rename(ls: KpiServer, params: types.PrepareRenameParams) -> types.Range | None:
    where = ls.where(params.text_document.uri, params.position)
    if where is None:
        return None
    analysis, name, line, column = where
    try:
        found = renamable(analysis, name, line, column)
    except RenameRefused as exc:
        raise JsonRpcException(str(exc), code=REQUEST_FAILED) from None
    return to_range(found.span, analysis.texts[name])


def serve() -> None:
    """Answer an editor on stdin and stdout until it ends the session."""
    server.start_io()

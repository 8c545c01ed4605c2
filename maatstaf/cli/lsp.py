"""The language server command: editors check, complete and navigate .kpi files with it."""

from __future__ import annotations

from maatstaf.cli.boundary import app, boundary


@app.command()
def lsp() -> None:
    """Run the language server for .kpi files over stdio (started by an editor)."""
    with boundary():
        from maatstaf.lsp.server import serve  # pygls only when the server runs

        serve()

"""The language server for .kpi files (``maatstaf lsp``): analysis, symbols, the editor's
requests, and the pygls server that answers them (``server``)."""

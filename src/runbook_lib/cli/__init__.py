"""The `runbook` command line: the parser and error-to-exit mapping (`main`), and one module per
command, each a thin wrapper over one library call. Commands never import `main`.

May use: everything.
"""

"""The checks a batch must pass in its worktree: static (syntax, shellcheck, modes, references,
the change set), behaviour, coverage and performance of declared cases, and containers.

May use: discovery, similarity, the edge (gitops, sandbox, containers, proc) and core.
"""

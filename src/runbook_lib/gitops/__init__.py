"""git, and only here: `runner` starts every git command (with the test-only crash switch),
`gitrepo` reads (is this a repo, what does it list, when did a file change), `gitwrite` moves
the target repo's refs, worktrees and checkout.

May use: core, proc.
"""

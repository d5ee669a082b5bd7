"""git, and only here: `runner` starts every git command (with the test-only crash switch),
`gitrepo` reads (is this a repo, what does it list, when did a file change), `gitwrite` moves
refs and our worktrees, `checkout` promotes into the user's checkout and settles one left
half-way, `leftovers` and `repair` find and clear what a killed git command leaves behind.

May use: core, proc.
"""

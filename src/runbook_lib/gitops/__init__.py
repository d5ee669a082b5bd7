"""git, read side (is this a repo, what does it list, when did a file change) and write side
(the only code that moves the target repo's refs, worktrees and checkout).

May use: core, proc.
"""

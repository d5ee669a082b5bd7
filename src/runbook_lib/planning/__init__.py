"""Plan (notebook 03) and approval: groups of actions per cluster, shims, rewrites of caller
lines, the ordered batches, applying actions to a worktree, and a person's sign-off.

May use: checks, discovery, similarity, the edge and core.
"""

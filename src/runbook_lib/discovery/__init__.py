"""Discovery (notebook 01): which files are scripts, what they are (classify, probe, inventory),
their risk flags, and every reference to them (references/, one module per caller kind).

May use: core and the edge (gitops, containers, proc). Pure analysis: it never changes the repo.
"""

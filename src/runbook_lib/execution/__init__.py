"""Running one batch (notebook 04) and the ways back: checkpoint, journal, lock, batch (and the
refs it makes, batchrefs), rollback, recover (settle: one interrupted run), service snapshots.

May use: planning, checks, discovery, similarity, the edge and core. Never archive: runs are
archived by the command that started them.
"""

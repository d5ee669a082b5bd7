"""The only place that runs target-repo scripts: declared cases, a throw-away copy in bubblewrap or
namespaces, what a run changed, and line coverage of the run.

May use: core, proc.
"""

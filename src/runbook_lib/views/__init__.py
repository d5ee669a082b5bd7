"""Every table and chart a notebook shows: data in, DataFrames, Stylers and plotly figures out.

May use: every floor below it (execution, archive, planning, checks, discovery, similarity,
core); nothing here writes to the repo or the workspace.
"""

"""Notebook runs and their record (notebooks 05 and the archive of every step): the papermill
runner, typed parameters, provenance, audit verification, HTML export, run-all and the report.

May use: planning, checks, discovery, similarity, the edge and core. Never execution: it reads
what batches wrote, not how they ran.
"""

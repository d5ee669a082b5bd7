"""Shared primitives every floor may use: the error family, workspace files, the audit log's
append, process pools.

Imports nothing else from runbook_lib: this is the ground floor.
"""

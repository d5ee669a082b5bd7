"""The bundled sample: a deterministic script-sprawl git repo with its ground truth."""

from __future__ import annotations

from runbook_lib.sample.generate import SampleResult, generate

__all__ = ["SampleResult", "generate"]

"""`python -m runbook_lib.cli`: the same as the `runbook` console script."""

from __future__ import annotations

import sys

from runbook_lib.cli.main import main

sys.exit(main())

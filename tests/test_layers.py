"""The import graph has no upward imports and no cycles: the suite fails on one, not only CI.

The contracts live in pyproject.toml ([tool.importlinter]); this runs them as `lint-imports`
does, from the venv this test runs in.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = [
    "Layers point one way",
    "Settings, Celery and the servers' entry points import no app",
    "No import cycles between sibling modules",
]


def test_import_contracts_are_kept():
    # The venv's own lint-imports, with fixed arguments: nothing untrusted is run.
    result = subprocess.run(  # noqa: S603
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Each contract was checked (a contract dropped from the configuration is not "kept").
    for name in CONTRACTS:
        assert f"{name} KEPT" in output, output

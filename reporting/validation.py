"""The validation gate: the DfE census rules run on the file before anyone can send it.

The rules are the `csc-validator-be-cin` package's, run in its own virtual environment (it pins
old pandas and numpy) through `reporting/cin_validator_runner.py`. Its interpreter is
`CIN_VALIDATOR_PYTHON`, or `.venv-cin/bin/python` beside the project (made by `.ci/run`).
"""

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

RUNNER = Path(__file__).with_name("cin_validator_runner.py")
TIMEOUT_SECONDS = 900


def validator_python() -> Path | None:
    """The validator's interpreter, or None if it is not installed here."""
    configured = os.environ.get("CIN_VALIDATOR_PYTHON")
    candidate = Path(configured) if configured else Path(settings.BASE_DIR) / ".venv-cin/bin/python"
    return candidate if candidate.exists() else None


@dataclass
class Issue:
    rule: str
    type: str  # "error" or "query"
    message: str
    la_child_id: str | None
    table: str = ""
    field: str = ""
    child_pk: int | None = None

    @property
    def is_error(self) -> bool:
        return self.type != "query"


@dataclass
class ValidationResult:
    available: bool
    ruleset: str
    issues: list[Issue] = field(default_factory=list)
    crashed_rules: list[str] = field(default_factory=list)
    problem: str = ""

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def queries(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def passed(self) -> bool:
        """Releasable: the rules ran and no error (queries are for the return to explain)."""
        return self.available and not self.problem and not self.errors

    def by_child(self) -> list[tuple[str | None, int | None, list[Issue]]]:
        """Issues grouped by child (return-level ones first), for the page."""
        groups: dict[str | None, list[Issue]] = {}
        for issue in sorted(self.issues, key=lambda i: (i.la_child_id or "", i.rule)):
            groups.setdefault(issue.la_child_id, []).append(issue)
        return [(cid, items[0].child_pk, items) for cid, items in groups.items()]


def census_validate(xml: bytes, *, ruleset: str, child_pks: dict[str, int] | None = None):
    """Run the census rules on `xml`. `child_pks` maps LA child IDs to records for links."""
    python = validator_python()
    if python is None:
        return ValidationResult(
            available=False,
            ruleset=ruleset,
            problem="The census validator is not installed on this server, so the file has "
            "not been checked against the DfE rules.",
        )
    with tempfile.NamedTemporaryFile(suffix=".xml") as handle:
        handle.write(xml)
        handle.flush()
        try:
            completed = subprocess.run(  # noqa: S603 - fixed interpreter and script
                [str(python), str(RUNNER), handle.name, ruleset],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return ValidationResult(
                available=True, ruleset=ruleset, problem="The census validator took too long."
            )
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        return ValidationResult(
            available=True, ruleset=ruleset, problem=f"The census validator failed: {last}"
        )
    report = json.loads(completed.stdout)
    child_pks = child_pks or {}
    issues: dict[tuple, Issue] = {}
    for i in report["issues"]:
        # One line per rule, child and table, naming every field the rule points at.
        key = (i["rule"], i["child"], i["table"])
        if key in issues:
            if i["field"] and i["field"] not in issues[key].field.split(", "):
                issues[key].field = ", ".join(filter(None, [issues[key].field, i["field"]]))
            continue
        issues[key] = Issue(
            rule=i["rule"],
            type=i["type"],
            message=i["message"],
            la_child_id=i["child"],
            table=i["table"],
            field=i["field"],
            child_pk=child_pks.get(i["child"]) if i["child"] else None,
        )
    return ValidationResult(
        available=True,
        ruleset=ruleset,
        issues=list(issues.values()),
        crashed_rules=report.get("crashed_rules", []),
    )

"""Run the DfE CIN census validation rules (package `csc-validator-be-cin`) on one file and print
the result as JSON. Runs inside the validator's own virtual environment (it pins old pandas and
numpy), so it imports nothing from this project and nothing from Django.

    .venv-cin/bin/python reporting/cin_validator_runner.py FILE RULESET

This does what `python -m cin_validator run FILE -r RULESET` does, but keeps the rule type
(error or query), every child-level location, the return-level (LA-level) rules and any rule
that crashed, none of which that command prints in a form a program can read.
"""

import contextlib
import importlib
import io
import json
import sys
import warnings
import xml.etree.ElementTree as ET


def main(path: str, ruleset: str) -> dict:
    warnings.simplefilter("ignore")
    from cin_validator import cin_validator

    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    rules = {str(rule.code): rule for _, rule in registry.items()}
    # The file is one this application just wrote (the gate validates its own export).
    root = ET.parse(path).getroot()  # noqa: S314
    data = cin_validator.process_data(cin_validator.convert_data(root))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        validator = cin_validator.CinValidator(data, registry)
    crashed = [
        line.removeprefix("Error with rule ").strip()
        for line in printed.getvalue().splitlines()
        if line.startswith("Error with rule ")
    ]
    issues = []
    seen = set()
    for row in validator.full_issue_df.to_dict("records"):
        code = str(row.get("rule_code"))
        child_id = row.get("child_id")
        child_id = None if child_id is None or child_id != child_id else str(child_id)
        key = (code, child_id, str(row.get("tables_affected")), str(row.get("columns_affected")))
        if key in seen:
            continue
        seen.add(key)
        rule = rules.get(code)
        issues.append(
            {
                "rule": code,
                "type": rule.rule_type.name.lower() if rule else "error",
                "message": str(row.get("rule_description") or (rule.message if rule else "")),
                "child": child_id,
                "table": str(row.get("tables_affected") or ""),
                "field": str(row.get("columns_affected") or ""),
            }
        )
    return_level: list[dict] = []
    for row in validator.multichild_issues.to_dict("records"):
        code = str(row.get("rule_code"))
        if any(r["rule"] == code for r in return_level):
            continue
        rule = rules.get(code)
        return_level.append(
            {
                "rule": code,
                "type": rule.rule_type.name.lower() if rule else "error",
                "message": str(row.get("rule_description") or (rule.message if rule else "")),
                "child": None,
                "table": "",
                "field": "",
            }
        )
    return {
        "ruleset": ruleset,
        "rules_run": len(rules),
        "issues": issues + return_level,
        "crashed_rules": crashed,
    }


if __name__ == "__main__":
    json.dump(main(sys.argv[1], sys.argv[2]), sys.stdout)

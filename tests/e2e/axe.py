"""Accessibility checks with axe-core, carried offline by axe-playwright-python.

Every page a journey reaches is checked against WCAG 2.2 AA (the axe tags below): zero
violations, no rule switched off.
"""

from axe_playwright_python.sync_playwright import Axe

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}

_axe = Axe()


def axe_violations(page) -> list[dict]:
    """The axe violations on the page as it is now (the whole document)."""
    return _axe.run(page, options=OPTIONS).response["violations"]


def describe(violations: list[dict]) -> str:
    """Violations in a form a developer can act on: rule, impact, where, and how to fix."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} – {v['helpUrl']}")
        for node in v["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {node['target']}: {summary[:300]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)

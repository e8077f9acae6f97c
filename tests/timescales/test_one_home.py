"""Every timescale number lives in timescales/: nowhere else does due-date arithmetic with one.

The source tree is parsed (not grepped as text, so comments and docstrings that explain a
timescale do not count) and these shapes are looked for outside timescales/:

- a working-day count written as a number: `add_working_days(start, 15)`;
- weeks written as a number: `timedelta(weeks=6)`, and calendar months or their approximations
  added to a date: `held + relativedelta(months=3)`, `held + timedelta(days=91)`;
- a constant named for a timescale: `ICPC_TIMESCALE_WORKING_DAYS = 15`, `..._WEEKS`, `..._MONTHS`.

Tests, migrations and the generators of synthetic data (which pick plausible dates, on time or
late, rather than compute a due date) are left out.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {"tests", "migrations", "timescales", "bench", "static", "staticfiles"}
SKIPPED_FILES = {"demo/synthetic.py", "demo/seed.py"}
# Calendar steps that are not timescales, each with the reason.
ALLOWED = {
    ("reporting/census_export.py", "_working_day_before"): "one working day back (rule 8569)",
}
TIMESCALE_NAME = re.compile(r"TIMESCALE|WORKING_DAYS|_WEEKS$|_MONTHS$|_INTERVAL$")
# Six weeks, three and six months as calendar days.
DAYS_THAT_ARE_TIMESCALES = {42, 90, 91, 92, 182, 183, 184}


def _int(node: ast.AST | None) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _keyword(call: ast.Call, name: str) -> int | None:
    return next((_int(k.value) for k in call.keywords if k.arg == name), None)


def _timescale(node: ast.AST) -> str | None:
    """What makes this node a timescale written outside its home, or None."""
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name == "add_working_days" and len(node.args) > 1 and _int(node.args[1]) is not None:
            return f"add_working_days(..., {_int(node.args[1])})"
        if name == "timedelta" and _keyword(node, "weeks") is not None:
            return f"timedelta(weeks={_keyword(node, 'weeks')})"
    # Added to a date, months (or their length in days) are a timescale; taken away, they are
    # a reporting window ("the last 6 months").
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        for side in (node.left, node.right):
            if not isinstance(side, ast.Call):
                continue
            months, days = _keyword(side, "months"), _keyword(side, "days")
            if _name(side.func) == "relativedelta" and months is not None and months != 1:
                return f"+ relativedelta(months={months})"
            if _name(side.func) == "timedelta" and days in DAYS_THAT_ARE_TIMESCALES:
                return f"+ timedelta(days={days})"
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    for target in targets:
        if isinstance(target, ast.Name) and TIMESCALE_NAME.search(target.id):
            return f"constant {target.id}"
    return None


def _functions(tree: ast.AST) -> dict[ast.AST, str]:
    """Each node's innermost enclosing function (ast.walk meets outer functions first)."""
    owner: dict[ast.AST, str] = {}
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(func):
                owner[node] = func.name
    return owner


def timescales_outside_home(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        parts = relative.parts
        if any(p in SKIPPED_DIRS or p.startswith(".") for p in parts[:-1]):
            continue
        if relative.as_posix() in SKIPPED_FILES:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        owners = _functions(tree)
        hits = []
        for node in ast.walk(tree):
            what = _timescale(node)
            if what and (relative.as_posix(), owners.get(node)) not in ALLOWED:
                hits.append((getattr(node, "lineno", 0), what))
        found += [f"{relative.as_posix()}:{line}: {what}" for line, what in sorted(hits)]
    return found


def test_no_timescale_number_lives_outside_the_timescales_app():
    assert timescales_outside_home() == []


def test_the_search_finds_a_timescale_written_as_a_number(tmp_path):
    # The search itself must be able to fail: each shape it looks for, in a module of its own.
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(
        "OVERSIGHT_WEEKS = 4\n"
        "def icpc_target(start):\n"
        "    return add_working_days(start, 15)\n"
        "def next_core_group(last):\n"
        "    return last + timedelta(weeks=6)\n"
        "def first_review(held):\n"
        "    return held + relativedelta(months=3), held + timedelta(days=182)\n"
    )
    (tmp_path / "app" / "migrations").mkdir()
    (tmp_path / "app" / "migrations" / "0001_initial.py").write_text("X_WORKING_DAYS = 15\n")

    assert timescales_outside_home(tmp_path) == [
        "app/models.py:1: constant OVERSIGHT_WEEKS",
        "app/models.py:3: add_working_days(..., 15)",
        "app/models.py:5: timedelta(weeks=6)",
        "app/models.py:7: + relativedelta(months=3)",
        "app/models.py:7: + timedelta(days=182)",
    ]


def test_the_search_leaves_explanations_and_other_periods_alone(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(
        '"""The ICPC is due 15 working days after the strategy discussion."""\n'
        "RECENT_HELD_DAYS = 30\n"
        "# add_working_days(start, 15) is the timescale module's business\n"
        "def window(as_of):\n"
        "    return as_of - relativedelta(months=6), as_of - timedelta(days=91)\n"
        "def next_month(day):\n"
        "    return day + relativedelta(months=1)\n"
        "def due(start):\n"
        "    return add_working_days(start, policy.statutory_visit_working_days)\n"
    )

    assert timescales_outside_home(tmp_path) == []


# The apps above timescales/ in the layers; timescales/ imports none of them, not even inside a
# function, so every domain app can use it.
HIGHER_APPS = {
    "accounts",
    "audit",
    "cases",
    "strategy",
    "conferences",
    "monitoring",
    "dashboards",
    "reporting",
    "demo",
    "bench",
}


def test_timescales_imports_no_domain_app():
    imported = set()
    for path in (ROOT / "timescales").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {(path.name, alias.name.split(".")[0]) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add((path.name, node.module.split(".")[0]))
    assert imported, "the search found no imports at all"
    assert sorted((name, module) for name, module in imported if module in HIGHER_APPS) == []

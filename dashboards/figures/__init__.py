"""Every dashboard figure, declared once, by subject.

The dashboard pages, the metrics JSON, `manage.py cp_metrics`, the drill-downs and their CSV
and the service dashboard's teams side by side are all read from these declarations: adding a
figure is one `figure(...)` call (and a `population(...)` for records not counted yet) in the
module of its subject. See `base` for what a declaration says.
"""

# Imported in this order, the figures reach the JSON in it.
from . import conferences, plans, strategy, visits, front_door, alerts  # noqa: F401, I001
from . import missing, contributions, checks  # noqa: F401, I001
from .base import FIGURES, POPULATIONS, Card, Column, Figure, Population, Section, pct

SECTIONS = [
    Section("icpc", "Initial child protection conferences", "dashboards/_chart_icpc.html"),
    Section("icpc_late", "Why initial conferences were late"),
    Section("plans", "Children on child protection plans", "dashboards/_chart_plans.html"),
    Section("multi", "Multi-agency work and timeliness", "dashboards/_chart_multi.html"),
]

__all__ = [
    "FIGURES",
    "POPULATIONS",
    "SECTIONS",
    "Card",
    "Column",
    "Figure",
    "Population",
    "Section",
    "pct",
]

assert all(f.card.section in {s.key for s in SECTIONS} for f in FIGURES.values() if f.card), (
    "a figure's card names a section of SECTIONS"
)
assert all(f.by_team for f in FIGURES.values() if f.column), "a team column is counted by team"
assert all(
    POPULATIONS[f.of].row_kind == POPULATIONS[f.population].row_kind
    for f in FIGURES.values()
    if f.of
), "a share's records and its denominator's are of one kind (its met / not met drill-down)"

"""The headline figures against the simplest hand-written SQL (issue 17: within 2x of the SQL
floor): ICPCs held within 15 working days, children on a plan at the period's end, and the
whole metrics JSON (every figure) for the authority. Each timed as the dashboards work it out
(`Measures`, a fresh one, nothing kept) and as kept for the data version (`restore()`), beside
the SQL. Prints JSON: medians in milliseconds and the ratios.

    nice -n 10 .venv/bin/python bench/bench_floor.py --children 20000 [--database NAME]
"""

import argparse
import json
import statistics
import time

from _common import setup_django

ICPC_SQL = """
SELECT count(*) FROM conferences_conference
WHERE status = 'held' AND held_on BETWEEN %s AND %s
  AND conference_type IN ('initial', 'transfer_in', 'pre_birth') AND held_on <= target_date
"""
ON_PLAN_SQL = """
SELECT count(DISTINCT child_id) FROM conferences_childprotectionplan
WHERE start_date <= %s AND (end_date IS NULL OR end_date > %s)
"""


def _median(fn, runs: int) -> tuple[float, object]:
    timings, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = fn()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 2), value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--database")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--period-days", type=int, default=91)
    args = parser.parse_args()
    setup_django(args.children, fresh=False, name=args.database)

    from datetime import timedelta

    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    from dashboards.measures import Measures, Scope

    end = timezone.localdate()
    start = end - timedelta(days=args.period_days)
    authority = Scope(kind="authority", label="Authority")

    def sql(query: str, params: list) -> int:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchone()[0]

    def measured(name: str):
        return lambda: Measures(authority, start, end).count(name)

    def whole_json():
        return Measures(authority, start, end).summary()

    def kept_json():
        m = Measures(authority, start, end)
        m.restore()
        out = m.summary()
        m.keep()
        return out

    report: dict = {"children": args.children, "period": [start.isoformat(), end.isoformat()]}
    for label, name, query, params in (
        ("ICPCs within 15 working days", "icpcs_in_timescale", ICPC_SQL, [start, end]),
        ("children on a plan at the end", "children_on_plan_at_end", ON_PLAN_SQL, [end, end]),
    ):
        floor_ms, floor_value = _median(lambda q=query, p=params: sql(q, p), args.runs)
        ms, value = _median(measured(name), args.runs)
        assert value == floor_value, (label, value, floor_value)
        report[label] = {
            "value": value,
            "sql_ms": floor_ms,
            "measures_ms": ms,
            "ratio": round(ms / floor_ms, 1),
        }
    floor_ms = sum(report[k]["sql_ms"] for k in report if isinstance(report[k], dict))
    cache.clear()
    ms, _ = _median(whole_json, max(3, args.runs // 3))
    kept_json()  # once worked out and kept
    kept_ms, _ = _median(kept_json, args.runs)
    report["whole metrics JSON (authority)"] = {
        "worked_out_ms": ms,
        "kept_ms": kept_ms,
        "sql_ms_of_the_two_headline_figures": round(floor_ms, 2),
        "ratio_worked_out": round(ms / floor_ms, 1),
        "ratio_kept": round(kept_ms / floor_ms, 1),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

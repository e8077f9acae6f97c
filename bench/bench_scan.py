"""Benchmark: the nightly timescale and compliance scan on the *next* day.

A scan as of day D brings the alerts in line; the scan as of the next working day D+1 is the one
timed (what the nightly run does every night: some timescales cross into "due soon" or
"overdue", most change nothing). Runs repeat the pair, so each timed scan starts from D's state;
a same-day re-run (nothing at all to write) is timed too, for contrast.

Targets (issue 17): the next-day scan under 20 s at 150,000 children (1.9 s at 2,000 before),
writing only the alerts that changed, with a query count that does not grow with the children.
Prints JSON: seconds per run, median, queries, rows written.
"""

import argparse
import json
import statistics
import time
from datetime import date, timedelta

from _common import setup_django


def scan_days(today: date) -> tuple[date, date]:
    """D and D+1: the first two consecutive working days from today (the data is generated as
    of today; the nightly run of D+1 is the one that matters)."""
    from timescales.calendar import is_working_day

    day = today
    while not (is_working_day(day) and is_working_day(day + timedelta(days=1))):
        day += timedelta(days=1)
    return day, day + timedelta(days=1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="Rebuild the database first.")
    parser.add_argument("--database", help="Database name (default wirral_bench_<children>).")
    args = parser.parse_args()
    setup_django(args.children, fresh=args.fresh, name=args.database)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cases.models import Child
    from monitoring.models import Alert
    from monitoring.services import ScanResult, timescales_scan

    day, next_day = scan_days(timezone.localdate())

    def timed(as_of: date) -> tuple[float, int, ScanResult]:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = timescales_scan(as_of=as_of)
            seconds = time.perf_counter() - started
        return seconds, len(ctx.captured_queries), result

    timings, queries, written = [], [], []
    for _ in range(args.runs):
        timescales_scan(as_of=day)  # the state the nightly run starts from
        seconds, count, result = timed(next_day)
        timings.append(seconds)
        queries.append(count)
        written.append(result.created + result.updated + result.resolved)
    rerun, rerun_queries, rerun_result = timed(next_day)
    print(
        json.dumps(
            {
                "benchmark": "timescale scan, next day",
                "children": Child.objects.count(),
                "day": day.isoformat(),
                "next_day": next_day.isoformat(),
                "findings": len(result.found),
                "pending_alerts": Alert.objects.exclude(status="resolved").count(),
                "active_alerts": Alert.objects.active().count(),
                "next_day_seconds": [round(t, 2) for t in timings],
                "next_day_median_seconds": round(statistics.median(timings), 2),
                "next_day_queries": queries,
                "next_day_rows_written": written,
                "same_day_rerun_seconds": round(rerun, 2),
                "same_day_rerun_queries": rerun_queries,
                "same_day_rerun_rows_written": rerun_result.created
                + rerun_result.updated
                + rerun_result.resolved,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

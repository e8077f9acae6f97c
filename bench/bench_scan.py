"""Benchmark: the full timescale and compliance scan on a large synthetic authority.

Target (issue 6): under 60 seconds for at least 20,000 children, with a query count that does
not grow with the number of children. Prints JSON: seconds per run, median, queries.
"""

import argparse
import json
import statistics
import time

from _common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="Rebuild the database first.")
    args = parser.parse_args()
    setup_django(args.children, fresh=args.fresh)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import Child
    from monitoring.models import Alert
    from monitoring.services import timescales_scan

    timings, queries = [], []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = timescales_scan()
            timings.append(time.perf_counter() - started)
        queries.append(len(ctx.captured_queries))
    print(
        json.dumps(
            {
                "benchmark": "timescale scan",
                "children": Child.objects.count(),
                "findings": len(result.found),
                "active_alerts": Alert.objects.active().count(),
                "seconds": [round(t, 2) for t in timings],
                "median_seconds": round(statistics.median(timings), 2),
                "queries": queries,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

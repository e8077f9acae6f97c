"""Benchmark: dashboard pages and the metrics JSON on a large synthetic authority.

Target (issue 7): each dashboard page answers in under 300 ms at the median with at least 20,000
children, with a query count that does not grow with the data. Uses Django's test client
(the whole request: middleware, views, templates), logged in as the right persona.
Prints JSON: per page, the median and every timing in milliseconds, and the query count.
"""

import argparse
import json
import statistics
import time

from _common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--period-days", type=int, default=91, help="Length of the period.")
    args = parser.parse_args()
    import os

    # Sign-in and the second factor are not what is measured: demo mode skips the OTP step.
    os.environ["DEMO_MODE"] = "true"
    setup_django(args.children, fresh=args.fresh)

    from datetime import timedelta

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Team, User

    settings.ALLOWED_HOSTS = ["*"]
    end = timezone.localdate()
    start = end - timedelta(days=args.period_days)
    period = f"from={start.isoformat()}&to={end.isoformat()}"
    team = Team.objects.filter(managers__isnull=False).order_by("pk").first()
    manager = team.managers.first() if team else None
    senior, _ = User.objects.get_or_create(username="bench.senior")
    from django.contrib.auth.models import Group

    senior.groups.add(Group.objects.get(name="Senior manager"))
    iro = User.objects.filter(groups__name="IRO").order_by("pk").first()
    if manager is None or iro is None:
        raise SystemExit("The benchmark authority has no team manager or no IRO: rebuild it.")
    pages = [
        ("team dashboard", manager, f"/dashboards/team/?{period}"),
        ("IRO dashboard", iro, f"/dashboards/iro/?{period}"),
        ("service dashboard", senior, f"/dashboards/service/?{period}"),
        ("metrics JSON (authority)", senior, f"/dashboards/metrics.json?{period}"),
    ]
    report = {"children": args.children, "period": [start.isoformat(), end.isoformat()]}
    for name, user, url in pages:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        timings, queries = [], 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url, HTTP_HOST="localhost", secure=True)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            queries = len(ctx.captured_queries)
        report[name] = {
            "median_ms": round(statistics.median(timings)),
            "ms": [round(t) for t in timings],
            "queries": queries,
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""A child's pages at the size of an authority (issue 17): the summary, chronology, plan, visits
and family view, as the social worker allocated to each child sees them, through the whole
request (middleware, the audit write of the look, views, templates; DEBUG off).

The sample is ~30 children of varied size: those with the most visits, the most conferences,
a child protection plan, and an even spread of the rest. Each page is asked for once per child
per round (the rounds interleaved, so that the machine's load falls on every page alike).
Prints JSON: per page, the median and 95th percentile in milliseconds over every request, the
query counts seen (one value when the count does not depend on the child), and whether any
look moved the data version (it must not: the kept dashboard figures are kept for it).

    nice -n 5 .venv/bin/python bench/bench_child_pages.py --children 2000 [--database NAME]
        [--rounds 3] [--sample 30] [--only summary,plan]
"""

import argparse
import json
import os
import statistics
import time

from _common import setup_django

PAGES = {
    "summary": "/children/{pk}/",
    "chronology": "/children/{pk}/chronology/",
    "plan": "/children/{pk}/plan/",
    "visits": "/children/{pk}/visits/",
    "family view": "/children/{pk}/family-view/",
}


def _sample(size: int) -> list[int]:
    """Children with an allocated worker: the busiest by visits and by conferences, some on a
    plan, and an even spread of the rest (by pk), ~size in all, in a fixed order."""
    from django.db.models import Count

    from cases.models import Child

    allocated = Child.objects.filter(allocated_worker__isnull=False).order_by()
    quarter = max(1, size // 4)
    picked: list[int] = []

    def add(pks) -> None:
        for pk in pks:
            if pk not in picked and len(picked) < size:
                picked.append(pk)

    add(
        allocated.annotate(n=Count("visits"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:quarter]
    )
    add(
        allocated.annotate(n=Count("conferences"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:quarter]
    )
    add(
        allocated.filter(protection_plans__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()[:quarter]
    )
    every = list(allocated.order_by("pk").values_list("pk", flat=True))
    step = max(1, len(every) // max(1, size - len(picked)))
    add(every[::step])
    return picked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--database", help="Another database than wirral_bench_<children>.")
    parser.add_argument("--rounds", type=int, default=3, help="Requests per page per child.")
    parser.add_argument("--sample", type=int, default=30, help="How many children.")
    parser.add_argument("--only", help="Only these pages (summary,chronology,plan,...).")
    args = parser.parse_args()
    # Sign-in and the second factor are not what is measured: demo mode skips the OTP step.
    os.environ["DEMO_MODE"] = "true"
    setup_django(args.children, fresh=False, name=args.database)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from audit import versions
    from cases.models import Child

    settings.ALLOWED_HOSTS = ["*"]
    pages = PAGES
    if args.only:
        pages = {k: v for k, v in PAGES.items() if any(p in k for p in args.only.split(","))}
    sample = _sample(args.sample)
    workers = dict(Child.objects.filter(pk__in=sample).values_list("pk", "allocated_worker"))
    clients: dict[int, Client] = {}
    from accounts.models import User

    for user in User.objects.filter(pk__in=set(workers.values())):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        clients[user.pk] = client

    def get(page: str, pk: int) -> tuple[float, int, int]:
        client = clients[workers[pk]]
        # The log is a deque of 9,000: once full, CaptureQueriesContext would count nothing.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(pages[page].format(pk=pk), HTTP_HOST="localhost", secure=True)
            elapsed = (time.perf_counter() - started) * 1000
        return elapsed, len(ctx.captured_queries), response.status_code

    # One warm-up look at each page (the first request of a process loads templates, URL
    # resolvers and code), not counted.
    for page in pages:
        get(page, sample[0])
    timings: dict[str, list[float]] = {page: [] for page in pages}
    queries: dict[str, set[int]] = {page: set() for page in pages}
    statuses: dict[str, dict[int, int]] = {page: {} for page in pages}
    version_before = versions.current()
    for _ in range(args.rounds):
        for pk in sample:
            for page in pages:
                elapsed, count, status = get(page, pk)
                statuses[page][status] = statuses[page].get(status, 0) + 1
                if status == 200:
                    timings[page].append(elapsed)
                    queries[page].add(count)
    version_after = versions.current()
    report: dict = {
        "children": Child.objects.count(),
        "database": connection.settings_dict["NAME"],
        "sample": len(sample),
        "rounds": args.rounds,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "data_version_moved": version_before != version_after,
    }
    for page, times in timings.items():
        if not times:
            report[page] = {"statuses": statuses[page]}
            continue
        ordered = sorted(times)
        report[page] = {
            "median_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
            "max_ms": round(ordered[-1], 1),
            "queries": sorted(queries[page])[0]
            if len(queries[page]) == 1
            else sorted(queries[page]),
            "statuses": statuses[page],
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

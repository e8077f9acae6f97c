"""Child search at the size of an authority (issue 17, item 4): the child list's search, as a
senior manager sees it (every child), by LA child ID, NHS number, one word and two words of a
name. Prints the median of N runs of each, with the plan's index use; then the child list
page itself with each search (the whole request, DEBUG off) and its queries, as a senior
manager (every child), a team manager and a social worker (a team's children) see it.

    .venv/bin/python bench/bench_search.py --children 20000 [--database NAME] [--runs 21]
"""

import argparse
import statistics
import time

from _common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--database")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    import os

    # Sign-in and the second factor are not what is measured: demo mode skips the OTP step.
    os.environ["DEMO_MODE"] = "true"
    setup_django(args.children, fresh=False, name=args.database)

    from django.db import connection

    from cases.models import Child

    sample = Child.objects.exclude(nhs_number="").order_by("pk").first() or Child.objects.first()
    assert sample is not None, "no children"
    surname = sample.last_name
    queries = {
        "LA child ID (lower case)": sample.la_child_id.lower(),
        "NHS number": sample.nhs_number or "9434765919",
        "one word of a surname": surname[1:-1] if len(surname) > 3 else surname,
        "first name and surname": f"{sample.first_name} {surname}",
    }
    print(f"{Child.objects.count():,} children in {connection.settings_dict['NAME']}")
    for label, typed in queries.items():
        # The child list: the first page of matches, in name order, and the count.
        qs = Child.objects.search(typed)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            count = qs.count()
            list(qs[:50])
            times.append((time.perf_counter() - started) * 1000)
        sql, params = qs.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
        how = "sequential scan" if "Seq Scan on cases_child" in plan else "index"
        print(f"{label:28} {statistics.median(times):7.1f} ms  ({count} found; {how})")
    _pages(queries, args.runs)


def _pages(queries: dict[str, str], runs: int) -> None:
    """The child list page with each search, through the whole request."""
    from urllib.parse import urlencode

    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, User

    settings.ALLOWED_HOSTS = ["*"]
    senior, _ = User.objects.get_or_create(username="bench.senior")
    senior.groups.add(Group.objects.get(name="Senior manager"))
    users = {
        "senior manager": senior,
        "team manager": User.objects.filter(groups__name=Role.TEAM_MANAGER).order_by("pk").first(),
        "social worker": User.objects.filter(groups__name=Role.SOCIAL_WORKER)
        .order_by("pk")
        .first(),
    }
    for who, user in users.items():
        assert user is not None, f"the benchmark authority has no {who}: rebuild it"
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        print(f"the child list page, {who}:")
        for label, typed in queries.items():
            url = "/children/?" + urlencode({"q": typed})
            client.get(url, HTTP_HOST="localhost", secure=True)  # warm
            times = []
            for _ in range(runs):
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    response = client.get(url, HTTP_HOST="localhost", secure=True)
                    times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            print(f"{label:28} {statistics.median(times):7.1f} ms  ({len(ctx)} queries)")


if __name__ == "__main__":
    main()

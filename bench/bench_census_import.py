"""Benchmark: importing a 10,000-child CIN census file into a fresh database.

Target (issue 8): under 2 minutes on this machine. The file is generated here (synthetic,
seeded, every child with a referral, most with an assessment, some with a section 47 enquiry,
an initial conference, a plan and reviews), written as the export writes it, then loaded with
`census_import` into a new empty PostgreSQL database. Prints JSON: seconds for the first load
and for loading the same file again (which must change nothing), wall-clock and this
process's CPU time.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def fresh_database(name: str) -> None:
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-tA"]
    subprocess.run([*psql, "-c", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run([*psql, "-c", f"CREATE DATABASE {name}"], check=True)
    os.environ["DATABASE_URL"] = f"{PG}/{name}"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirral_cp.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def synthetic_census(children: int, year: int, seed: int = 2026):
    """A census return of `children` synthetic children for the year ending 31 March `year`."""
    from django.utils import timezone

    from reporting.census import (
        AssessmentRecord,
        CensusYear,
        ChildRecord,
        EpisodeRecord,
        PlanRecord,
        Section47Record,
    )
    from reporting.census_export import CensusReturn
    from timescales.calendar import add_working_days

    rng = random.Random(seed)
    y = CensusYear(year)
    days = (y.end - y.start).days
    records = []
    for i in range(children):
        referral = y.start + timedelta(days=rng.randint(0, days - 60))
        born = referral - timedelta(days=rng.randint(400, 16 * 365))
        episode = EpisodeRecord(
            referral_date=referral,
            source=rng.choice(["2A", "3A", "6", "1A", "5D"]),
            primary_need=rng.choice(["N1", "N1", "N4", "N5", "N3"]),
            closure_date=None,
            closure_reason="",
            nfa=rng.random() < 0.15,
        )
        last = referral
        if episode.nfa:
            episode.closure_date, episode.closure_reason = referral, "RC7"
        else:
            start = add_working_days(referral, 1)
            authorised = add_working_days(start, rng.randint(15, 40))
            done = authorised <= y.end
            episode.assessments.append(
                AssessmentRecord(start, authorised if done else None, ["16A"] if done else [])
            )
            last = authorised if done else start
            if rng.random() < 0.3:
                icpc = add_working_days(start, rng.randint(8, 15))
                if icpc <= y.end:
                    episode.section47s.append(Section47Record(start, None, icpc, False))
                    last = max(last, icpc)
                    if rng.random() < 0.8:
                        plan = PlanRecord(icpc, None, "NEG", "NEG", rng.choice([0, 0, 1]))
                        review = icpc + timedelta(days=rng.randint(80, 92))
                        if review.weekday() < 5 and review <= y.end:
                            plan.reviews.append(review)
                        episode.plans.append(plan)
            if done and not episode.plans and not episode.section47s and rng.random() < 0.5:
                closure = last + timedelta(days=rng.randint(1, 20))
                if closure <= y.end:
                    episode.closure_date, episode.closure_reason = closure, "RC8"
        records.append(
            ChildRecord(
                la_child_id=f"BENCH{i:07d}",
                upn="",
                former_upn="",
                upn_unknown="UN5",
                birth_date=born,
                expected_birth_date=None,
                sex=rng.choice("MF"),
                death_date=None,
                ethnicity=rng.choice(["WBRI", "WBRI", "MWBC", "AIND", "BAFR"]),
                disabilities=["NONE"],
                episodes=[episode],
            )
        )
    return CensusReturn(year=y, children=records, generated_at=timezone.now())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=10000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument(
        "--database",
        default="wirral_bench_census_import",
        help="the PostgreSQL database to (re)create for the run",
    )
    args = parser.parse_args()
    fresh_database(args.database)

    from reporting.census_export import census_xml
    from reporting.census_import import census_import

    data = census_xml(synthetic_census(args.children, args.year))
    started, cpu = time.perf_counter(), time.process_time()
    first = census_import(data=data, source_name="bench.xml")
    first_seconds, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    again = census_import(data=data, source_name="bench.xml")
    again_seconds, again_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        json.dumps(
            {
                "benchmark": "CIN census import",
                "children_in_file": first.children_in_file,
                "file_megabytes": round(len(data) / 1e6, 1),
                "children_loaded": first.children_created,
                "not_loaded": first.children_skipped,
                "records_created": dict(first.records_created),
                "seconds": round(first_seconds, 1),
                "same_file_again_seconds": round(again_seconds, 1),
                # This process's own CPU time (not the database's): on a shared, busy machine
                # the wall-clock seconds above mostly measure waiting for a processor.
                "cpu_seconds": round(first_cpu, 1),
                "same_file_again_cpu_seconds": round(again_cpu, 1),
                "same_file_again_changed_anything": again.changed_anything,
                "first_problems": [str(p) for p in first.problems[:5]],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

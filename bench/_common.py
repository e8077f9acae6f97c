"""Shared set-up for benchmarks: a dedicated PostgreSQL database filled with synthetic data."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def setup_django(children: int, *, fresh: bool, name: str | None = None) -> str:
    """Point Django at `name` (default wirral_bench_<children>), creating and filling it if
    needed, and migrating it to the code's schema if it was made by older code."""
    name = name or f"wirral_bench_{children}"
    os.environ["DATABASE_URL"] = f"{PG}/{name}"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirral_cp.settings")
    sys.path.insert(0, str(ROOT))
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-tA"]
    exists = subprocess.run(
        [*psql, "-c", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if fresh and exists:
        subprocess.run([*psql, "-c", f"DROP DATABASE {name}"], check=True)
        exists = ""
    import django

    if not exists:
        subprocess.run([*psql, "-c", f"CREATE DATABASE {name}"], check=True)
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from demo.synthetic import generate_authority

        generate_authority(children=children, workers=os.cpu_count() or 1)
    else:
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    # Planner statistics, as autovacuum would keep them on a live database (it may not have
    # run yet on a freshly filled one, and stale estimates pick nested loops over thousands).
    subprocess.run([*psql, "-d", name, "-c", "VACUUM ANALYZE"], check=True)
    return name

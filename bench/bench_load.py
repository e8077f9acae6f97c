"""Load test (issue 17): gunicorn (3 workers, as the Dockerfile runs it; DEBUG off) on a
synthetic authority, driven by Locust headless (bench/locustfile.py): 16 users in a closed loop
(no think time) and 200 users with think time. Prints requests a second, the median and 95th
percentile, and errors.

    nice -n 10 .venv/bin/python bench/bench_load.py --children 20000 [--seconds 60]
"""

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from _common import ROOT, setup_django


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sessions(n: int) -> list[dict]:
    """Signed-in sessions for the authority's workers and managers, each with its children."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User
    from cases.models import Child

    users = list(
        User.objects.filter(groups__name__in=["Social worker", "Team manager"])
        .exclude(team=None)
        .order_by("pk")[:n]
    )
    out = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        children = list(
            Child.objects.filter(allocated_team_id=user.team_id).values_list("pk", flat=True)[:200]
        )
        out.append(
            {
                "session": session.session_key,
                "children": children,
                "manager": user.groups.filter(name="Team manager").exists(),
            }
        )
    return out


def _run(url: str, users: int, think: float, seconds: int, sessions: Path) -> dict:
    prefix = Path(tempfile.mkdtemp()) / "locust"
    env = {**os.environ, "BENCH_SESSIONS": str(sessions), "BENCH_THINK": str(think)}
    subprocess.run(
        [
            str(ROOT / ".venv/bin/locust"),
            "-f",
            str(ROOT / "bench/locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 4)),
            "-t",
            f"{seconds}s",
            "-H",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
        ],
        env=env,
        check=False,  # Locust exits 1 when any request failed: the errors are reported
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv") as f:
        rows = {r["Name"]: r for r in csv.DictReader(f)}
    total = rows["Aggregated"]
    with open(f"{prefix}_failures.csv") as f:
        failures = [f"{r['Name']}: {r['Error']} ({r['Occurrences']})" for r in csv.DictReader(f)]
    return {
        "users": users,
        "think_s": think,
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "req_per_s": round(float(total["Requests/s"]), 1),
        "median_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "failures": failures[:5],
        "pages_p95_ms": {name: float(r["95%"]) for name, r in rows.items() if name != "Aggregated"},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--database")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3, help="As the Dockerfile runs it.")
    parser.add_argument("--think", type=float, default=10.0, help="Think time of the 200 users.")
    args = parser.parse_args()
    os.environ["DEMO_MODE"] = "true"  # no second factor: sign-in is not what is measured
    name = setup_django(args.children, fresh=False, name=args.database)
    sessions = Path(tempfile.mkdtemp()) / "sessions.json"
    sessions.write_text(json.dumps(_sessions(200)))
    # DEBUG off serves the hashed static files from their manifest, as production does.
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    port = _free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "wirral_cp.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(60):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        url = f"http://127.0.0.1:{port}"
        report = {
            "children": args.children,
            "database": name,
            "closed loop, 16 users": _run(url, 16, 0, args.seconds, sessions),
            f"think time, 200 users ({args.think} s)": _run(
                url, 200, args.think, args.seconds, sessions
            ),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

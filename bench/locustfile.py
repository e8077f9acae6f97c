"""The load test's users (bench/bench_load.py starts gunicorn and runs this headless).

Each user signs in with a session made beforehand (bench_load.py writes them to
$BENCH_SESSIONS: sign-in itself is not what is measured) and does what a social worker or a
team manager does most: a child's summary, chronology and visits, My tasks, a search, the team
dashboard. BENCH_THINK=0 is the closed loop (no think time); otherwise each user waits between
BENCH_THINK/2 and BENCH_THINK*1.5 seconds between requests.

The users are Locust's FastHttpUser (geventhttpclient): on this two-core machine the load
generator shares the cores with the server it measures, and python-requests' HttpUser took
several milliseconds of CPU a request from it.
"""

import json
import os
import random

from locust import FastHttpUser, between, constant, task

SESSIONS = json.loads(open(os.environ["BENCH_SESSIONS"]).read())  # noqa: SIM115
THINK = float(os.environ.get("BENCH_THINK", "0"))


class Worker(FastHttpUser):
    wait_time = constant(0) if THINK == 0 else between(THINK / 2, THINK * 1.5)

    def on_start(self) -> None:
        me = random.choice(SESSIONS)
        self.headers = {"Cookie": f"sessionid={me['session']}"}
        self.children = me["children"]
        self.manager = me["manager"]

    def _child(self) -> int:
        return random.choice(self.children)

    @task(4)
    def summary(self) -> None:
        self.client.get(f"/children/{self._child()}/", name="child summary", headers=self.headers)

    @task(2)
    def chronology(self) -> None:
        self.client.get(
            f"/children/{self._child()}/chronology/", name="chronology", headers=self.headers
        )

    @task(2)
    def visits(self) -> None:
        self.client.get(f"/children/{self._child()}/visits/", name="visits", headers=self.headers)

    @task(2)
    def my_tasks(self) -> None:
        self.client.get("/tasks/", name="my tasks", headers=self.headers)

    @task(1)
    def search(self) -> None:
        self.client.get(
            "/children/?q=" + random.choice(["Ashdown", "SYN0000", "Isla"]),
            name="search",
            headers=self.headers,
        )

    @task(1)
    def team_dashboard(self) -> None:
        if self.manager:
            self.client.get("/dashboards/team/", name="team dashboard", headers=self.headers)
        else:
            self.client.get("/", name="home", headers=self.headers)

"""The production shape, end to end, without Docker (`make smoke`; `.ci/run` runs it).

Against PostgreSQL and Redis, with DEBUG and DEMO_MODE off and the production settings:

1. a fresh database (dropped and made again), migrated; `collectstatic` with the manifest;
2. a social worker with a password and a TOTP device, and a child allocated to them;
3. gunicorn, a Celery worker and Celery beat as real processes, and a local SMTP server
   (aiosmtpd, in this process) that the application sends its email to;
4. over HTTP, as a browser behind the reverse proxy would (X-Forwarded-Proto: https): sign in
   with the password, then a TOTP code; record a referral through the real form (CSRF token and
   the one-time form token parsed from the page);
5. beat sends the timescales scan through Redis every few seconds, as of a day when the
   referral's threshold decision is overdue (smoke/beat.py); the worker runs it and raises the
   alert, which "My tasks" then shows as overdue (the web process's own evaluation, as of today,
   cannot have);
6. the daily digest task (for the same day) sent through the broker; the worker emails it, and
   the SMTP server receives it, naming the child and the working days overdue;

and then stops every process (their process groups), pass or fail. Each step is logged; on a
failure the processes' logs are printed.

Settings from the environment (defaults for CI):
    SMOKE_DATABASE_URL  postgres://postgres@127.0.0.1:5432/wirral_smoke_ci (dropped and made)
    SMOKE_REDIS_URL     redis://127.0.0.1:6379/1 (this Redis database is emptied first)
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START = time.monotonic()
PASSWORD = "smoke-" + secrets.token_urlsafe(18)
USERNAME = "smoke.worker"
# The scan beat sends runs as of this many days from today: the referral is overdue by then.
AS_OF_DAYS = 30
WAIT_SECONDS = 60


class SmokeFailure(Exception):
    pass


def log(message: str) -> None:
    print(f"[smoke {time.monotonic() - START:6.1f}s] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: str, check: Callable[[], Any], seconds: float = WAIT_SECONDS) -> Any:
    deadline = time.monotonic() + seconds
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
        except Exception as error:  # noqa: BLE001 - retried until the deadline
            last_error = error
            result = None
        if result:
            return result
        time.sleep(0.5)
    raise SmokeFailure(f"Timed out after {seconds:.0f} s waiting for {what} ({last_error!r})")


# --- Database and Redis -----------------------------------------------------------------------


def fresh_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SmokeFailure(f"Refusing an unusual database name: {name!r}")
    admin = parts._replace(path="/postgres").geturl()
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()


def empty_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


# --- Processes --------------------------------------------------------------------------------


class Processes:
    """Child processes, each in its own process group, with its output in a log file."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        self.env = env
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def run(self, name: str, *args: str) -> str:
        """A command that must succeed (migrate, collectstatic): its output."""
        done = subprocess.run(  # noqa: S603 - our own commands
            args, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            raise SmokeFailure(f"{name} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done.stdout

    def start(self, name: str, *args: str) -> None:
        out = (self.log_dir / f"{name}.log").open("wb")
        self.running[name] = subprocess.Popen(  # noqa: S603 - our own commands
            args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log(f"started {name} (pid {self.running[name].pid})")

    def check_alive(self) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                raise SmokeFailure(f"{name} exited early with {process.returncode}")

    def output(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, process in self.running.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                log(f"{name} did not stop on SIGTERM: killed")
            else:
                log(f"stopped {name} ({process.returncode})")


# --- SMTP -------------------------------------------------------------------------------------


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        raw = envelope.original_content or envelope.content
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)  # noqa: S101 - what policy.default makes
        self.messages.append(message)
        return "250 Message accepted for delivery"


# --- HTTP -------------------------------------------------------------------------------------


class Forms(HTMLParser):
    """The forms on a page: action, method and the fields with their current values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get"),
                               "fields": {}})  # fmt: skip
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button"):
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select:
            if "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


class Browser:
    """Just enough of a browser behind the TLS proxy: cookies, redirects, forms."""

    def __init__(self, port: int):
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.origin = f"https://{self.host}"
        self.cookies: dict[str, str] = {}
        self.url = "/"

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                proxied: bool = True) -> tuple[int, dict[str, str], str]:  # fmt: skip
        connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": self.host, "User-Agent": "wirral-cp-smoke"}
        if proxied:  # what the reverse proxy adds in front of gunicorn
            headers["X-Forwarded-Proto"] = "https"
            headers["X-Forwarded-For"] = "203.0.113.7"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + self.url
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(value).items():
                self.cookies[key] = morsel.value
        text = response.read().decode("utf-8", errors="replace")
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def go(self, method: str, path: str, form: dict[str, str] | None = None) -> str:
        """The page after following redirects; raises on anything but a final 200."""
        status, headers, text = self.request(method, path, form)
        for _ in range(10):
            if status not in (301, 302, 303):
                break
            location = urlsplit(urljoin(self.origin + path, headers["location"]))
            path = location.path + (f"?{location.query}" if location.query else "")
            status, headers, text = self.request("GET", path)
        if status != 200:
            raise SmokeFailure(f"{method} {path}: HTTP {status}\n{text[:2000]}")
        self.url = path
        return text

    def submit(self, page: str, values: dict[str, str], has: str) -> str:
        """Fill in and send the page's form that has the field `has`."""
        parser = Forms()
        parser.feed(page)
        matching = [f for f in parser.forms if has in f["fields"]]
        if not matching:
            raise SmokeFailure(f"No form with a field {has!r} on {self.url}")
        form = matching[0]
        fields = {**form["fields"], **values}
        action = form["action"] or self.url
        return self.go(form["method"].upper(), urljoin(self.url, action), fields)


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# --- The smoke test ---------------------------------------------------------------------------

SETUP = """
import json, os
from datetime import date
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import Role, Team, User
from cases.models import Child
team = Team.objects.create(name="Smoke Test Team")
user = User.objects.create_user(
    os.environ["SMOKE_USERNAME"], email="smoke.worker@example.invalid",
    password=os.environ["SMOKE_PASSWORD"], first_name="Sam", last_name="Smoke", team=team,
)
user.groups.add(Group.objects.get(name=Role.SOCIAL_WORKER))
TOTPDevice.objects.create(user=user, name="Smoke phone", key=os.environ["SMOKE_TOTP_KEY"],
                          confirmed=True)
child = Child.objects.create(first_name="Robin", last_name="Smoketest",
                             date_of_birth=date(2018, 5, 1), allocated_worker=user,
                             allocated_team=team)
print(json.dumps({"child": child.pk, "la_child_id": child.la_child_id}))
"""


def totp_code(key_hex: str) -> str:
    """The code an authenticator app with this key shows now."""
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(key_hex)):06d}"


def smoke(processes: Processes, env: dict[str, str], web_port: int, mailbox: Mailbox) -> None:
    log("migrate")
    processes.run("migrate", sys.executable, "manage.py", "migrate", "--noinput")
    log("collectstatic (hashed, compressed: the manifest)")
    processes.run("collectstatic", sys.executable, "manage.py", "collectstatic", "--noinput")
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        raise SmokeFailure("collectstatic wrote no manifest (staticfiles/staticfiles.json)")
    log("a social worker with a password and a TOTP device, and a child allocated to them")
    made = json.loads(
        processes.run("setup", sys.executable, "manage.py", "shell", "-c", SETUP).splitlines()[-1]
    )

    processes.start(
        "gunicorn", str(BIN / "gunicorn"), "wirral_cp.wsgi:application",
        "--bind", f"127.0.0.1:{web_port}", "--workers", "2", "--timeout", "60",
        "--access-logfile", "-",
    )  # fmt: skip
    processes.start(
        "worker", str(BIN / "celery"), "-A", "wirral_cp", "worker", "--loglevel", "INFO",
        "--concurrency", "1", "--hostname", "smoke@%h", "--without-gossip", "--without-mingle",
    )  # fmt: skip
    processes.start(
        "beat", str(BIN / "celery"), "-A", "smoke.beat", "beat", "--loglevel", "INFO",
        "--schedule", env["CELERY_BEAT_SCHEDULE_FILENAME"],
    )  # fmt: skip

    browser = Browser(web_port)

    def login_page_answers() -> bool:
        processes.check_alive()
        return browser.request("GET", "/accounts/login/")[0] == 200

    wait_for("gunicorn to answer", login_page_answers, seconds=30)
    log("gunicorn answers")

    from wirral_cp.celery import app as celery_app

    processes.check_alive()
    answer = celery_app.send_task("wirral_cp.tasks.health_check").get(timeout=WAIT_SECONDS)
    if answer.get("status") != "ok":
        raise SmokeFailure(f"health check answered {answer!r}")
    log("the worker answers a health check sent through Redis")

    status, headers, _ = browser.request("GET", "/accounts/login/", proxied=False)
    if status != 301 or not headers.get("location", "").startswith("https://"):
        raise SmokeFailure(f"plain HTTP was not redirected to HTTPS: {status} {headers}")
    for header in ("strict-transport-security", "content-security-policy"):
        if header not in browser.request("GET", "/accounts/login/")[1]:
            raise SmokeFailure(f"no {header} header on the login page")
    log("production settings: plain HTTP redirected to HTTPS; HSTS and CSP headers sent")

    log("sign in: password")
    page = browser.go("GET", "/")
    page = browser.submit(page, {"username": USERNAME, "password": PASSWORD}, has="password")
    if 'name="token"' not in page:
        raise SmokeFailure(f"the password did not lead to the TOTP step: {text_of(page)[:500]}")
    log("sign in: TOTP code")
    page = browser.submit(page, {"token": totp_code(env["SMOKE_TOTP_KEY"])}, has="token")
    if "Sign out" not in text_of(page) and "/accounts/logout/" not in page:
        raise SmokeFailure(f"not signed in after the TOTP code: {text_of(page)[:500]}")
    stylesheets = re.findall(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    if not stylesheets:
        raise SmokeFailure("the page links no hashed stylesheet (is the manifest in use?)")
    status, headers, _ = browser.request("GET", stylesheets[0])
    if status != 200 or "max-age=315360000" not in headers.get("cache-control", ""):
        raise SmokeFailure(f"{stylesheets[0]}: {status} {headers.get('cache-control')}")
    log(f"signed in; {stylesheets[0]} served by whitenoise, cached for ten years")

    log("record a referral through the form")
    child = made["child"]
    page = browser.go("GET", f"/children/{child}/referrals/add/")
    if 'name="form_token"' not in page:
        raise SmokeFailure("the referral form has no one-time form token")
    from django.utils import timezone  # the settings' time zone: UK time, as the form reads it

    received = timezone.localtime() - timedelta(minutes=30)
    page = browser.submit(
        page,
        {
            "received_at": f"{received:%Y-%m-%dT%H:%M}",
            "source": "2A",
            "referrer_name": "Ms Example, designated safeguarding lead",
            "reason": "Smoke test: bruising noticed in PE; synthetic data.",
            "primary_need": "N1",
        },
        has="received_at",
    )
    if "The referral was recorded." not in text_of(page):
        raise SmokeFailure(f"the referral was not recorded: {text_of(page)[:1500]}")
    log("referral recorded")

    log(f"waiting for beat's scan (as of {env['SMOKE_AS_OF']}) to be run by the worker")

    def overdue_in_my_tasks() -> str | None:
        """The child's row in My tasks, once its alert is overdue (the status the worker's
        scan stores; the web process's evaluation as of today makes it "not yet due" or "due
        soon"). The words are "Overdue by N working days" or, where days overdue are worked out
        as of today when read, "Not compliant"."""
        processes.check_alive()
        for row in re.findall(r"<tr>.*?</tr>", browser.go("GET", "/tasks/"), re.S):
            status = re.search(r'class="status-overdue">(.*?)</span>', row, re.S)
            if "Smoketest" in row and status:
                return text_of(status.group(1)).strip()
        return None

    overdue = wait_for("My tasks to show the overdue alert", overdue_in_my_tasks)
    worker_log = processes.output("worker")
    if not re.search(r"Task monitoring\.tasks\.scan_all\[[^]]+\] succeeded", worker_log):
        raise SmokeFailure("the worker's log shows no scan it ran")
    if "Sending due task smoke-scan" not in processes.output("beat"):
        raise SmokeFailure("beat's log shows no scan it sent")
    log(f"My tasks: '{overdue}' (the worker ran beat's scan, as of {env['SMOKE_AS_OF']})")

    log(f"the daily digest through the broker, for {env['SMOKE_AS_OF']}")
    # As of the day beat's scan looked at, so the digest counts the days overdue then.
    sent = celery_app.send_task(
        "monitoring.tasks.send_digests", kwargs={"day": env["SMOKE_AS_OF"]}
    ).get(timeout=WAIT_SECONDS)
    if sent < 1:
        raise SmokeFailure(f"the digest task sent {sent} emails")

    def digest_received() -> EmailMessage | None:
        for message in mailbox.messages:
            if message["To"] == "smoke.worker@example.invalid":
                return message
        return None

    message = wait_for("the digest at the SMTP server", digest_received, seconds=30)
    body_text = message.get_content()
    if made["la_child_id"] not in body_text or not re.search(
        r"\d+ working days? overdue", body_text
    ):
        raise SmokeFailure(f"the digest does not name the child's overdue item:\n{body_text}")
    log(f"digest received by the SMTP server: '{message['Subject']}'")


def main() -> int:
    from aiosmtpd.controller import Controller

    database_url = os.environ.get(
        "SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wirral_smoke_ci"
    )
    redis_url = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/1")
    web_port, smtp_port = free_port(), free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="wirral-smoke-"))
    from datetime import date

    env = {
        **os.environ,
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "true",
        "TRUSTED_PROXY_COUNT": "1",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DEFAULT_FROM_EMAIL": "cp-system@example.invalid",
        "CELERY_BEAT_SCHEDULE_FILENAME": str(log_dir / "celerybeat-schedule"),
        "LOG_LEVEL": "WARNING",
        "SMOKE_AS_OF": (date.today() + timedelta(days=AS_OF_DAYS)).isoformat(),
        "SMOKE_USERNAME": USERNAME,
        "SMOKE_PASSWORD": PASSWORD,
        "SMOKE_TOTP_KEY": secrets.token_hex(20),
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("CELERY_TASK_ALWAYS_EAGER", "SECURE_SSL_REDIRECT", "CSRF_TRUSTED_ORIGINS"):
        env.pop(name, None)
    # This process sends tasks and reads the time zone with the same settings.
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "wirral_cp.settings"
    sys.path.insert(0, str(ROOT))

    log(f"fresh database {urlsplit(database_url).path.lstrip('/')}; Redis {redis_url} emptied")
    fresh_database(database_url)
    empty_redis(redis_url)
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    log(f"SMTP server on 127.0.0.1:{smtp_port}; logs in {log_dir}")
    processes = Processes(env, log_dir)
    failed = True
    try:
        smoke(processes, env, web_port, mailbox)
        failed = False
    except Exception as error:  # noqa: BLE001 - reported with the processes' logs
        log(f"FAILED: {error}")
        for name in processes.running:
            print(f"----- {name} log (last 60 lines) -----")
            print("\n".join(processes.output(name).splitlines()[-60:]))
    finally:
        processes.stop()
        smtp.stop()
    log("FAILED" if failed else f"passed in {time.monotonic() - START:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

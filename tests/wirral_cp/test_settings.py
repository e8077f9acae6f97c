import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DEMO_MODE"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_default_secret_key():
    result = _check({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY is the insecure default" in result.stderr


def test_demo_starts_on_default_secret_key():
    result = _check({"DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def _env_example() -> dict[str, str]:
    """The settings `.env.example` names, commented-out optional ones included."""
    import re

    found = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]+)=(.*)$", line)
        if match:
            found[match[1]] = match[2]
    return found


def _settings_read() -> set[str]:
    """Every environment variable the application reads: env("X"), env.bool("X", ...) in the
    settings and os.environ.get("X") in the apps (the census validator's interpreter)."""
    import re

    names = set()
    # Not the tools around it: the tests, the benchmarks and the smoke test (`make smoke`, whose
    # SMOKE_* variables the Makefile and README describe).
    tools = {"tests", "bench", "smoke"}
    sources = [path for path in ROOT.glob("*/*.py") if path.parts[-2] not in tools]
    for path in sources:
        if ".venv" in path.parts:
            continue
        text = path.read_text()
        names |= set(re.findall(r"\benv(?:\.[a-z_]+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
        names |= set(re.findall(r"os\.environ\.get\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
    return names - {"DJANGO_SETTINGS_MODULE"}


def test_env_example_names_every_setting_the_code_reads():
    read = _settings_read()
    assert {"SECRET_KEY", "CIN_VALIDATOR_PYTHON", "LOG_LEVEL"} <= read  # the scan finds them
    missing = sorted(read - set(_env_example()))
    assert not missing, f".env.example does not mention: {missing}"


def test_production_refuses_the_env_example_placeholder_secret():
    placeholder = _env_example()["SECRET_KEY"]
    result = _check({"DEBUG": "false", "DEMO_MODE": "false", "SECRET_KEY": placeholder})
    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder" in result.stderr


def test_production_starts_on_a_real_secret():
    result = _check({"DEBUG": "false", "DEMO_MODE": "false", "SECRET_KEY": "x7#kq" * 12})
    assert result.returncode == 0, result.stderr


def test_beat_schedule_is_written_outside_the_repository(tmp_path):
    """Celery beat keeps its schedule in CELERY_BEAT_SCHEDULE_FILENAME (default: the system's
    temporary directory), never `celerybeat-schedule` in the working tree; and the file name
    is ignored by git should anyone run beat with `-s` in the tree."""
    from django.conf import settings

    from wirral_cp.celery import app

    path = Path(app.conf.beat_schedule_filename)
    assert path.is_absolute()
    assert ROOT not in path.parents
    assert path == Path(settings.CELERY_BEAT_SCHEDULE_FILENAME)
    assert "celerybeat-schedule*" in (ROOT / ".gitignore").read_text().split()

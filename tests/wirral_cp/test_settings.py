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

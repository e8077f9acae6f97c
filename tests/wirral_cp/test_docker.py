"""The production shape as docker-compose.yml and the Dockerfile describe it. No Docker engine
runs here or in CI, so the files are checked as text and YAML; where `docker compose` (or the
older `docker-compose`) is installed, its own `config` check runs too."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
APP_SERVICES = ("web", "worker", "beat")


def test_every_service_has_a_health_check():
    services = COMPOSE["services"]
    assert set(services) == {"db", "redis", *APP_SERVICES}
    for name, service in services.items():
        check = service.get("healthcheck", {}).get("test")
        assert check and check[0] in ("CMD", "CMD-SHELL"), name


def test_app_services_run_the_image_with_the_broker_and_wait_for_what_they_need():
    services = COMPOSE["services"]
    for name in APP_SERVICES:
        service = services[name]
        assert service["build"] == ".", name
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:"), name
        assert service["env_file"] == ".env", name
        for dependency, rule in service["depends_on"].items():
            assert rule["condition"] == "service_healthy", (name, dependency)
    assert set(services["web"]["depends_on"]) == {"db", "redis"}
    # The worker and beat wait for the web container, which migrates the database.
    assert set(services["worker"]["depends_on"]) == {"web"}
    assert set(services["beat"]["depends_on"]) == {"web"}


def test_beat_writes_its_schedule_where_the_unprivileged_user_may():
    env = dict(re.findall(r"\b([A-Z_]+)=(\S+)", DOCKERFILE.split("WORKDIR")[0]))
    schedule = Path(env["CELERY_BEAT_SCHEDULE_FILENAME"])
    folder = str(schedule.parent)
    assert f"mkdir -p {folder} && chown appuser:appuser {folder}" in DOCKERFILE
    assert DOCKERFILE.index("chown appuser") < DOCKERFILE.index("USER appuser")
    assert f"beatschedule:{folder}" in COMPOSE["services"]["beat"]["volumes"]
    assert "beatschedule" in COMPOSE["volumes"]


def test_the_image_has_the_census_validator():
    env = dict(re.findall(r"\b([A-Z_]+)=(\S+)", DOCKERFILE.split("WORKDIR")[0]))
    python = env["CIN_VALIDATOR_PYTHON"]
    venv = python.removesuffix("/bin/python")
    assert f"python -m venv {venv}" in DOCKERFILE
    # The same pins as `make test` and CI.
    pins = re.search(r"^CIN_PACKAGES := (.+)$", (ROOT / "Makefile").read_text(), re.M)[1]
    assert f"{venv}/bin/pip install --no-cache-dir {pins}" in DOCKERFILE
    assert f'{python} -c "import cin_validator.rules' in DOCKERFILE


def test_dockerignore_keeps_secrets_environments_and_history_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", ".venv-cin", ".env", "db.sqlite3", "celerybeat-schedule*"):
        assert entry in ignored, entry


def test_compose_config_is_valid(tmp_path):
    """`docker compose config`, in a copy of the file with .env.example as its .env."""
    docker, legacy = shutil.which("docker"), shutil.which("docker-compose")
    plugin = docker and subprocess.run(  # noqa: S603 (a found executable, fixed arguments)
        [docker, "compose", "version"], capture_output=True, check=False
    )
    if plugin and plugin.returncode == 0:
        command = [docker, "compose"]
    elif legacy:
        command = [legacy]
    else:
        pytest.skip("Neither `docker compose` nor `docker-compose` is installed here.")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(  # noqa: S603 (a found executable, fixed arguments)
        [*command, "config", "-q"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr

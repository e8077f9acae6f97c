"""Security headers, cookies, the content security policy and the production settings."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def _production_env(**overrides) -> dict:
    """Production settings and nothing else from this process (tests set variables of their own,
    such as DJANGO_ALLOW_ASYNC_UNSAFE, that a deployment must not have)."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(
        DEBUG="false",
        DEMO_MODE="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="cp.example.invalid",
        CSRF_TRUSTED_ORIGINS="https://cp.example.invalid",
    )
    env.update(overrides)
    return env


def _manage(*args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _directives(header: str) -> dict[str, str]:
    parts = (p.strip().split(None, 1) for p in header.split(";") if p.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def test_check_deploy_finds_nothing_with_production_settings():
    result = _manage("check", "--deploy", env=_production_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNING" not in result.stderr


def test_production_settings_turn_on_https_only_protections():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k)"
        " for k in ['SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        " 'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
        " 'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY', 'AXES_FAILURE_LIMIT',"
        " 'SESSION_COOKIE_AGE']}))"
    )
    result = _manage(
        "shell", "-c", code, env=_production_env(AXES_FAILURE_LIMIT="7", SESSION_COOKIE_AGE="900")
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "AXES_FAILURE_LIMIT": 7,
        "SESSION_COOKIE_AGE": 900,
    }


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_carry_the_content_security_policy(world, login, client, signed_in):
    client = login(world.social_worker) if signed_in else client
    response = client.get(reverse("home") if signed_in else reverse("accounts:login"))
    assert response.status_code == 200
    directives = _directives(response["Content-Security-Policy"])
    for name, value in EXPECTED_CSP.items():
        assert directives[name] == value, name
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_security_headers_and_cookies(client, world):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    response = client.post(
        reverse("accounts:login"),
        {"username": world.social_worker.username, "password": "correct-horse-battery-staple"},
    )
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["csrftoken"]["httponly"]


def test_hsts_header_when_served_over_https(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]


INLINE_PATTERNS = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
    "style element": re.compile(r"<style\b"),
    "style attribute": re.compile(r"\sstyle\s*="),
    "event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=\s*[\"']", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def _template_files():
    """Templates a browser may receive; those rendered to PDF on the server (`*_pdf.html`, for
    WeasyPrint) never reach one, so the policy does not apply to them."""
    dirs = [ROOT / "templates"] + [p for p in ROOT.glob("*/templates") if ".venv" not in p.parts]
    return sorted({f for d in dirs for f in d.rglob("*.html") if not f.name.endswith("_pdf.html")})


@pytest.mark.parametrize("template", _template_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_need_no_inline_script_or_style(template):
    """The policy forbids inline code; anything inline here would silently stop working."""
    text = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " ", template.read_text())
    found = [name for name, pattern in INLINE_PATTERNS.items() if pattern.search(text)]
    assert not found, f"{template.relative_to(ROOT)}: {', '.join(found)}"


@pytest.mark.parametrize(
    "proxies, expected",
    [("0", None), ("1", ["HTTP_X_FORWARDED_PROTO", "https"])],
)
def test_forwarded_proto_is_trusted_only_behind_a_trusted_proxy(proxies, expected):
    code = (
        "import json; from django.conf import settings as s;"
        " print(json.dumps(s.SECURE_PROXY_SSL_HEADER))"
    )
    result = _manage("shell", "-c", code, env=_production_env(TRUSTED_PROXY_COUNT=proxies))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected

"""Health checks for the containers (docker-compose.yml): `python -m wirral_cp.healthcheck web`
or `... beat`. Exit 0 when healthy. Imports no app (beat's reads the settings), so it is cheap.

- web: gunicorn answers an HTTP request on port 8000 without a server error. The SSL redirect
  (301) or a host outside ALLOWED_HOSTS (400) still proves Django answered.
- beat: the schedule file was written recently (beat saves it at start and every few minutes).
The worker's check is Celery's own: `celery -A wirral_cp inspect ping -d celery@$HOSTNAME`.
"""

import glob
import http.client
import os
import sys
import time

WEB_PORT = 8000  # gunicorn's --bind in the Dockerfile and docker-compose.yml
BEAT_STALE_SECONDS = 10 * 60


def web() -> bool:
    host = (os.environ.get("ALLOWED_HOSTS") or "localhost").split(",")[0].strip()
    connection = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=10)
    try:
        connection.request("GET", "/accounts/login/", headers={"Host": host})
        status = connection.getresponse().status
    except OSError as error:
        print(f"web: no answer on port {WEB_PORT}: {error}")
        return False
    finally:
        connection.close()
    print(f"web: HTTP {status}")
    return status < 500


def beat() -> bool:
    from wirral_cp.settings import CELERY_BEAT_SCHEDULE_FILENAME as schedule

    # One file, or several with suffixes (.db, .dat, .dir), depending on the dbm module.
    files = glob.glob(glob.escape(schedule) + "*")
    if not files:
        print(f"beat: no schedule file at {schedule}")
        return False
    age = time.time() - max(os.path.getmtime(f) for f in files)
    print(f"beat: schedule written {age:.0f}s ago")
    return age < BEAT_STALE_SECONDS


CHECKS = {"web": web, "beat": beat}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: python -m wirral_cp.healthcheck {{{','.join(CHECKS)}}}")
    sys.exit(0 if CHECKS[sys.argv[1]]() else 1)

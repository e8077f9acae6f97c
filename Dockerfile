# Production image: gunicorn behind whitenoise for static files, and the same image for the
# Celery worker and beat (docker-compose.yml). No Docker engine runs on the development machines
# here; this is kept buildable and `docker compose config` valid (tests/wirral_cp/test_docker.py).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STATIC_MANIFEST=true \
    CIN_VALIDATOR_PYTHON=/opt/venv-cin/bin/python \
    CELERY_BEAT_SCHEDULE_FILENAME=/var/lib/wirral-cp/celerybeat-schedule
WORKDIR /app
# Pango and a font for WeasyPrint (the family-friendly plan PDF).
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
# The DfE census validator pins pandas 1.5 (numpy 1.x): its own virtual environment, so the
# census can pass the validation gate and be released (reporting/validation.py).
RUN python -m venv /opt/venv-cin \
    && /opt/venv-cin/bin/pip install --no-cache-dir csc-validator-be-cin==0.1.13 numpy==1.26.4 \
    && /opt/venv-cin/bin/python -c "import cin_validator.rules.cin2025_26"
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput
# An unprivileged user, who may write only beat's schedule (a volume in docker-compose.yml).
RUN useradd --create-home appuser \
    && mkdir -p /var/lib/wirral-cp && chown appuser:appuser /var/lib/wirral-cp
USER appuser
EXPOSE 8000
CMD ["gunicorn", "wirral_cp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

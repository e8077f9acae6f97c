# Production image: gunicorn behind whitenoise for static files. No Docker engine runs on the
# development machines here; this is documented and kept buildable, not exercised in CI.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STATIC_MANIFEST=true
WORKDIR /app
# Pango and a font for WeasyPrint (the family-friendly plan PDF).
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput
RUN useradd --create-home appuser
USER appuser
EXPOSE 8000
CMD ["gunicorn", "wirral_cp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

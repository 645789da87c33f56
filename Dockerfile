# ogi-extract: one image for the API and the worker (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY services ./services
COPY workers ./workers
COPY prompts ./prompts
RUN pip install . && useradd --create-home --uid 10001 ogi
USER ogi

EXPOSE 8000
# the API; the worker service overrides this with `ogi-extract worker`
CMD ["sh", "-c", "ogi-extract migrate && exec uvicorn services.api.app:create_app --factory --host 0.0.0.0 --port 8000 --workers ${API_WORKERS:-2}"]

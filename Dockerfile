# End 287(g): the web image, made of the same commands the Makefile and CI run.
# Stage 1 installs the pinned lock (hashes checked), compiles the Spanish catalog and collects
# static files; stage 2 copies the result, runs as a non-root user and serves with gunicorn.
# The same image runs every process of the Procfile (web, worker, release).
FROM python:3.12-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --require-hashes -r /tmp/requirements.lock
WORKDIR /app
COPY . .
# A throwaway key: settings refuse to start without one, and nothing signed here outlives the build.
ENV SECRET_KEY=build-only-not-a-secret DEBUG=false
RUN /opt/venv/bin/python manage.py compilemessages --ignore=.venv
RUN /opt/venv/bin/python manage.py collectstatic --no-input

FROM python:3.12-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000
RUN useradd --create-home --uid 10001 app
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
USER app
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"]

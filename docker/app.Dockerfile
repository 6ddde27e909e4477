# One benchmark app, built offline by harness/runtime/docker.ts. The build context is:
#   Dockerfile, requirements.txt, wheels/ (from harness/runtime/wheelhouse.ts), app/ (the app's folder)
# BASE_IMAGE is python:3.13-slim (python3 in /usr/local/bin) or the offline crossover-base:trixie
# from docker/build-base-image.sh (python3 in /usr/bin); both provide `python3 -m venv`.
ARG BASE_IMAGE=python:3.13-slim
FROM ${BASE_IMAGE}

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_NO_INPUT=1 \
    LANG=C.UTF-8

# Only the wheelhouse: --no-index means no step of the build needs the network. The wheels
# stay in this layer (the legacy builder has no RUN --mount); they are a few MB per app.
COPY requirements.txt /tmp/requirements.txt
COPY wheels/ /wheels/
RUN python3 -m venv /venv \
 && /venv/bin/python -m pip install --no-index --find-links /wheels -r /tmp/requirements.txt \
 && rm -f /tmp/requirements.txt

COPY app/ /app/
# Compiled now so workers do not each compile the app at start (bytecode writing is off below).
RUN /venv/bin/python -m compileall -q /app

WORKDIR /app
ENV PATH=/venv/bin:$PATH \
    VIRTUAL_ENV=/venv \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# The AgencyAccess image: `docker build -t agencyaccess .` (not built by CI: see the README's
# "Deploying with Docker"; CI lints this file with hadolint).
#
# One image for every role. By default it runs everything in one container (`agencyaccess
# serve`: migrations, the web server, the worker); compose.yaml runs the web server
# (`agencyaccess web`) and the worker (`agencyaccess worker`) as services of their own.

# -- Build: the project and its pinned dependencies, installed into a virtualenv ---------------
FROM python:3.11-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
# The dependencies first, from what constraints.txt pins, so that a change of code alone
# reuses this layer.
COPY pyproject.toml constraints.txt README.md ./
RUN mkdir agencyaccess \
    && /opt/venv/bin/pip install --no-cache-dir -c constraints.txt . \
    && /opt/venv/bin/pip uninstall --yes agencyaccess
COPY agencyaccess ./agencyaccess
RUN /opt/venv/bin/pip install --no-cache-dir --no-deps -c constraints.txt .

# -- Run: the virtualenv alone, as a user without privileges -----------------------------------
FROM python:3.11-slim

RUN groupadd --system --gid 10001 agencyaccess \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --home-dir /data \
        --shell /usr/sbin/nologin agencyaccess \
    && mkdir /data \
    && chown 10001:10001 /data
COPY --from=builder /opt/venv /opt/venv

# The data directory (SQLite when no DATABASE_URL, uploads unless STORAGE_BACKEND=s3, the
# generated secret key, the e-mail outbox without SMTP) is a volume: it outlives the container.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    AGENCYACCESS_DATA_DIR=/data
VOLUME /data
WORKDIR /data
# By number: an orchestrator can check that it is not root without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000

# The process answers (/healthz); /readyz, which also asks the database, Redis and the
# worker, is for a monitor, not for restarting this container. No proxy: the server is here.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.build_opener(u.ProxyHandler({})).open('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["agencyaccess", "serve", "--host", "0.0.0.0"]

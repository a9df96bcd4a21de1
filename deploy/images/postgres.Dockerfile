# PostgreSQL from Debian's package, for hosts without a registry; it reads the variables the official postgres image
# reads (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD) and keeps its data under
# /var/lib/postgresql, so the generated Compose file runs it unchanged. Needs network access while building.
ARG BASE_IMAGE=inference-base:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-client-15 > /dev/null \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && rm -rf /var/lib/postgresql/15 && mkdir -p /var/lib/postgresql /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
EXPOSE 5432
HEALTHCHECK --interval=5s --timeout=5s --retries=10 CMD ["sh", "-c", "pg_isready -h 127.0.0.1 -U \"${POSTGRES_USER:-postgres}\""]
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]

# Redis from Debian's package, for hosts without a registry: redis-server and redis-cli on the PATH, data in /data,
# as in the official image, so the generated Compose file runs it unchanged. Needs network access while building.
ARG BASE_IMAGE=inference-base:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server redis-tools > /dev/null \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
WORKDIR /data
USER redis
EXPOSE 6379
HEALTHCHECK --interval=5s --timeout=5s --retries=10 CMD ["sh", "-c", "REDISCLI_AUTH=\"$(cat \"${REDIS_PASSWORD_FILE:-/dev/null}\")\" redis-cli ping | grep -q PONG"]
CMD ["redis-server", "--save", "60", "1"]

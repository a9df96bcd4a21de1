# The database migration step: a self-contained EF Core migration bundle (deploy/images/build.sh makes it) that applies
# pending migrations to $ConnectionStrings__inferencedb, creating the database if needed, and exits.
ARG BASE_IMAGE=inference-base:bookworm
FROM ${BASE_IMAGE}
ARG SOURCE_HASH=unknown
LABEL org.opencontainers.image.title="inference-migrations" inference.source-hash="${SOURCE_HASH}"
COPY --chown=0:0 efbundle migrations-entrypoint.sh /app/
USER 1654:1654
# The bundle unpacks itself into a writable folder.
ENV DOTNET_BUNDLE_EXTRACT_BASE_DIR=/tmp/.net
ENTRYPOINT ["/app/migrations-entrypoint.sh"]

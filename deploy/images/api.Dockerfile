# The inference API: the self-contained linux-x64 publish output (deploy/images/build.sh makes it) on a plain Debian base.
# Build context: the publish folder. BASE_IMAGE: inference-base:bookworm (offline, base.sh), debian:bookworm-slim
# from a registry, or for the CUDA variant an NVIDIA CUDA + cuDNN runtime image (the app carries its own .NET runtime).
ARG BASE_IMAGE=inference-base:bookworm
FROM ${BASE_IMAGE}
ARG SOURCE_HASH=unknown
LABEL org.opencontainers.image.title="inference-api" inference.source-hash="${SOURCE_HASH}"
COPY --chown=0:0 . /app/
ENV ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true DOTNET_gcServer=0
WORKDIR /app
EXPOSE 8080 8081
# The API writes nothing to its own files: it runs as 'app' on a root-owned, read-only-capable file system.
USER 1654:1654
# Ready: /health answers 200 once Postgres, Redis and the models are. No curl in the image: bash speaks HTTP.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/app/Inference.Api"]

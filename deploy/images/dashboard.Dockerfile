# The admin console: the self-contained linux-x64 publish output (deploy/images/build.sh makes it) on a plain Debian base.
ARG BASE_IMAGE=inference-base:bookworm
FROM ${BASE_IMAGE}
ARG SOURCE_HASH=unknown
LABEL org.opencontainers.image.title="inference-dashboard" inference.source-hash="${SOURCE_HASH}"
COPY --chown=0:0 . /app/
ENV ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true
WORKDIR /app
EXPOSE 8080
USER 1654:1654
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/app/Inference.Dashboard"]

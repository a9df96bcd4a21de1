#!/usr/bin/env bash
# Builds every image the generated deploy/ files run, with no registry: the base (base.sh, debootstrap), the API (CPU
# and CUDA variants), the admin console, the migration bundle, and Postgres and Redis from Debian's packages.
# The .NET apps are published self-contained for linux-x64 (the runtime packs come from NuGet), so the base needs no
# .NET. An image whose sources are unchanged (same hash of the files that go into it) is kept, not rebuilt.
#
# Usage: deploy/images/build.sh [--tag TAG] [--only api,dashboard,migrations,postgres,redis]
# Environment: BASE_IMAGE (default inference-base:bookworm, built by base.sh when missing; e.g. debian:bookworm-slim
#              where a registry is reachable), CUDA_BASE_IMAGE (the CUDA variant's base; default BASE_IMAGE, on which the
#              API finds no CUDA libraries and serves on the CPU, saying so), POSTGRES_IMAGE, REDIS_IMAGE (the tags given
#              to the infrastructure images; default inference-postgres:15 and inference-redis:7).
set -euo pipefail
cd "$(dirname "$0")/../.."

tag=latest
only=api,dashboard,migrations,postgres,redis
while [ $# -gt 0 ]; do
    case "$1" in
        --tag) tag=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
base=${BASE_IMAGE:-inference-base:bookworm}
cuda_base=${CUDA_BASE_IMAGE:-$base}
postgres_image=${POSTGRES_IMAGE:-inference-postgres:15}
redis_image=${REDIS_IMAGE:-inference-redis:7}
staging=artifacts/images
export DOCKER_BUILDKIT=0 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

wants() { [[ ",$only," == *",$1,"* ]]; }
seconds() { echo "$((SECONDS - $1))s"; }

# A hash of everything that goes into the .NET images: tracked and untracked source files, not build output.
source_hash() {
    git ls-files -z --cached --others --exclude-standard -- "$@" \
        | sort -z | xargs -0 sha256sum 2>/dev/null | sha256sum | cut -c1-16
}

# True when the image exists and was built from these sources on this base.
current() {
    local image=$1 hash=$2
    [ "$(docker image inspect --format '{{ index .Config.Labels "inference.source-hash" }}' "$image" 2>/dev/null)" = "$hash" ]
}

build_image() {
    local image=$1 dockerfile=$2 context=$3 image_base=$4 hash=$5
    # The classic builder: Debian's docker.io has no BuildKit client plugin; these Dockerfiles need nothing more.
    docker build --network host --build-arg BASE_IMAGE="$image_base" --build-arg SOURCE_HASH="$hash" \
        --label inference.source-hash="$hash" -t "$image" -f "$dockerfile" "$context" > "$staging/docker-build.log" 2>&1 \
        || { cat "$staging/docker-build.log" >&2; exit 1; }
    echo "$image built."
}

publish() {
    local project=$1 output=$2
    rm -rf "$output"
    dotnet publish "$project" -c Release -r linux-x64 --self-contained -p:UseAppHost=true -nologo -v quiet -o "$output" \
        > "$staging/publish.log" 2>&1 || { cat "$staging/publish.log" >&2; exit 1; }
    # The images run as a non-root user that owns none of these files: it needs to read them, not change them.
    chmod -R a+rX,go-w "$output"
}

mkdir -p "$staging"
if [ "$base" = inference-base:bookworm ] || [ "$cuda_base" = inference-base:bookworm ]; then
    deploy/images/base.sh inference-base:bookworm
fi

common=(global.json NuGet.config Directory.Build.props Directory.Packages.props ServiceDefaults)
base_id=$(docker image inspect --format '{{.Id}}' "$base" | cut -c8-19)
api_hash=$(source_hash "${common[@]}" Inference.Api Inference.Engine deploy/images/api.Dockerfile deploy/images/migrations.Dockerfile deploy/images/migrations-entrypoint.sh)-$base_id

if wants api; then
    started=$SECONDS
    if current "inference-api:$tag" "$api_hash" && current "inference-api:$tag-cuda" "$api_hash"; then
        echo "inference-api:$tag and :$tag-cuda are current."
    else
        echo "== Publishing Inference.Api (self-contained, linux-x64)"
        publish Inference.Api/Inference.Api.csproj "$staging/inference-api-cuda"
        # The CPU image leaves out ONNX Runtime's GPU provider libraries (about 300 MB); hard links cost no copy.
        rm -rf "$staging/inference-api" && cp -al "$staging/inference-api-cuda" "$staging/inference-api"
        rm -f "$staging"/inference-api/libonnxruntime_providers_{cuda,tensorrt}.so
        build_image "inference-api:$tag" deploy/images/api.Dockerfile "$staging/inference-api" "$base" "$api_hash"
        build_image "inference-api:$tag-cuda" deploy/images/api.Dockerfile "$staging/inference-api-cuda" "$cuda_base" "$api_hash"
        echo "   ($(seconds $started))"
    fi
fi

if wants migrations; then
    started=$SECONDS
    if current "inference-migrations:$tag" "$api_hash"; then
        echo "inference-migrations:$tag is current."
    else
        echo "== Bundling the EF Core migrations (self-contained, linux-x64)"
        rm -rf "$staging/inference-migrations" && mkdir -p "$staging/inference-migrations"
        dotnet tool restore > /dev/null
        # The Postgres context: deployments run Postgres; SqliteInferenceDbContext is the embedded mode's.
        dotnet ef migrations bundle --project Inference.Api/Inference.Api.csproj --context InferenceDbContext --configuration Release \
            --self-contained --target-runtime linux-x64 --force --output "$staging/inference-migrations/efbundle" \
            > "$staging/bundle.log" 2>&1 || { cat "$staging/bundle.log" >&2; exit 1; }
        cp deploy/images/migrations-entrypoint.sh "$staging/inference-migrations/"
        chmod -R a+rX,go-w "$staging/inference-migrations"
        build_image "inference-migrations:$tag" deploy/images/migrations.Dockerfile "$staging/inference-migrations" "$base" "$api_hash"
        echo "   ($(seconds $started))"
    fi
fi

if wants dashboard; then
    started=$SECONDS
    dashboard_hash=$(source_hash "${common[@]}" Inference.Dashboard deploy/images/dashboard.Dockerfile)-$base_id
    if current "inference-dashboard:$tag" "$dashboard_hash"; then
        echo "inference-dashboard:$tag is current."
    else
        echo "== Publishing Inference.Dashboard (self-contained, linux-x64)"
        publish Inference.Dashboard/Inference.Dashboard.csproj "$staging/inference-dashboard"
        build_image "inference-dashboard:$tag" deploy/images/dashboard.Dockerfile "$staging/inference-dashboard" "$base" "$dashboard_hash"
        echo "   ($(seconds $started))"
    fi
fi

for infrastructure in postgres redis; do
    wants "$infrastructure" || continue
    image_var=${infrastructure}_image
    hash=$(source_hash "deploy/images/$infrastructure.Dockerfile" "deploy/images/$infrastructure-entrypoint.sh")-$base_id
    if current "${!image_var}" "$hash"; then
        echo "${!image_var} is current."
    else
        echo "== Building ${!image_var} from Debian's packages"
        build_image "${!image_var}" "deploy/images/$infrastructure.Dockerfile" deploy/images "$base" "$hash"
    fi
done

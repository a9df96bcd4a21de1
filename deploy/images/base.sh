#!/usr/bin/env bash
# Builds the base image every other image starts from, without a registry: a minimal Debian 12 made by debootstrap
# from Debian's own packages, imported into Docker. Only what self-contained .NET apps load (ICU, OpenSSL,
# CA certificates) is added, plus the non-root 'app' user (UID 1654, as in Microsoft's .NET images).
# Usage: deploy/images/base.sh [image-name]   (default inference-base:bookworm; kept when it exists already)
set -euo pipefail

image=${1:-inference-base:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if docker image inspect "$image" > /dev/null 2>&1; then
    echo "$image exists; remove it (docker rmi $image) to rebuild it."
    exit 0
fi
command -v debootstrap > /dev/null || { echo "debootstrap is missing: apt-get install -y debootstrap" >&2; exit 1; }

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
echo "== debootstrap bookworm (minbase) into $rootfs"
debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,tzdata bookworm "$rootfs" "$mirror" > "$rootfs.log" 2>&1 \
    || { tail -20 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"
chroot "$rootfs" groupadd --gid 1654 app
chroot "$rootfs" useradd --uid 1654 --gid 1654 --home-dir /home/app --create-home --shell /usr/sbin/nologin app
# Package caches and lists are not needed at run time; images that install packages fetch fresh lists.
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*

echo "== docker import $image"
tar -C "$rootfs" --numeric-owner -c . | docker import \
    --change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' \
    --message "Debian bookworm minbase (debootstrap) with the .NET runtime's native dependencies" \
    - "$image" > /dev/null
echo "$image built."

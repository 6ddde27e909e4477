#!/usr/bin/env bash
# Builds the offline images the Docker runtime needs, without any container registry:
#   crossover-base:trixie      Debian trixie minbase + python3 (3.13) + python3-venv, for docker/app.Dockerfile
#   crossover-postgres:trixie  Debian trixie minbase + Debian's PostgreSQL, for `--db docker`
# Both are made with debootstrap from deb.debian.org and `docker import`. The postgres image
# carries docker/postgres-entrypoint.sh, which honours the official image's POSTGRES_USER /
# POSTGRES_PASSWORD / POSTGRES_DB contract, so the harness starts either image the same way.
#
# Usage: docker/build-base-image.sh [--force] [--base-only | --postgres-only]
#        [--mirror URL] [--suite NAME]
# Idempotent: an image that already exists is left alone unless --force is given.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

FORCE=0
BUILD_BASE=1
BUILD_POSTGRES=1
SUITE="trixie"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --force) FORCE=1 ;;
    --base-only) BUILD_POSTGRES=0 ;;
    --postgres-only) BUILD_BASE=0 ;;
    --mirror) MIRROR="$2"; shift ;;
    --suite) SUITE="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "build-base-image.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

BASE_TAG="crossover-base:$SUITE"
POSTGRES_TAG="crossover-postgres:$SUITE"

# Downloaded .debs are kept here (git-ignored), so a --force rebuild or the second image
# does not fetch the shared minbase packages again.
DEB_CACHE="$REPO_ROOT/.cache/debootstrap/$SUITE"

for tool in docker debootstrap; do
  command -v "$tool" >/dev/null || { echo "build-base-image.sh: '$tool' not found (run .ci/docker-setup.sh or: apt-get install docker.io debootstrap)" >&2; exit 3; }
done
if [[ $EUID -ne 0 ]]; then
  echo "build-base-image.sh: debootstrap needs root (run with sudo)" >&2
  exit 3
fi
docker info >/dev/null 2>&1 || { echo "build-base-image.sh: the Docker daemon does not answer (is dockerd running?)" >&2; exit 3; }

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

WORK_DIRS=()
cleanup() {
  for dir in "${WORK_DIRS[@]}"; do
    # debootstrap may leave proc/sys mounted inside the target when it fails half-way.
    for mnt in proc sys dev/pts dev; do umount -l "$dir/rootfs/$mnt" 2>/dev/null || true; done
    rm -rf "$dir"
  done
}
trap cleanup EXIT

# Shrinks a root filesystem: docs, man pages, locales and apt's caches are never used in a container.
slim_rootfs() {
  local root="$1"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/* \
    "$root"/var/cache/debconf/*-old "$root"/tmp/* 2>/dev/null || true
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
  find "$root/usr/lib" -name '__pycache__' -type d -prune -exec rm -rf {} + 2>/dev/null || true
}

# build_image TAG PACKAGES CUSTOMIZE_FN [docker import --change args...]
build_image() {
  local tag="$1" packages="$2" customize="$3"
  shift 3
  if image_exists "$tag" && [[ $FORCE -eq 0 ]]; then
    echo "==> $tag exists ($(docker image inspect -f '{{.Id}}' "$tag" | cut -c1-19)); skipping (use --force to rebuild)"
    return 0
  fi
  local started=$SECONDS
  local work
  work="$(mktemp -d /tmp/crossover-rootfs.XXXXXX)"
  WORK_DIRS+=("$work")
  mkdir -p "$DEB_CACHE"
  echo "==> debootstrap $SUITE (minbase + $packages) from $MIRROR"
  if ! debootstrap --variant=minbase --include="$packages" --cache-dir="$DEB_CACHE" \
      "$SUITE" "$work/rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1; then
    echo "build-base-image.sh: debootstrap failed for $tag; last lines of its log:" >&2
    tail -n 30 "$work/debootstrap.log" >&2
    [[ -f "$work/rootfs/debootstrap/debootstrap.log" ]] && tail -n 30 "$work/rootfs/debootstrap/debootstrap.log" >&2
    exit 3
  fi
  echo "    debootstrap took $((SECONDS - started)) s"
  "$customize" "$work/rootfs"
  slim_rootfs "$work/rootfs"
  local import_started=$SECONDS
  echo "==> docker import -> $tag ($(du -sh "$work/rootfs" | cut -f1) on disk)"
  tar --numeric-owner -C "$work/rootfs" -c . | docker import "$@" - "$tag" >/dev/null
  echo "    import took $((SECONDS - import_started)) s; $tag built in $((SECONDS - started)) s total"
  rm -rf "$work"
  docker image inspect -f '    id {{.Id}}  size {{.Size}} bytes' "$tag"
}

customize_base() {
  local root="$1"
  # `python3 -m venv` must be able to bootstrap pip offline: python3-venv ships ensurepip's wheels.
  chroot "$root" /usr/bin/python3 -c 'import ensurepip, venv, sys; print("    python", sys.version.split()[0])'
}

customize_postgres() {
  local root="$1"
  # The package's postinst creates a 'main' cluster and config; the entrypoint makes its own.
  rm -rf "$root"/var/lib/postgresql/*/main "$root"/etc/postgresql/*/main
  install -m 0755 "$SCRIPT_DIR/postgres-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  local bindir
  bindir="$(cd "$root" && ls -d usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  ln -sfn "/$bindir" "$root/usr/lib/postgresql/current-bin"
  mkdir -p "$root/var/run/postgresql" && chroot "$root" chown postgres:postgres /var/run/postgresql
  echo "    postgres binaries at /$bindir"
}

total_started=$SECONDS
if [[ $BUILD_BASE -eq 1 ]]; then
  build_image "$BASE_TAG" "python3,python3-venv" customize_base \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/usr/bin/python3"]'
fi
if [[ $BUILD_POSTGRES -eq 1 ]]; then
  build_image "$POSTGRES_TAG" "postgresql" customize_postgres \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PATH=/usr/lib/postgresql/current-bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV PGDATA=/var/lib/postgresql/data' \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
    --change 'CMD ["postgres"]'
fi
echo "==> done in $((SECONDS - total_started)) s"

#!/usr/bin/env bash
# Prepares a fresh Debian machine (run as root) for `--runtime docker` and `--db docker`
# without any container registry: installs docker.io, debootstrap and wrk, starts dockerd
# when it does not answer, then builds the offline images (docker/build-base-image.sh).
# Idempotent: every step is skipped when its result is already there.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
# dockerd normally answers within a few seconds; 60 s covers a cold, loaded CI machine.
DOCKERD_WAIT_S=60

if [[ $EUID -ne 0 ]]; then
  echo "docker-setup.sh: run as root (apt-get, dockerd and debootstrap need it)" >&2
  exit 3
fi

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v wrk >/dev/null || missing+=(wrk)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "==> apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" ca-certificates >/dev/null
fi

if docker info >/dev/null 2>&1; then
  echo "==> dockerd is answering"
else
  echo "==> starting dockerd (log: $DOCKERD_LOG)"
  # No systemd on CI containers/VMs: run it in the background, detached from this shell.
  nohup dockerd >"$DOCKERD_LOG" 2>&1 &
  for ((i = 0; i < DOCKERD_WAIT_S; i++)); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    echo "docker-setup.sh: dockerd did not answer within ${DOCKERD_WAIT_S} s; end of $DOCKERD_LOG:" >&2
    tail -n 40 "$DOCKERD_LOG" >&2 || true
    exit 3
  fi
  echo "    dockerd answered after ${i} s"
fi
docker version --format '    client {{.Client.Version}}, server {{.Server.Version}}'

"$REPO_ROOT/docker/build-base-image.sh" "$@"

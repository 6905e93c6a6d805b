#!/bin/sh
# Make a Docker engine answer and the step image exist. Idempotent: `make setup` and .ci/run call it.
#   1. a daemon answers            → nothing to do
#   2. no daemon and we are root   → install Debian's docker.io (+ debootstrap) when missing,
#                                    start dockerd in the background (log: $SKILLWALL_DOCKERD_LOG)
#   3. no daemon and not root      → say what to do, exit 1
# Then build the step image when missing (skillwall image build re-uses an unchanged image).
# Env: SKILLWALL_DOCKERD_LOG (default /var/log/skillwall-dockerd.log),
#      SKILLWALL_DOCKER_WAIT (seconds to wait for the daemon, default 60),
#      SKILLWALL_SKIP_IMAGE=1 (only the engine).
set -eu

log=${SKILLWALL_DOCKERD_LOG:-/var/log/skillwall-dockerd.log}
wait_s=${SKILLWALL_DOCKER_WAIT:-60}
here=$(cd "$(dirname "$0")/.." && pwd)

say() { printf 'setup-docker: %s\n' "$*" >&2; }

daemon_answers() {
  command -v docker >/dev/null 2>&1 && docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

if daemon_answers; then
  say "Docker $(docker version --format '{{.Server.Version}}') answers"
else
  if [ "$(id -u)" != 0 ]; then
    say "no Docker daemon answers and this is not root."
    say "fix: start Docker (sudo systemctl start docker, or sudo $0), and make sure your user"
    say "     can reach /var/run/docker.sock (sudo usermod -aG docker \"\$USER\", then log in again)."
    exit 1
  fi
  missing=""
  command -v dockerd >/dev/null 2>&1 || missing="$missing docker.io"
  command -v debootstrap >/dev/null 2>&1 || missing="$missing debootstrap"
  command -v iptables >/dev/null 2>&1 || missing="$missing iptables"
  if [ -n "$missing" ]; then
    say "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    apt-get install -y -q $missing >/dev/null
  fi
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    say "starting dockerd in the background (log: $log)"
    mkdir -p "$(dirname "$log")"
    # setsid: dockerd must outlive the shell (and process group) that started it.
    setsid nohup dockerd >>"$log" 2>&1 </dev/null &
  else
    say "dockerd is running but does not answer yet; waiting"
  fi
  i=0
  until daemon_answers; do
    i=$((i + 1))
    if [ "$i" -gt "$wait_s" ]; then
      say "dockerd did not answer within ${wait_s}s; see $log (tail below)"
      tail -n 20 "$log" >&2 || true
      exit 1
    fi
    sleep 1
  done
  say "Docker $(docker version --format '{{.Server.Version}}') answers"
fi

# Egress steps fence their network with iptables rules on the host (src/run/firewall.ts).
if ! command -v iptables >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    say "installing: iptables (steps that need the network are fenced with it)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q iptables >/dev/null
  else
    say "iptables is missing: steps that need the network will be refused (install Debian's iptables as root)"
  fi
fi

if [ "${SKILLWALL_SKIP_IMAGE:-}" = 1 ]; then exit 0; fi

if [ -f "$here/dist/bundle/skillwall.cjs" ]; then
  node "$here/bin/skillwall.js" image build
else
  # Not an error: the sandbox tests and `skillwall run` build the image on first use too.
  say "dist/ is not built yet; after 'npm run build' run 'node bin/skillwall.js image build'"
fi

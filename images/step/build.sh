#!/bin/sh
# Runs once inside the image build, as root. Installs what a step may need (only when the base
# lacks it), adds the unprivileged "agent" user, and removes every setuid/setgid bit.
set -eu

need=""
for pair in bash:bash curl:curl git:git tar:tar unzip:unzip update-ca-certificates:ca-certificates; do
  cmd=${pair%%:*}
  pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || need="$need $pkg"
done
if [ -n "$need" ]; then
  apt-get update -q
  # shellcheck disable=SC2086 # the package list is split on purpose
  apt-get install -y -q --no-install-recommends $need
fi

# Nothing in the image may raise privileges: no setuid/setgid files at all.
find / -xdev \( -perm -4000 -o -perm -2000 \) -type f -exec chmod ug-s {} +

id agent >/dev/null 2>&1 || useradd --uid 1000 --user-group --create-home --home-dir /home/agent --shell /bin/bash agent
chown 1000:1000 /home/agent
chmod 0755 /home/agent

# No package manager state or caches in the final layer.
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log /tmp/* /root/.cache

# The build fails when anything escaped the cleanup above.
left=$(find / -xdev \( -perm -4000 -o -perm -2000 \) -type f | head -n 1)
if [ -n "$left" ]; then
  echo "setuid/setgid file left: $left" >&2
  exit 1
fi

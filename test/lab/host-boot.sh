#!/bin/sh
# Runs inside a lab host's own network, mount and UTS namespaces (see host.ts):
# gives the host its name and private /run, /var/lib/docker and /etc/docker, starts its sshd, then
# becomes its dockerd so the process the lab recorded is the engine itself.
set -eu
name="$1"
state="$2"
hostname "$name"
mount --bind "$state/run" /run
mount --bind "$state/docker" /var/lib/docker
# /etc/docker holds the engine's identity key: each host needs its own.
mount --bind "$state/etc-docker" /etc/docker
# This machine's nameserver does not answer from the lab, and every image pull a swarm task
# attempts would wait out its 20 s timeout: point DNS at the lab bridge, which refuses at once.
mount --bind "$state/resolv.conf" /etc/resolv.conf
mkdir -p /run/sshd
chmod 0755 /run/sshd
/usr/sbin/sshd -f "$state/sshd_config" -E "$state/sshd.log"
exec /usr/sbin/dockerd --data-root /var/lib/docker --host unix:///var/run/docker.sock \
  --pidfile /run/docker.pid >>"$state/dockerd.log" 2>&1

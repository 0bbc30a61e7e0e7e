#!/usr/bin/env bash
# Builds the real AWS network policy agent (github.com/aws/aws-network-policy-agent, root package main.go) and its
# eBPF objects (pkg/ebpf/c/*.bpf.c, compiled with the Debian clang against a vmlinux.h dumped from
# /sys/kernel/btf/vmlinux with bpftool, as the agent's Makefile targets `vmlinuxh` and `build-bpf` do) into
#   ${NETPOL_AUDIT_CACHE:-$HOME/.cache/eks-netpol-audit}/agent-<version>/
#     aws-network-policy-agent   the agent binary (tags netgo,ebpf,core as in `make build-linux`)
#     tc.v4ingress.bpf.o tc.v4egress.bpf.o tc.v6ingress.bpf.o tc.v6egress.bpf.o v4events.bpf.o v6events.bpf.o
#     node-standins-<sha256 of its sources>   the test's EKS-node stand-ins (test/integration/agent/standins)
# Nothing is rebuilt when the directory already holds every file. The upstream source stays in Go's module cache.
#
# Usage: scripts/build-agent.sh            (as root: bpftool reads the kernel BTF)
#        scripts/build-agent.sh --check    builds nothing: prints DIR=, AGENT=, STANDINS= lines, exit 1 if incomplete
# Env:   NETPOL_AUDIT_CACHE     cache root (outside the repository)
#        NPA_AGENT_VERSION      agent tag (default v1.4.1)
#        NETPOL_AUDIT_GO_P      go build -p value (default 2)
# Exit:  0 when every file exists afterwards, 1 otherwise (the failing command is named).
set -euo pipefail

VERSION="${NPA_AGENT_VERSION:-v1.4.1}"
CACHE="${NETPOL_AUDIT_CACHE:-${HOME}/.cache/eks-netpol-audit}"
OUT="${CACHE}/agent-${VERSION}"
MODULE="github.com/aws/aws-network-policy-agent"
GO_P="${NETPOL_AUDIT_GO_P:-2}"
OBJECTS=(tc.v4ingress tc.v4egress tc.v6ingress tc.v6egress v4events v6events)

log() { printf '[build-agent] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

STANDINS_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/test/integration/agent/standins"
STANDINS_KEY="$(cat "$STANDINS_SRC"/go.mod "$STANDINS_SRC"/go.sum "$STANDINS_SRC"/*.go | sha256sum | cut -c1-16)"
STANDINS_BIN="$OUT/node-standins-${STANDINS_KEY}"

build_standins() {
  [[ -x "$STANDINS_BIN" ]] && return 0
  rm -f "$OUT"/node-standins-* # builds of earlier sources
  CGO_ENABLED=0 GOFLAGS="-mod=readonly -p=${GO_P}" nice -n 19 go -C "$STANDINS_SRC" build -trimpath -o "${STANDINS_BIN}.partial" . ||
    die "go build of $STANDINS_SRC failed"
  mv "${STANDINS_BIN}.partial" "$STANDINS_BIN"
  log "node stand-ins built -> $STANDINS_BIN"
}

complete() {
  [[ -x "$STANDINS_BIN" ]] || return 1
  [[ -x "$OUT/aws-network-policy-agent" ]] || return 1
  local obj
  for obj in "${OBJECTS[@]}"; do [[ -s "$OUT/${obj}.bpf.o" ]] || return 1; done
}

if [[ "${1:-}" == --check ]]; then
  printf 'DIR=%s\nAGENT=%s\nSTANDINS=%s\n' "$OUT" "$OUT/aws-network-policy-agent" "$STANDINS_BIN"
  complete || die "agent ${VERSION} or the node stand-ins are not built in $OUT: run scripts/build-agent.sh (as root)"
  exit 0
fi
[[ $# -eq 0 ]] || die "usage: $0 [--check]"

mkdir -p "$OUT"
command -v go >/dev/null 2>&1 || die "go is not on PATH (need Go >= 1.26)"
build_standins

if complete; then
  log "agent ${VERSION}: already built ($OUT)"
  exit 0
fi

for tool in clang bpftool; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH (run scripts/install-node-test-deps.sh; Go >= 1.26)"
done
[[ -r /sys/kernel/btf/vmlinux ]] || die "/sys/kernel/btf/vmlinux is not readable: the kernel has no BTF (CONFIG_DEBUG_INFO_BTF)"

started=$(date +%s)
source_dir="$(go mod download -json "${MODULE}@${VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -d "$source_dir/pkg/ebpf/c" ]] || die "go mod download ${MODULE}@${VERSION} gave no source dir with pkg/ebpf/c"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$source_dir"/pkg/ebpf/c/*.bpf.c "$source_dir"/pkg/ebpf/c/*.h "$work/"
bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$work/vmlinux.h" || die "bpftool btf dump file /sys/kernel/btf/vmlinux format c failed"

target_arch="$(uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')"
for obj in "${OBJECTS[@]}"; do
  clang -I"$work" -g -O2 -Wall -fpie -target bpf -DCORE -D__BPF_TRACING__ -march=bpf "-D__TARGET_ARCH_${target_arch}" \
    -c "$work/${obj}.bpf.c" -o "$OUT/${obj}.bpf.o" || die "clang -target bpf -c ${obj}.bpf.c failed"
done
log "eBPF objects built: ${OBJECTS[*]}"

# The version metadata `make build-linux` injects: the agent logs it at start-up, where the collector reads it.
version_pkg="${MODULE}/pkg/version"
sdk_version="$(sed -n 's|^[[:space:]]*github.com/aws/aws-ebpf-sdk-go \(v[^ ]*\).*|\1|p' "$source_dir/go.mod")"
info_file="$(go mod download -json "${MODULE}@${VERSION}" | sed -n 's/^[[:space:]]*"Info": "\(.*\)",$/\1/p')"
build_date="$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info_file")"
ldflags="-s -w -X ${version_pkg}.GitVersion=${VERSION} -X ${version_pkg}.BuildDate=${build_date:-unknown} -X ${version_pkg}.EbpfSDKVersion=${sdk_version:-unknown}"
gobin="$work/bin"
GOBIN="$gobin" CGO_ENABLED=0 GOFLAGS="-buildvcs=false -p=${GO_P}" nice -n 19 \
  go install -trimpath -tags netgo,ebpf,core -ldflags "$ldflags" "${MODULE}@${VERSION}" ||
  die "go install -tags netgo,ebpf,core ${MODULE}@${VERSION} failed"
mv "$gobin/aws-network-policy-agent" "$OUT/aws-network-policy-agent"

complete || die "build finished but $OUT is incomplete"
log "agent ${VERSION}: built in $(( $(date +%s) - started ))s -> $OUT"

#!/usr/bin/env bash
# Builds the real-component test binaries into
#   ${NETPOL_AUDIT_CACHE:-$HOME/.cache/eks-netpol-audit}/bin/<component>-<version>
# etcd and kube-apiserver from the Go module proxy through the wrapper modules in test/integration/infra/go/<component>/;
# the AWS network policy controller (np-controller) from its read-only upstream copy
# ../shared/upstream/amazon-network-policy-controller-k8s-<tag>/ (the proxy refuses that module), keyed by the tag.
# A binary that already exists is not rebuilt.
#
# Usage: scripts/build-test-components.sh [component ...]   (default: etcd kube-apiserver np-controller)
# Env:   NETPOL_AUDIT_CACHE    cache root (outside the repository)
#        NETPOL_AUDIT_UPSTREAM_DIR  upstream sources (default ../shared/upstream next to the repository)
#        NETPOL_AUDIT_GO_P     go build -p value (default 2; the machines have 2 cores)
#        NETPOL_AUDIT_NICE     nice level for go (default 19)
# Exit:  0 when every requested binary exists afterwards, 1 otherwise (each failure is named).
set -euo pipefail

# shellcheck source=scripts/lib/test-components.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/test-components.sh"

GO_P="${NETPOL_AUDIT_GO_P:-2}"
NICE="${NETPOL_AUDIT_NICE:-19}"
BUILD_ROOT="${NETPOL_AUDIT_CACHE}/build"
LOG_DIR="${NETPOL_AUDIT_CACHE}/logs"

log() { printf '[build-test-components] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH (need Go >= 1.26; Debian's golang-go 1.19 is too old)"
go_minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
[[ "$go_minor" =~ ^[0-9]+$ && "$go_minor" -ge 26 ]] || die "Go $(go env GOVERSION) found, need >= go1.26"

components=("$@")
[[ ${#components[@]} -gt 0 ]] || read -r -a components <<<"$NETPOL_AUDIT_ALL_COMPONENTS"

mkdir -p "$NETPOL_AUDIT_BIN_DIR" "$BUILD_ROOT" "$LOG_DIR"

ldflags_for() {
  local component="$1" version="$2"
  case "$component" in
    kube-apiserver)
      local minor
      minor="$(echo "$version" | cut -d. -f2)"
      echo "-s -w -X k8s.io/component-base/version.gitVersion=${version} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor} -X k8s.io/component-base/version.gitTreeState=clean"
      ;;
    *) echo "-s -w" ;;
  esac
}

# The controller from its upstream source tree: `go build ./cmd/` inside it, the binary written to the cache.
build_controller_from_source() {
  local version="$1" out="$2" logf="$3" src
  src="$(controller_source_dir)"
  [[ -f "$src/go.mod" && -f "$src/go.sum" && -d "$src/cmd" ]] || {
    log "FAILED: np-controller ${version}: upstream source not found at $src (need go.mod, go.sum and cmd/; see ../shared/upstream/README.md)"
    return 1
  }
  log "np-controller ${version}: building ./cmd/ in $src; log: $logf"
  (cd "$src" && nice -n "$NICE" env CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -p=${GO_P} -mod=readonly" \
    go build -trimpath -ldflags "-s -w" -o "${out}.partial" ./cmd/) >"$logf" 2>&1 || {
    log "FAILED: np-controller ${version} (go build ./cmd/ in $src). Last log lines:"
    tail -n 15 "$logf" | sed 's/^/    /' >&2
    rm -f "${out}.partial"
    return 1
  }
}

build_one() {
  local component="$1" version module pkg out work logf started elapsed
  version="$(component_version "$component")" || return 1
  read -r module pkg <<<"$(component_module "$component")"
  out="${NETPOL_AUDIT_BIN_DIR}/${component}-${version}"
  if [[ -x "$out" ]]; then
    log "${component} ${version}: already built ($out)"
    return 0
  fi
  if [[ "$component" == np-controller ]]; then
    started=$(date +%s)
    build_controller_from_source "$version" "$out" "${LOG_DIR}/build-${component}-${version}.log" || return 1
    mv "${out}.partial" "$out"
    log "${component} ${version}: built in $(( $(date +%s) - started ))s -> $out ($(du -h "$out" | cut -f1))"
    BUILT+=("${component}-${version} $(( $(date +%s) - started ))s")
    return 0
  fi
  work="${BUILD_ROOT}/${component}-${version}"
  logf="${LOG_DIR}/build-${component}-${version}.log"
  rm -rf "$work" && mkdir -p "$work"
  cp "${NETPOL_AUDIT_WRAPPER_DIR}/${component}/go.mod" "$work/"
  [[ -f "${NETPOL_AUDIT_WRAPPER_DIR}/${component}/go.sum" ]] && cp "${NETPOL_AUDIT_WRAPPER_DIR}/${component}/go.sum" "$work/"

  log "${component} ${version}: building ${pkg} (module ${module}); log: $logf"
  started=$(date +%s)
  # (set -e is inactive inside an `||` list, hence the explicit && chain)
  {
    if [[ ! -f "$work/go.sum" ]]; then
      echo "go.sum not committed for ${component}: resolving with go mod tidy"
      nice -n "$NICE" go -C "$work" mod tidy
    fi &&
      nice -n "$NICE" env CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -p=${GO_P} -mod=readonly" \
        go -C "$work" build -trimpath -ldflags "$(ldflags_for "$component" "$version")" -o "${out}.partial" "$pkg"
  } >"$logf" 2>&1 || {
    elapsed=$(( $(date +%s) - started ))
    log "FAILED: ${component} ${version} (module ${module}@${version}, package ${pkg}) after ${elapsed}s. Last log lines:"
    tail -n 15 "$logf" | sed 's/^/    /' >&2
    if grep -qE '403 Forbidden|not available|unknown revision|404 Not Found|410 Gone' "$logf"; then
      log "  -> a module is not served by the Go module proxy (see the lines above); change the version in ${NETPOL_AUDIT_WRAPPER_DIR}/${component}/go.mod"
    fi
    rm -f "${out}.partial"
    return 1
  }
  mv "${out}.partial" "$out"
  elapsed=$(( $(date +%s) - started ))
  log "${component} ${version}: built in ${elapsed}s -> $out ($(du -h "$out" | cut -f1))"
  BUILT+=("${component}-${version} ${elapsed}s")
}

BUILT=()
FAILED=()
total_started=$(date +%s)
for c in "${components[@]}"; do
  build_one "$c" || FAILED+=("$c")
done

log "summary: built ${#BUILT[@]} (${BUILT[*]:-none}), total $(( $(date +%s) - total_started ))s; cache $(du -sh "$NETPOL_AUDIT_CACHE" | cut -f1) at $NETPOL_AUDIT_CACHE"
if [[ ${#FAILED[@]} -gt 0 ]]; then
  log "ERROR: missing binaries for: ${FAILED[*]}"
  exit 1
fi

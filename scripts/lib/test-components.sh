# shellcheck shell=bash
# Shared by build-test-components.sh and test-cluster.sh: where the real-component test binaries live.
# Versions of etcd and kube-apiserver come from the committed wrapper modules under
# test/integration/infra/go/<component>/go.mod. The network policy controller is not served by the Go module proxy:
# it is built from the read-only upstream copy ../shared/upstream/amazon-network-policy-controller-k8s-<tag>/.

NETPOL_AUDIT_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NETPOL_AUDIT_CACHE="${NETPOL_AUDIT_CACHE:-${HOME}/.cache/eks-netpol-audit}"
NETPOL_AUDIT_BIN_DIR="${NETPOL_AUDIT_CACHE}/bin"
NETPOL_AUDIT_WRAPPER_DIR="${NETPOL_AUDIT_REPO_ROOT}/test/integration/infra/go"
NETPOL_AUDIT_ALL_COMPONENTS="etcd kube-apiserver np-controller"
NETPOL_AUDIT_UPSTREAM_DIR="${NETPOL_AUDIT_UPSTREAM_DIR:-${NETPOL_AUDIT_REPO_ROOT}/../shared/upstream}"
NETPOL_AUDIT_CONTROLLER_TAG="v1.1.7"

# The upstream source tree of the controller (read-only; its CRDs are under config/crd/bases/).
controller_source_dir() {
  echo "${NETPOL_AUDIT_UPSTREAM_DIR}/amazon-network-policy-controller-k8s-${NETPOL_AUDIT_CONTROLLER_TAG}"
}

# component -> "<module> <main package>"
component_module() {
  case "$1" in
    etcd) echo "go.etcd.io/etcd/server/v3 go.etcd.io/etcd/server/v3" ;;
    kube-apiserver) echo "k8s.io/kubernetes k8s.io/kubernetes/cmd/kube-apiserver" ;;
    np-controller) echo "github.com/aws/amazon-network-policy-controller-k8s ./cmd/" ;;
    *) echo "unknown component '$1' (known: ${NETPOL_AUDIT_ALL_COMPONENTS})" >&2; return 1 ;;
  esac
}

# Version required by the wrapper go.mod (single source of truth); the controller's is the tag of its upstream copy.
component_version() {
  local module gomod version
  if [[ "$1" == np-controller ]]; then
    echo "$NETPOL_AUDIT_CONTROLLER_TAG"
    return 0
  fi
  module="$(component_module "$1" | cut -d' ' -f1)" || return 1
  gomod="${NETPOL_AUDIT_WRAPPER_DIR}/$1/go.mod"
  [[ -f "$gomod" ]] || { echo "missing wrapper module $gomod" >&2; return 1; }
  version="$(awk -v m="$module" '$1 == "require" && $2 == m { print $3; exit } $1 == m && $2 ~ /^v/ { print $2; exit }' "$gomod")"
  [[ -n "$version" ]] || { echo "no 'require $module' in $gomod" >&2; return 1; }
  echo "$version"
}

component_bin() {
  local version
  version="$(component_version "$1")" || return 1
  echo "${NETPOL_AUDIT_BIN_DIR}/$1-${version}"
}

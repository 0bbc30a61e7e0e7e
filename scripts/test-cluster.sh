#!/usr/bin/env bash
# Local real-component test cluster: etcd + kube-apiserver (RBAC, token auth) + AWS network policy controller,
# all on 127.0.0.1, no kubelet / scheduler / controller-manager. Binaries come from build-test-components.sh.
#
# Usage:
#   scripts/test-cluster.sh start [--state-dir DIR]   prints the env file path (only stdout line)
#   scripts/test-cluster.sh stop  [--state-dir DIR]   kills what start started (pid files), removes DIR
#   scripts/test-cluster.sh status [--state-dir DIR]
# Without --state-dir, start uses NETPOL_AUDIT_STATE_DIR or a fresh mktemp dir and records it in
# $NETPOL_AUDIT_CACHE/run/last-state-dir, which stop/status use by default.
#
# Env:
#   NETPOL_AUDIT_CACHE             binary cache root (default ~/.cache/eks-netpol-audit)
#   NETPOL_AUDIT_CONTROLLER        required (default) | auto (run it when built, else install the
#                                  controller's own PolicyEndpoint CRD from its upstream config/crd/bases/) | off
#   NETPOL_AUDIT_CONTROLLER_ARGS   extra controller flags, e.g. "--endpoint-chunk-size=3"
#   NETPOL_AUDIT_APISERVER_ARGS    extra kube-apiserver flags, e.g. "--authentication-token-webhook-config-file=F"
#   NETPOL_AUDIT_START_TIMEOUT     seconds per wait step (default 90)
#   NETPOL_AUDIT_SERVICE_CIDR_REQUEST  service CIDR (default 10.100.0.0/16), e.g. to load a snapshot whose
#                                  Services have ClusterIPs from another range
#
# The env file (<state-dir>/cluster.env, KEY=VALUE lines, shell-sourceable) contains:
#   NETPOL_AUDIT_STATE_DIR, NETPOL_AUDIT_APISERVER_URL, NETPOL_AUDIT_CA_FILE,
#   NETPOL_AUDIT_ADMIN_KUBECONFIG, NETPOL_AUDIT_AUDITOR_KUBECONFIG, NETPOL_AUDIT_OUTSIDER_KUBECONFIG,
#   NETPOL_AUDIT_ADMIN_TOKEN_FILE,
#   NETPOL_AUDIT_AUDITOR_TOKEN_FILE, NETPOL_AUDIT_AUDITOR_GROUP, NETPOL_AUDIT_KUBE_VERSION,
#   NETPOL_AUDIT_ETCD_URL, NETPOL_AUDIT_CONTROLLER (running|absent), NETPOL_AUDIT_CONTROLLER_VERSION,
#   NETPOL_AUDIT_CONTROLLER_HEALTH_URL, NETPOL_AUDIT_CONTROLLER_METRICS_URL, NETPOL_AUDIT_SERVICE_CIDR
set -euo pipefail

# shellcheck source=scripts/lib/test-components.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/test-components.sh"

RUN_DIR="${NETPOL_AUDIT_CACHE}/run"
LAST_STATE_POINTER="${RUN_DIR}/last-state-dir"
TIMEOUT="${NETPOL_AUDIT_START_TIMEOUT:-90}"
CONTROLLER_MODE="${NETPOL_AUDIT_CONTROLLER:-required}"
SERVICE_CIDR="${NETPOL_AUDIT_SERVICE_CIDR_REQUEST:-10.100.0.0/16}"
AUDITOR_GROUP="netpol-audit:auditors"
PE_CRD="policyendpoints.networking.k8s.aws"
# Without the running controller (which creates its embedded CRDs), its own CRD from the read-only upstream copy.
FALLBACK_CRD="$(controller_source_dir)/config/crd/bases/networking.k8s.aws_policyendpoints.yaml"

log() { printf '[test-cluster] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() { sed -n '2,12p' "$0" >&2; exit 2; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

# kube API call with the admin token: api METHOD PATH [JSON-BODY] [CONTENT-TYPE]
api() {
  local method="$1" path="$2" body="${3:-}" ctype="${4:-application/json}"
  local args=(-sS --fail-with-body --max-time 20 --cacert "$STATE/pki/ca.crt"
    -H "Authorization: Bearer $(cat "$STATE/auth/admin.token")" -X "$method")
  [[ -n "$body" ]] && args+=(-H "Content-Type: ${ctype}" --data-binary "$body")
  curl "${args[@]}" "${APISERVER_URL}${path}"
}

# YAML (multi-document) -> one JSON object per line, using the repository's `yaml` package.
yaml_to_json_lines() {
  (cd "$NETPOL_AUDIT_REPO_ROOT" && node -e '
    const { parseAllDocuments } = require("yaml");
    const text = require("fs").readFileSync(process.argv[1], "utf8");
    for (const d of parseAllDocuments(text)) { const o = d.toJS(); if (o) console.log(JSON.stringify(o)); }
  ' "$1")
}

wait_until() { # wait_until PROCESS-NAME|"" DESCRIPTION COMMAND...  (gives up early when PROCESS dies)
  local proc="$1" what="$2" deadline=$(( $(date +%s) + TIMEOUT ))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$proc" ]] && ! process_alive "$proc"; then
      log "${proc} exited while waiting for ${what}; last log lines:"
      tail -n 30 "$STATE/logs/${proc}.log" >&2
      return 1
    fi
    if [[ $(date +%s) -ge $deadline ]]; then
      log "timed out after ${TIMEOUT}s waiting for ${what}"
      [[ -z "$proc" ]] || tail -n 30 "$STATE/logs/${proc}.log" >&2
      return 1
    fi
    sleep 0.5
  done
}

start_process() { # start_process NAME BINARY ARGS...
  local name="$1"
  shift
  setsid nohup "$@" >"$STATE/logs/${name}.log" 2>&1 < /dev/null &
  echo $! >"$STATE/pids/${name}.pid"
  log "started ${name} (pid $!), log $STATE/logs/${name}.log"
}

process_alive() { local pid; pid="$(cat "$STATE/pids/$1.pid" 2>/dev/null)" && kill -0 "$pid" 2>/dev/null; }

resolve_state_dir() { # resolve_state_dir CMD [--state-dir DIR]
  if [[ "${1:-}" == "--state-dir" ]]; then
    [[ -n "${2:-}" ]] || usage
    STATE="$2"
  elif [[ -n "${NETPOL_AUDIT_STATE_DIR:-}" ]]; then
    STATE="$NETPOL_AUDIT_STATE_DIR"
  elif [[ "$CMD" == start ]]; then
    STATE="$(mktemp -d /tmp/eks-netpol-audit-cluster.XXXXXX)"
  elif [[ -f "$LAST_STATE_POINTER" ]]; then
    STATE="$(cat "$LAST_STATE_POINTER")"
  else
    die "no --state-dir given and no last started cluster recorded in $LAST_STATE_POINTER"
  fi
}

write_pki_and_auth() {
  mkdir -p "$STATE/pki" "$STATE/auth"
  (
    cd "$STATE/pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 \
      -subj "/CN=eks-netpol-audit-test-ca" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
      -subj "/CN=kube-apiserver" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile apiserver.ext -out apiserver.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
  openssl rand -hex 32 >"$STATE/auth/admin.token"
  openssl rand -hex 32 >"$STATE/auth/auditor.token"
  openssl rand -hex 32 >"$STATE/auth/outsider.token"
  chmod 0600 "$STATE"/auth/*.token "$STATE"/pki/*.key
  {
    printf '%s,admin,uid-admin,"system:masters"\n' "$(cat "$STATE/auth/admin.token")"
    printf '%s,auditor,uid-auditor,"%s"\n' "$(cat "$STATE/auth/auditor.token")" "$AUDITOR_GROUP"
    # authenticated, in no group of its own: what an identity without the audit binding can read
    printf '%s,outsider,uid-outsider\n' "$(cat "$STATE/auth/outsider.token")"
  } >"$STATE/auth/tokens.csv"
  chmod 0600 "$STATE/auth/tokens.csv"
}

write_kubeconfig() { # write_kubeconfig USER
  local user="$1" ca_data
  ca_data="$(base64 -w0 <"$STATE/pki/ca.crt")"
  cat >"$STATE/${user}.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: netpol-audit-test
    cluster:
      server: ${APISERVER_URL}
      certificate-authority-data: ${ca_data}
users:
  - name: ${user}
    user:
      token: $(cat "$STATE/auth/${user}.token")
contexts:
  - name: ${user}@netpol-audit-test
    context:
      cluster: netpol-audit-test
      user: ${user}
current-context: ${user}@netpol-audit-test
EOF
  chmod 0600 "$STATE/${user}.kubeconfig"
}

crd_established() {
  api GET "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${PE_CRD}" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=(JSON.parse(s).status?.conditions??[]).find(x=>x.type==="Established");process.exit(c?.status==="True"?0:1);});'
}

install_fallback_crd() {
  local line
  [[ -f "$FALLBACK_CRD" ]] || die "the controller's PolicyEndpoint CRD is missing: $FALLBACK_CRD (see ../shared/upstream/README.md)"
  log "installing the controller's PolicyEndpoint CRD ($FALLBACK_CRD)"
  while IFS= read -r line; do
    api POST /apis/apiextensions.k8s.io/v1/customresourcedefinitions "$line" >/dev/null
  done < <(yaml_to_json_lines "$FALLBACK_CRD")
}

cmd_start() {
  local started etcd_bin kas_bin ctl_bin="" etcd_port etcd_peer kas_port ctl_metrics ctl_health kube_version ctl_version=""
  started=$(date +%s)
  command -v openssl >/dev/null || die "openssl not found (needed for certificates and tokens)"
  command -v curl >/dev/null || die "curl not found"
  command -v node >/dev/null || die "node not found"
  etcd_bin="$(component_bin etcd)"
  kas_bin="$(component_bin kube-apiserver)"
  [[ -x "$etcd_bin" ]] || die "etcd binary missing: $etcd_bin (run scripts/build-test-components.sh)"
  [[ -x "$kas_bin" ]] || die "kube-apiserver binary missing: $kas_bin (run scripts/build-test-components.sh)"
  case "$CONTROLLER_MODE" in
    required | auto | off) ;;
    *) die "NETPOL_AUDIT_CONTROLLER must be required, auto or off (got '$CONTROLLER_MODE')" ;;
  esac
  if [[ "$CONTROLLER_MODE" != off ]]; then
    ctl_bin="$(component_bin np-controller)"
    ctl_version="$(component_version np-controller)"
    if [[ ! -x "$ctl_bin" ]]; then
      [[ "$CONTROLLER_MODE" == required ]] &&
        die "network policy controller binary missing: $ctl_bin (run scripts/build-test-components.sh np-controller, or set NETPOL_AUDIT_CONTROLLER=auto|off)"
      log "WARNING: controller binary $ctl_bin missing; starting WITHOUT the controller (no PolicyEndpoints will be produced)"
      ctl_bin=""
    fi
  fi

  mkdir -p "$STATE"/{logs,pids,etcd-data} "$RUN_DIR"
  [[ -z "$(ls -A "$STATE/pids")" ]] || die "$STATE already has running processes (pid files); stop it first"
  echo "$STATE" >"$LAST_STATE_POINTER"
  START_OK=0
  trap 'if [[ $START_OK != 1 ]]; then log "start failed; stopping what was started, keeping $STATE for its logs"; NETPOL_AUDIT_KEEP_STATE=1 cmd_stop || true; fi' EXIT

  write_pki_and_auth
  etcd_port="$(free_port)"
  etcd_peer="$(free_port)"
  kas_port="$(free_port)"
  APISERVER_URL="https://127.0.0.1:${kas_port}"

  start_process etcd "$etcd_bin" --name default --data-dir "$STATE/etcd-data" \
    --listen-client-urls "http://127.0.0.1:${etcd_port}" --advertise-client-urls "http://127.0.0.1:${etcd_port}" \
    --listen-peer-urls "http://127.0.0.1:${etcd_peer}" --initial-advertise-peer-urls "http://127.0.0.1:${etcd_peer}" \
    --initial-cluster "default=http://127.0.0.1:${etcd_peer}" --unsafe-no-fsync --log-level warn
  wait_until etcd "etcd /health" curl -sf --max-time 2 "http://127.0.0.1:${etcd_port}/health"

  # shellcheck disable=SC2086 # NETPOL_AUDIT_APISERVER_ARGS is a flag list
  start_process kube-apiserver "$kas_bin" \
    --etcd-servers "http://127.0.0.1:${etcd_port}" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$kas_port" \
    --tls-cert-file "$STATE/pki/apiserver.crt" --tls-private-key-file "$STATE/pki/apiserver.key" \
    --cert-dir "$STATE/pki" \
    --token-auth-file "$STATE/auth/tokens.csv" \
    --authorization-mode RBAC \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --service-account-issuer "https://127.0.0.1:${kas_port}" \
    --service-account-key-file "$STATE/pki/sa.pub" \
    --service-account-signing-key-file "$STATE/pki/sa.key" \
    --disable-admission-plugins ServiceAccount \
    --endpoint-reconciler-type none \
    --allow-privileged=true --profiling=false \
    ${NETPOL_AUDIT_APISERVER_ARGS:-}
  wait_until kube-apiserver "kube-apiserver /readyz" api GET /readyz
  kube_version="$(api GET /version | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).gitVersion))')"
  log "kube-apiserver ${kube_version} ready at ${APISERVER_URL} after $(( $(date +%s) - started ))s"

  write_kubeconfig admin
  write_kubeconfig auditor
  write_kubeconfig outsider

  local controller_state=absent health_url="" metrics_url=""
  if [[ -n "$ctl_bin" ]]; then
    ctl_metrics="$(free_port)"
    ctl_health="$(free_port)"
    health_url="http://127.0.0.1:${ctl_health}"
    metrics_url="http://127.0.0.1:${ctl_metrics}/metrics"
    # shellcheck disable=SC2086 # NETPOL_AUDIT_CONTROLLER_ARGS is a flag list
    start_process np-controller "$ctl_bin" --kubeconfig "$STATE/admin.kubeconfig" \
      --enable-configmap-check=false --enable-leader-election=false \
      --metrics-bind-addr "127.0.0.1:${ctl_metrics}" --health-probe-bind-addr "127.0.0.1:${ctl_health}" \
      ${NETPOL_AUDIT_CONTROLLER_ARGS:-}
    wait_until np-controller "PolicyEndpoint CRD Established (created by the controller)" crd_established
    wait_until np-controller "controller /readyz" curl -sf --max-time 2 "${health_url}/readyz"
    controller_state=running
  else
    install_fallback_crd
    wait_until kube-apiserver "PolicyEndpoint CRD Established" crd_established
  fi

  cat >"$STATE/cluster.env" <<EOF
NETPOL_AUDIT_STATE_DIR=$STATE
NETPOL_AUDIT_APISERVER_URL=$APISERVER_URL
NETPOL_AUDIT_CA_FILE=$STATE/pki/ca.crt
NETPOL_AUDIT_ADMIN_KUBECONFIG=$STATE/admin.kubeconfig
NETPOL_AUDIT_AUDITOR_KUBECONFIG=$STATE/auditor.kubeconfig
NETPOL_AUDIT_OUTSIDER_KUBECONFIG=$STATE/outsider.kubeconfig
NETPOL_AUDIT_ADMIN_TOKEN_FILE=$STATE/auth/admin.token
NETPOL_AUDIT_AUDITOR_TOKEN_FILE=$STATE/auth/auditor.token
NETPOL_AUDIT_AUDITOR_GROUP=$AUDITOR_GROUP
NETPOL_AUDIT_KUBE_VERSION=$kube_version
NETPOL_AUDIT_SERVICE_CIDR=$SERVICE_CIDR
NETPOL_AUDIT_ETCD_URL=http://127.0.0.1:${etcd_port}
NETPOL_AUDIT_CONTROLLER=$controller_state
NETPOL_AUDIT_CONTROLLER_VERSION=$( [[ $controller_state == running ]] && echo "$ctl_version" )
NETPOL_AUDIT_CONTROLLER_HEALTH_URL=$health_url
NETPOL_AUDIT_CONTROLLER_METRICS_URL=$metrics_url
EOF
  START_OK=1
  log "cluster ready in $(( $(date +%s) - started ))s (controller: ${controller_state}); env file: $STATE/cluster.env"
  echo "$STATE/cluster.env"
}

cmd_stop() {
  local name pid
  [[ -d "$STATE" ]] || { log "nothing to stop: $STATE does not exist"; return 0; }
  for name in np-controller kube-apiserver etcd; do
    [[ -f "$STATE/pids/${name}.pid" ]] || continue
    pid="$(cat "$STATE/pids/${name}.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      if kill -0 "$pid" 2>/dev/null; then
        log "${name} (pid ${pid}) ignored SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      log "stopped ${name} (pid ${pid})"
    fi
    rm -f "$STATE/pids/${name}.pid"
  done
  if [[ "${NETPOL_AUDIT_KEEP_STATE:-}" == 1 ]]; then
    log "keeping $STATE (NETPOL_AUDIT_KEEP_STATE=1)"
  else
    rm -rf "$STATE"
  fi
  if [[ -f "$LAST_STATE_POINTER" && "$(cat "$LAST_STATE_POINTER")" == "$STATE" ]]; then rm -f "$LAST_STATE_POINTER"; fi
}

cmd_status() {
  local name rc=0
  for name in etcd kube-apiserver np-controller; do
    if [[ -f "$STATE/pids/${name}.pid" ]]; then
      if process_alive "$name"; then log "${name}: running (pid $(cat "$STATE/pids/${name}.pid"))"; else log "${name}: DEAD"; rc=1; fi
    fi
  done
  [[ -f "$STATE/cluster.env" ]] && echo "$STATE/cluster.env"
  return $rc
}

CMD="${1:-}"
[[ -n "$CMD" ]] || usage
shift
resolve_state_dir "$@"
case "$CMD" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac

#!/usr/bin/env bash
# Smoke check of a cluster started by scripts/test-cluster.sh (curl + admin token, no kubectl):
# namespace, two pods with IPs set through the status subresource, a NetworkPolicy, then
#  - controller running: waits for its PolicyEndpoint and checks podSelectorEndpoints + ingress;
#  - controller absent: creates a PolicyEndpoint by hand to prove the CRD is served.
# Also checks RBAC: the auditor authenticates but may not list pods (no binding yet).
# Usage: scripts/smoke-test-cluster.sh <cluster.env>
set -euo pipefail

ENV_FILE="${1:?usage: $0 <cluster.env>}"
# shellcheck disable=SC1090
source "$ENV_FILE"
NS="smoke-$(date +%s)"
TIMEOUT="${NETPOL_AUDIT_SMOKE_TIMEOUT:-60}"

log() { printf '[smoke] %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

BODY_FILE="$(mktemp)"
trap 'rm -f "$BODY_FILE"' EXIT

call() { # call TOKEN_FILE METHOD PATH [BODY] [CONTENT-TYPE] -> body in $BODY_FILE, status in $HTTP_CODE
  local token_file="$1" method="$2" path="$3" body="${4:-}" ctype="${5:-application/json}"
  local args=(-sS --max-time 20 --cacert "$NETPOL_AUDIT_CA_FILE" -H "Authorization: Bearer $(cat "$token_file")"
    -X "$method" -o "$BODY_FILE" -w '%{http_code}')
  [[ -n "$body" ]] && args+=(-H "Content-Type: ${ctype}" --data-binary "$body")
  HTTP_CODE="$(curl "${args[@]}" "${NETPOL_AUDIT_APISERVER_URL}${path}")"
}
admin() { # admin METHOD PATH [BODY] [CONTENT-TYPE] -> prints the response body, fails on non-2xx
  call "$NETPOL_AUDIT_ADMIN_TOKEN_FILE" "$@"
  [[ "$HTTP_CODE" =~ ^2 ]] || fail "$1 $2 -> HTTP $HTTP_CODE: $(cat "$BODY_FILE")"
  cat "$BODY_FILE"
}
js() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const o=JSON.parse(s);$1})"; }

admin POST /api/v1/namespaces "{\"metadata\":{\"name\":\"$NS\",\"labels\":{\"team\":\"smoke\"}}}" >/dev/null
for p in "web 10.244.1.10 192.0.2.11" "client 10.244.1.20 192.0.2.12"; do
  read -r name ip host <<<"$p"
  admin POST "/api/v1/namespaces/$NS/pods" "{\"metadata\":{\"name\":\"$name\",\"labels\":{\"app\":\"$name\"}},
    \"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"registry.invalid/none:1\",\"ports\":[{\"name\":\"http\",\"containerPort\":8080}]}]}}" >/dev/null
  admin PATCH "/api/v1/namespaces/$NS/pods/$name/status" \
    "{\"status\":{\"phase\":\"Running\",\"hostIP\":\"$host\",\"podIP\":\"$ip\",\"podIPs\":[{\"ip\":\"$ip\"}]}}" \
    application/merge-patch+json >/dev/null
done
got_ip="$(admin GET "/api/v1/namespaces/$NS/pods/web" | js 'console.log(o.status.podIP)')"
[[ "$got_ip" == 10.244.1.10 ]] || fail "pod IP not stored through the status subresource (got '$got_ip')"
log "namespace $NS with pods web (10.244.1.10) and client (10.244.1.20)"

admin POST "/apis/networking.k8s.io/v1/namespaces/$NS/networkpolicies" "{\"metadata\":{\"name\":\"allow-client\"},
  \"spec\":{\"podSelector\":{\"matchLabels\":{\"app\":\"web\"}},
  \"ingress\":[{\"from\":[{\"podSelector\":{\"matchLabels\":{\"app\":\"client\"}}}],\"ports\":[{\"port\":8080}]}]}}" >/dev/null
log "NetworkPolicy allow-client created"

PE_PATH="/apis/networking.k8s.aws/v1alpha1/namespaces/$NS/policyendpoints"
if [[ "${NETPOL_AUDIT_CONTROLLER}" == running ]]; then
  started=$(date +%s)
  until pe="$(admin GET "$PE_PATH")" && [[ "$(printf '%s' "$pe" | js 'const i=o.items[0];console.log(i && (i.spec.podSelectorEndpoints??[]).length>0 && (i.spec.ingress??[]).length>0 ? "yes":"no")')" == yes ]]; do
    [[ $(( $(date +%s) - started )) -lt $TIMEOUT ]] || fail "no complete PolicyEndpoint after ${TIMEOUT}s: $pe"
    sleep 0.5
  done
  log "controller wrote a PolicyEndpoint after $(( $(date +%s) - started ))s"
  printf '%s' "$pe" | js '
    const items=o.items; if(items.length!==1) throw new Error("expected 1 PE, got "+items.length);
    const s=items[0].spec; console.error(JSON.stringify(s));
    const pods=s.podSelectorEndpoints.map(p=>p.name+"/"+p.podIP+"/"+p.hostIP).join(",");
    if(pods!=="web/10.244.1.10/192.0.2.11") throw new Error("podSelectorEndpoints: "+pods);
    const ing=s.ingress.map(e=>e.cidr+"|"+(e.except??[]).join(";")+"|"+(e.ports??[]).map(p=>p.protocol+":"+p.port+"-"+(p.endPort??"")).join(";")).join(",");
    if(ing!=="10.244.1.20||TCP:8080-") throw new Error("ingress: "+ing);
    if(s.policyRef.name!=="allow-client") throw new Error("policyRef: "+JSON.stringify(s.policyRef));
    const owner=items[0].metadata.ownerReferences?.[0]; if(owner?.kind!=="NetworkPolicy") throw new Error("ownerReferences");'
  log "PolicyEndpoint content as expected"
else
  admin POST "$PE_PATH" "{\"apiVersion\":\"networking.k8s.aws/v1alpha1\",\"kind\":\"PolicyEndpoint\",
    \"metadata\":{\"generateName\":\"allow-client-\"},\"spec\":{\"policyRef\":{\"name\":\"allow-client\",\"namespace\":\"$NS\"},
    \"podSelector\":{\"matchLabels\":{\"app\":\"web\"}},\"podIsolation\":[\"Ingress\"],
    \"podSelectorEndpoints\":[{\"hostIP\":\"192.0.2.11\",\"podIP\":\"10.244.1.10\",\"name\":\"web\",\"namespace\":\"$NS\"}],
    \"ingress\":[{\"cidr\":\"10.244.1.20\",\"ports\":[{\"port\":8080}]}]}}" >/dev/null
  proto="$(admin GET "$PE_PATH" | js 'console.log(o.items[0].spec.ingress[0].ports[0].protocol)')"
  [[ "$proto" == TCP ]] || fail "CRD default protocol not applied (got '$proto')"
  log "controller absent: hand-written PolicyEndpoint accepted by the CRD (protocol defaulted to TCP)"
fi

call "$NETPOL_AUDIT_AUDITOR_TOKEN_FILE" GET "/api/v1/namespaces/$NS/pods"
[[ "$HTTP_CODE" == 403 ]] || fail "auditor without RBAC binding should get 403 listing pods, got $HTTP_CODE"
call "$NETPOL_AUDIT_AUDITOR_TOKEN_FILE" GET /apis/authentication.k8s.io/v1
[[ "$HTTP_CODE" == 200 ]] || fail "auditor token not accepted (HTTP $HTTP_CODE)"
log "RBAC: auditor authenticated, pods forbidden without a binding"
log "smoke test passed"

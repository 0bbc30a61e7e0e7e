#!/bin/bash
# eks-netpol-audit node collector (SSM document collect-node-policy-state, schema 2.2, aws:runShellScript).
# Read-only: reads tc filters and the aws-network-policy-agent eBPF state of this node and packs them into
#   nodes/<NodeName>/{loaded-ebpfdata.txt,maps/<id>.txt,tc/<veth>.ingress.txt,tc/<veth>.egress.txt,node.json}
# plus pins.txt (ls of the agent's pin directories) and, with IncludeAgentLog=true, agent-log-errors.txt.
# The tar.gz is PUT to UploadUrl (a presigned S3 URL) with curl. stdout: one JSON summary line; when the upload
# fails or UploadUrl is 'none', a second line `netpol-audit-bundle-base64:<base64 of the tar.gz>` if it fits in
# ~20,000 characters, else `netpol-audit-bundle-truncated:<bytes>`.
# Needs bash >= 4 and coreutils; no jq, no python. Every external command runs under `timeout`.
#
# The four parameter references right below are the ONLY places SSM substitutes parameters. Their allowedPattern
# forbids quotes, so each value stays inside its single quotes.
#
# Environment overrides, for tests only (the SSM agent sets none of them; defaults are the node's real paths):
#   NPC_NA_CLI        aws-eks-na-cli path                 (default /opt/cni/bin/aws-eks-na-cli)
#   NPC_CNI_BIN       directory with tc.v4ingress.bpf.o…  (default: the directory of NPC_NA_CLI)
#   NPC_BPF_ROOT      the agent's pin root                (default /sys/fs/bpf/globals/aws)
#   NPC_AGENT_LOG     the agent log                       (default /var/log/aws-routed-eni/network-policy-agent.log)
#   NPC_TC            tc binary                           (default tc from PATH)
#   NPC_OUT_DIR       staging directory, kept afterwards  (default: a fresh mktemp -d, removed at exit)
#   NPC_ALLOW_LOOPBACK_HTTP=1  also accept an UploadUrl of the form http://127.0.0.1:<port>/<path>
#   NPC_CMD_TIMEOUT   seconds per external command        (default 15)

# SSM may start the script with sh (dash on Ubuntu, bash in POSIX mode on Amazon Linux): re-run it with bash.
if [ -z "${BASH_VERSION:-}" ]; then
  if [ -f "$0" ] && command -v bash >/dev/null 2>&1; then
    exec bash "$0" "$@"
  fi
  echo '{"collector":"eks-netpol-audit-node","version":1,"ok":false,"error":"bash is required"}'
  exit 2
fi
set +o posix
set -o pipefail
umask 077

UPLOAD_URL='{{ UploadUrl }}'
NODE_NAME='{{ NodeName }}'
TIMEOUT_SECONDS='{{ TimeoutSeconds }}'
INCLUDE_AGENT_LOG='{{ IncludeAgentLog }}'

export LC_ALL=C
export PATH="${PATH:-/usr/bin:/bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

NA_CLI="${NPC_NA_CLI:-/opt/cni/bin/aws-eks-na-cli}"
CNI_BIN="${NPC_CNI_BIN:-$(dirname "$NA_CLI")}"
BPF_ROOT="${NPC_BPF_ROOT:-/sys/fs/bpf/globals/aws}"
AGENT_LOG="${NPC_AGENT_LOG:-/var/log/aws-routed-eni/network-policy-agent.log}"
TC_BIN="${NPC_TC:-tc}"
CMD_TIMEOUT="${NPC_CMD_TIMEOUT:-15}"
BASE64_LIMIT=20000
COLLECTOR_VERSION=1

ERRORS=()
START_EPOCH=$(date +%s)

err() {
  ERRORS+=("$*")
}

# Keeps printable ASCII only (tool output may carry anything) and JSON-escapes it. Quoted replacement strings
# behave the same in bash 4.2 (AL2) and 5.2 (AL2023).
# shellcheck disable=SC1003
json_str() {
  local s bs='\' q='"'
  s=$(printf '%s' "$1" | tr -cd '\11\12\15\40-\176')
  s=${s//"$bs"/"$bs$bs"}
  s=${s//"$q"/"$bs$q"}
  s=${s//$'\t'/"${bs}t"}
  s=${s//$'\r'/"${bs}r"}
  s=${s//$'\n'/"${bs}n"}
  printf '"%s"' "$s"
}

json_str_array() {
  local first=1 item
  printf '['
  for item in "$@"; do
    [ "$first" -eq 1 ] || printf ','
    first=0
    json_str "$item"
  done
  printf ']'
}

json_bool() {
  if [ "$1" -eq 1 ]; then printf 'true'; else printf 'false'; fi
}

die_early() {
  printf '{"collector":"eks-netpol-audit-node","version":%s,"ok":false,"error":%s}\n' "$COLLECTOR_VERSION" "$(json_str "$1")"
  exit 2
}

# ---- defence in depth: SSM already enforced allowedPattern; the script re-checks shape and character set only.
case "$NODE_NAME" in
  '' | *[!a-z0-9.-]* | [.-]* | *[.-]) die_early "NodeName is not a DNS-1123 name" ;;
esac
case "$TIMEOUT_SECONDS" in
  '' | *[!0-9]*) die_early "TimeoutSeconds is not an integer" ;;
esac
if [ "$TIMEOUT_SECONDS" -lt 30 ] || [ "$TIMEOUT_SECONDS" -gt 600 ]; then
  die_early "TimeoutSeconds must be within 30..600"
fi
case "$INCLUDE_AGENT_LOG" in
  true | false) ;;
  *) die_early "IncludeAgentLog must be true or false" ;;
esac
case "$UPLOAD_URL" in
  none) ;;
  *[!A-Za-z0-9._~%/+=\&?:-]*) die_early "UploadUrl contains a forbidden character" ;;
  https://*) ;;
  http://127.0.0.1:*/*)
    [ "${NPC_ALLOW_LOOPBACK_HTTP:-0}" = 1 ] || die_early "UploadUrl must be https (or none)"
    ;;
  *) die_early "UploadUrl must be https (or none)" ;;
esac
case "$CMD_TIMEOUT" in
  '' | *[!0-9]* | 0) die_early "NPC_CMD_TIMEOUT must be a positive integer" ;;
esac

have() {
  command -v "$1" >/dev/null 2>&1
}

have timeout || die_early "coreutils timeout not found"

# Seconds kept back for packing and uploading.
UPLOAD_RESERVE=$((TIMEOUT_SECONDS / 4))
[ "$UPLOAD_RESERVE" -ge 10 ] || UPLOAD_RESERVE=10
DEADLINE_HIT=0

remaining() {
  echo $((START_EPOCH + TIMEOUT_SECONDS - $(date +%s)))
}

# Sets STEP_T to the timeout for the next collection command; fails once the collection budget is spent.
# (Not called in a subshell: it records the deadline in globals.)
STEP_T=0
step_timeout() {
  local left
  left=$(($(remaining) - UPLOAD_RESERVE))
  if [ "$left" -le 0 ]; then
    if [ "$DEADLINE_HIT" -eq 0 ]; then
      DEADLINE_HIT=1
      err "time budget of ${TIMEOUT_SECONDS}s spent: collection stopped early, the bundle is incomplete"
    fi
    return 1
  fi
  [ "$left" -lt "$CMD_TIMEOUT" ] || left=$CMD_TIMEOUT
  STEP_T=$left
}

# run_to FILE LABEL CMD...: runs CMD with a timeout, stdout to FILE; records stderr and failures in ERRORS.
run_to() {
  local out="$1" label="$2" t rc errtext
  shift 2
  step_timeout || return 1
  t=$STEP_T
  timeout -k 2 "$t" "$@" >"$out" 2>"$WORK/stderr.tmp"
  rc=$?
  errtext=$(head -c 300 "$WORK/stderr.tmp" | tr '\n' ' ')
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    err "$label: timed out after ${t}s"
  elif [ "$rc" -ne 0 ]; then
    err "$label: exit $rc${errtext:+: $errtext}"
  fi
  return "$rc"
}

# ---- staging area
if [ -n "${NPC_OUT_DIR:-}" ]; then
  WORK="$NPC_OUT_DIR"
  mkdir -p "$WORK" || die_early "cannot create NPC_OUT_DIR"
else
  WORK=$(mktemp -d /tmp/netpol-audit-node.XXXXXXXX) || die_early "mktemp failed"
  trap 'rm -rf "$WORK"' EXIT
fi
NODE_DIR="$WORK/nodes/$NODE_NAME"
rm -rf "$WORK/nodes" "$WORK/bundle.tar.gz"
mkdir -p "$NODE_DIR/maps" "$NODE_DIR/tc" || die_early "cannot create the staging directory"

# ---- node facts
KERNEL=$(uname -r 2>/dev/null || echo unknown)
OS_NAME=unknown
if [ -r /etc/os-release ]; then
  OS_NAME=$(sed -n 's/^PRETTY_NAME=//p' /etc/os-release | head -n 1 | tr -d '"')
  [ -n "$OS_NAME" ] || OS_NAME=unknown
fi
COLLECTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)

BPFFS_MOUNTS=()
while IFS= read -r line; do
  [ -n "$line" ] && BPFFS_MOUNTS+=("$line")
done <<<"$(awk '$3 == "bpf" {print $1" "$2" "$3" "$4}' /proc/mounts 2>/dev/null)"
[ "${#BPFFS_MOUNTS[@]}" -gt 0 ] || err "no bpffs mounted (/proc/mounts has no bpf filesystem)"

HAVE_CLI=0
[ -x "$NA_CLI" ] && HAVE_CLI=1
HAVE_TC=0
have "$TC_BIN" && HAVE_TC=1
HAVE_IP=0
have ip && HAVE_IP=1
HAVE_CURL=0
have curl && HAVE_CURL=1
HAVE_CRICTL=0
have crictl && HAVE_CRICTL=1
HAVE_APICLIENT=0
have apiclient && HAVE_APICLIENT=1

if [ "$HAVE_APICLIENT" -eq 1 ]; then
  err "Bottlerocket control container detected (apiclient present): host tc and eBPF state are not visible here; use the kubectl-exec collector"
fi
if [ "$HAVE_CLI" -eq 0 ]; then
  err "aws-eks-na-cli not found at $NA_CLI: network policy was never enabled on this node, or this is not the host (e.g. the Bottlerocket control container)"
fi
if [ "$HAVE_TC" -eq 0 ]; then
  err "tc not found: tc filters not collected"
fi

IP_FAMILY=unknown
if [ -e "$CNI_BIN/tc.v4ingress.bpf.o" ]; then
  IP_FAMILY=ipv4
elif [ -e "$CNI_BIN/tc.v6ingress.bpf.o" ]; then
  IP_FAMILY=ipv6
fi

# ---- pins
PIN_PROGRAMS=0
PIN_MAPS=0
if [ -d "$BPF_ROOT" ]; then
  if run_to "$NODE_DIR/pins.txt" "ls $BPF_ROOT" ls -1 "$BPF_ROOT/programs/" "$BPF_ROOT/maps/"; then :; fi
  PIN_PROGRAMS=$(find "$BPF_ROOT/programs" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l | tr -d ' ')
  PIN_MAPS=$(find "$BPF_ROOT/maps" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l | tr -d ' ')
else
  err "pin directory $BPF_ROOT not found"
fi

# ---- agent version: the running container's image tag, else the agent log's start line
AGENT_VERSION=unknown
AGENT_VERSION_SOURCE=none
if [ "$HAVE_CRICTL" -eq 1 ] && step_timeout; then
  cid=$(timeout -k 2 "$STEP_T" crictl ps --name aws-eks-nodeagent -q 2>/dev/null | head -n 1)
  if [ -n "$cid" ] && step_timeout; then
    v=$(timeout -k 2 "$STEP_T" crictl inspect "$cid" 2>/dev/null |
      grep -o 'aws-network-policy-agent:v[0-9A-Za-z._-]*' | head -n 1 | sed 's/^.*://')
    if [ -n "$v" ]; then
      AGENT_VERSION=$v
      AGENT_VERSION_SOURCE=container-image
    fi
  fi
fi
if [ "$AGENT_VERSION" = unknown ] && [ -r "$AGENT_LOG" ] && step_timeout; then
  v=$(timeout -k 2 "$STEP_T" grep -o 'Starting network policy agent: [^ ",]*' "$AGENT_LOG" 2>/dev/null |
    tail -n 1 | sed 's/^Starting network policy agent: //')
  if [ -n "$v" ]; then
    AGENT_VERSION=$v
    AGENT_VERSION_SOURCE=agent-log
  fi
fi

# ---- host veths and their tc filters
# Host veth names are eni|vlan + 11 hex characters (agent.md §3.2); the pattern also keeps file names safe.
list_links() {
  if [ "$HAVE_IP" -eq 1 ]; then
    timeout -k 2 "$STEP_T" ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1
  else
    ls -1 /sys/class/net 2>/dev/null
  fi
}
VETHS=()
if step_timeout; then
  while IFS= read -r name; do
    [ -n "$name" ] && VETHS+=("$name")
  done <<<"$(list_links | grep -E '^(eni|vlan)[0-9a-f]{11}$' | sort -u)"
fi

TC_FILES=0
if [ "$HAVE_TC" -eq 1 ]; then
  for veth in "${VETHS[@]}"; do
    for hook in ingress egress; do
      if run_to "$NODE_DIR/tc/$veth.$hook.txt" "tc filter show dev $veth $hook" "$TC_BIN" filter show dev "$veth" "$hook"; then
        TC_FILES=$((TC_FILES + 1))
      fi
    done
  done
fi

# ---- aws-eks-na-cli: loaded-ebpfdata, then every ingress/egress/pod-state/cp map it references
cli_failed() {
  grep -q '^Failed to execute the cmd' "$1" 2>/dev/null
}

MAP_IDS=()
MAP_NAMES=()
MAP_FILES=0
UNNAMED_MAP_IDS=()
if [ "$HAVE_CLI" -eq 1 ]; then
  if run_to "$NODE_DIR/loaded-ebpfdata.txt" "aws-eks-na-cli ebpf loaded-ebpfdata" "$NA_CLI" ebpf loaded-ebpfdata; then
    if cli_failed "$NODE_DIR/loaded-ebpfdata.txt"; then
      err "aws-eks-na-cli ebpf loaded-ebpfdata: $(grep -m 1 '^Failed to execute the cmd' "$NODE_DIR/loaded-ebpfdata.txt")"
    fi
  fi
  # "<id> <name>" per referenced map, first name seen per id.
  while read -r id name; do
    case "$id" in '' | *[!0-9]*) continue ;; esac
    if [ -z "$name" ]; then
      UNNAMED_MAP_IDS+=("$id")
      continue
    fi
    MAP_IDS+=("$id")
    MAP_NAMES+=("$name")
  done <<<"$(awk '
      /^Map Name:/ { sub(/^Map Name:[ \t]*/, ""); sub(/[ \t\r]+$/, ""); name = $0; next }
      /^Map ID:/   { id = $3; if (!(id in seen)) { seen[id] = 1; print id " " name } ; name = "" }
    ' "$NODE_DIR/loaded-ebpfdata.txt" 2>/dev/null)"

  i=0
  while [ "$i" -lt "${#MAP_IDS[@]}" ]; do
    id=${MAP_IDS[$i]}
    name=${MAP_NAMES[$i]}
    i=$((i + 1))
    case "$name" in
      *cp_ingress_map | *cp_egress_map) sub=dump-cp-maps ;;
      *ingress_map | *egress_map | *ingress_pod_state_map | *egress_pod_state_map) sub=dump-maps ;;
      *) continue ;;
    esac
    if run_to "$NODE_DIR/maps/$id.txt" "aws-eks-na-cli ebpf $sub $id" "$NA_CLI" ebpf "$sub" "$id"; then
      MAP_FILES=$((MAP_FILES + 1))
      if cli_failed "$NODE_DIR/maps/$id.txt"; then
        err "aws-eks-na-cli ebpf $sub $id ($name): $(grep -m 1 '^Failed to execute the cmd' "$NODE_DIR/maps/$id.txt")"
      fi
    elif [ "$DEADLINE_HIT" -eq 1 ]; then
      break
    fi
  done
fi

# ---- agent log: error/warn lines only, bounded
if [ "$INCLUDE_AGENT_LOG" = true ]; then
  if [ -r "$AGENT_LOG" ]; then
    if step_timeout; then
      timeout -k 2 "$STEP_T" tail -n 20000 "$AGENT_LOG" 2>/dev/null |
        grep -E '"level":"(error|warn|fatal|panic|dpanic)"' | tail -n 200 | cut -c 1-2000 >"$NODE_DIR/agent-log-errors.txt"
    fi
  else
    err "agent log $AGENT_LOG not readable"
  fi
fi

# ---- node.json
END_EPOCH=$(date +%s)
map_json() {
  local first=1 j=0
  printf '['
  while [ "$j" -lt "${#MAP_IDS[@]}" ]; do
    [ "$first" -eq 1 ] || printf ','
    first=0
    printf '{"id":%s,"name":%s}' "${MAP_IDS[$j]}" "$(json_str "${MAP_NAMES[$j]}")"
    j=$((j + 1))
  done
  printf ']'
}
{
  printf '{"schemaVersion":1,"collector":"eks-netpol-audit-node","collectorVersion":%s,' "$COLLECTOR_VERSION"
  printf '"nodeName":%s,"kernel":%s,"os":%s,"collectedAt":%s,"durationSeconds":%s,' \
    "$(json_str "$NODE_NAME")" "$(json_str "$KERNEL")" "$(json_str "$OS_NAME")" "$(json_str "$COLLECTED_AT")" \
    "$((END_EPOCH - START_EPOCH))"
  printf '"tools":{"awsEksNaCli":%s,"awsEksNaCliPath":%s,"tc":%s,"ip":%s,"curl":%s,"crictl":%s,"apiclient":%s},' \
    "$(json_bool "$HAVE_CLI")" "$(json_str "$NA_CLI")" "$(json_bool "$HAVE_TC")" "$(json_bool "$HAVE_IP")" \
    "$(json_bool "$HAVE_CURL")" "$(json_bool "$HAVE_CRICTL")" "$(json_bool "$HAVE_APICLIENT")"
  printf '"agentVersion":%s,"agentVersionSource":%s,"ipFamily":%s,' \
    "$(json_str "$AGENT_VERSION")" "$(json_str "$AGENT_VERSION_SOURCE")" "$(json_str "$IP_FAMILY")"
  printf '"bpffs":%s,"pinRoot":%s,"pinCounts":{"programs":%s,"maps":%s},' \
    "$(json_str_array "${BPFFS_MOUNTS[@]}")" "$(json_str "$BPF_ROOT")" "$PIN_PROGRAMS" "$PIN_MAPS"
  printf '"veths":%s,"maps":%s,"unnamedMapIds":[%s],' \
    "$(json_str_array "${VETHS[@]}")" "$(map_json)" "$(IFS=,; echo "${UNNAMED_MAP_IDS[*]}")"
  printf '"agentLogIncluded":%s,"complete":%s,"errors":%s}\n' \
    "$([ "$INCLUDE_AGENT_LOG" = true ] && [ -e "$NODE_DIR/agent-log-errors.txt" ] && echo true || echo false)" \
    "$([ "$DEADLINE_HIT" -eq 0 ] && echo true || echo false)" "$(json_str_array "${ERRORS[@]}")"
} >"$NODE_DIR/node.json"

# ---- pack and upload
BUNDLE="$WORK/bundle.tar.gz"
if ! timeout -k 2 60 tar -czf "$BUNDLE" -C "$WORK" "nodes/$NODE_NAME" 2>"$WORK/stderr.tmp"; then
  die_early "tar failed: $(head -c 300 "$WORK/stderr.tmp" | tr '\n' ' ')"
fi
BYTES=$(wc -c <"$BUNDLE" | tr -d ' ')
SHA256=$(sha256sum "$BUNDLE" | cut -d ' ' -f 1)

UPLOAD=skipped
HTTP_STATUS=0
UPLOAD_ERROR=""
if [ "$UPLOAD_URL" != none ]; then
  if [ "$HAVE_CURL" -eq 0 ]; then
    UPLOAD=failed
    UPLOAD_ERROR="curl not found"
  else
    t=$(remaining)
    [ "$t" -ge 10 ] || t=10
    HTTP_STATUS=$(curl --fail --silent --show-error --max-time "$t" --retry 2 --retry-delay 1 \
      -o /dev/null -w '%{http_code}' -X PUT --upload-file "$BUNDLE" "$UPLOAD_URL" 2>"$WORK/stderr.tmp")
    rc=$?
    case "$HTTP_STATUS" in '' | *[!0-9]*) HTTP_STATUS=0 ;; esac
    HTTP_STATUS=$((10#$HTTP_STATUS))
    if [ "$rc" -eq 0 ]; then
      UPLOAD=ok
    else
      UPLOAD=failed
      UPLOAD_ERROR="curl exit $rc: $(head -c 300 "$WORK/stderr.tmp" | tr '\n' ' ')"
    fi
  fi
fi

FALLBACK=none
FALLBACK_LINE=""
if [ "$UPLOAD" != ok ]; then
  b64=$(base64 -w 0 "$BUNDLE" 2>/dev/null || base64 "$BUNDLE" | tr -d '\n')
  if [ "${#b64}" -le "$BASE64_LIMIT" ]; then
    FALLBACK=base64
    FALLBACK_LINE="netpol-audit-bundle-base64:$b64"
  else
    FALLBACK=truncated
    FALLBACK_LINE="netpol-audit-bundle-truncated:$BYTES"
  fi
fi

printf '{"collector":"eks-netpol-audit-node","version":%s,"ok":true,"node":%s,"bytes":%s,"sha256":"%s","veths":%s,"tcFiles":%s,"maps":%s,"pins":{"programs":%s,"maps":%s},"errors":%s,"cli":%s,"tc":%s,"agentVersion":%s,"complete":%s,"upload":"%s","httpStatus":%s,"uploadError":%s,"fallback":"%s","firstError":%s}\n' \
  "$COLLECTOR_VERSION" "$(json_str "$NODE_NAME")" "$BYTES" "$SHA256" "${#VETHS[@]}" "$TC_FILES" "$MAP_FILES" \
  "$PIN_PROGRAMS" "$PIN_MAPS" "${#ERRORS[@]}" "$(json_bool "$HAVE_CLI")" "$(json_bool "$HAVE_TC")" \
  "$(json_str "$AGENT_VERSION")" "$([ "$DEADLINE_HIT" -eq 0 ] && echo true || echo false)" "$UPLOAD" "$HTTP_STATUS" \
  "$(json_str "$UPLOAD_ERROR")" "$FALLBACK" "$(json_str "$(printf '%s' "${ERRORS[0]:-}" | cut -c 1-300)")"
if [ -n "$FALLBACK_LINE" ]; then
  printf '%s\n' "$FALLBACK_LINE"
fi
exit 0

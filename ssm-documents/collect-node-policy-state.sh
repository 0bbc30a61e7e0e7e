#!/bin/bash
# eks-netpol-audit node collector (SSM document collect-node-policy-state, schema 2.2, aws:runShellScript).
# Read-only: reads tc filters and the aws-network-policy-agent eBPF state of this node and packs them into
#   nodes/<NodeName>/{loaded-ebpfdata.txt,maps/<id>.txt,tc/<veth>.ingress.txt,tc/<veth>.egress.txt,node.json}
# plus pins.txt (ls of the agent's pin directories) and, with IncludeAgentLog=true, agent-log-errors.txt.
# The tar.gz goes to S3 with curl: PUT to UploadUrl (a presigned URL, one node), or POST to PostUrl with the form
# fields of PostFields (a presigned POST shared by every instance of a SendCommand batch; the file is sent as
# <instance id>.tar.gz). stdout: one JSON summary line; when the upload fails or both are 'none', a second line
# `netpol-audit-bundle-base64:<base64 of the tar.gz>` if it fits in ~20,000 characters, else
# `netpol-audit-bundle-truncated:<bytes>`.
# Needs bash >= 4 and coreutils; no jq, no python. Every external command runs under `timeout`.
# The presigned URL, the POST fields and the IMDS token reach curl through a 0600 config file (`curl -K`), never
# through argv, so `ps` on the node does not show them.
#
# Parameters: the document sets interpolationType ENV_VAR, so SSM Agent >= 3.3.2746.0 passes each one as the
# environment variable SSM_<name>. Older agents do not; for them (as the SSM parameter-troubleshooting docs advise)
# each variable falls back to the double-brace substitution below, the ONLY places SSM substitutes text. allowedPattern
# forbids quotes, so a substituted value stays inside its single quotes.
#
# Environment overrides, for tests only (the SSM agent sets none of them; defaults are the node's real paths):
#   NPC_NA_CLI        aws-eks-na-cli path                 (default /opt/cni/bin/aws-eks-na-cli)
#   NPC_CNI_BIN       directory with tc.v4ingress.bpf.o…  (default: the directory of NPC_NA_CLI)
#   NPC_BPF_ROOT      the agent's pin root                (default /sys/fs/bpf/globals/aws)
#   NPC_AGENT_LOG     the agent log                       (default /var/log/aws-routed-eni/network-policy-agent.log)
#   NPC_TC            tc binary                           (default tc from PATH)
#   NPC_OUT_DIR       staging directory, kept afterwards  (default: a fresh mktemp -d, removed at exit)
#   NPC_ALLOW_LOOPBACK_HTTP=1  also accept an UploadUrl http://127.0.0.1:<port>/<path>, a PostUrl
#                     http://127.0.0.1:<port>/<bucket>/ and an NPC_IMDS_ENDPOINT http://127.0.0.1:<port>
#   NPC_IMDS_ENDPOINT instance metadata endpoint          (default http://169.254.169.254)
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

if [ -z "${SSM_UploadUrl+x}" ]; then SSM_UploadUrl='{{ UploadUrl }}'; fi
if [ -z "${SSM_PostUrl+x}" ]; then SSM_PostUrl='{{ PostUrl }}'; fi
if [ -z "${SSM_PostFields+x}" ]; then SSM_PostFields='{{ PostFields }}'; fi
if [ -z "${SSM_NodeName+x}" ]; then SSM_NodeName='{{ NodeName }}'; fi
if [ -z "${SSM_TimeoutSeconds+x}" ]; then SSM_TimeoutSeconds='{{ TimeoutSeconds }}'; fi
if [ -z "${SSM_IncludeAgentLog+x}" ]; then SSM_IncludeAgentLog='{{ IncludeAgentLog }}'; fi
UPLOAD_URL=$SSM_UploadUrl
POST_URL=$SSM_PostUrl
POST_FIELDS=$SSM_PostFields
NODE_NAME=$SSM_NodeName
TIMEOUT_SECONDS=$SSM_TimeoutSeconds
INCLUDE_AGENT_LOG=$SSM_IncludeAgentLog
unset SSM_UploadUrl SSM_PostUrl SSM_PostFields

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
# S3 endpoints of a region, virtual-hosted style (plain or dual-stack); bucket names without dots (HTTPS needs that).
S3_HOST_RE='[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\.s3\.(dualstack\.)?[a-z]{2}(-gov)?-[a-z]+-[0-9]\.amazonaws\.com'
LOOPBACK_RE='http://127\.0\.0\.1:[0-9]{1,5}'
PRESIGNED_PATH_RE='/[A-Za-z0-9._~%/-]+[?][A-Za-z0-9._~%/+=&-]+'
loopback_allowed() {
  [ "${NPC_ALLOW_LOOPBACK_HTTP:-0}" = 1 ]
}
if [ "$UPLOAD_URL" != none ] && ! [[ $UPLOAD_URL =~ ^https://${S3_HOST_RE}${PRESIGNED_PATH_RE}$ ]]; then
  if ! loopback_allowed || ! [[ $UPLOAD_URL =~ ^${LOOPBACK_RE}${PRESIGNED_PATH_RE}$ ]]; then
    die_early "UploadUrl must be none or a presigned https URL of a regional S3 endpoint"
  fi
fi
if [ "$POST_URL" != none ] && ! [[ $POST_URL =~ ^https://${S3_HOST_RE}/$ ]]; then
  if ! loopback_allowed || ! [[ $POST_URL =~ ^${LOOPBACK_RE}/[a-z0-9][a-z0-9-]{1,61}[a-z0-9]/?$ ]]; then
    die_early "PostUrl must be none or https://<bucket>.s3[.dualstack].<region>.amazonaws.com/"
  fi
fi
if [ "$POST_FIELDS" != none ] && ! [[ $POST_FIELDS =~ ^[A-Za-z0-9+/]+={0,2}$ ]]; then
  die_early "PostFields must be none or base64"
fi
if [ "$POST_URL" != none ] && [ "$UPLOAD_URL" != none ]; then
  die_early "UploadUrl and PostUrl are exclusive: set one of them to none"
fi
if { [ "$POST_URL" = none ] && [ "$POST_FIELDS" != none ]; } || { [ "$POST_URL" != none ] && [ "$POST_FIELDS" = none ]; }; then
  die_early "PostUrl and PostFields go together: both none or both set"
fi
if [ -n "${NPC_IMDS_ENDPOINT:-}" ] && { ! loopback_allowed || ! [[ $NPC_IMDS_ENDPOINT =~ ^${LOOPBACK_RE}$ ]]; }; then
  die_early "NPC_IMDS_ENDPOINT must be http://127.0.0.1:<port> (with NPC_ALLOW_LOOPBACK_HTTP=1)"
fi
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
TEMPORARY_WORK=0
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  rm -f "${SECRET_FILES[@]}"
  [ "$TEMPORARY_WORK" -eq 0 ] || rm -rf "$WORK"
}
SECRET_FILES=()
trap cleanup EXIT
if [ -n "${NPC_OUT_DIR:-}" ]; then
  WORK="$NPC_OUT_DIR"
  mkdir -p "$WORK" || die_early "cannot create NPC_OUT_DIR"
else
  WORK=$(mktemp -d /tmp/netpol-audit-node.XXXXXXXX) || die_early "mktemp failed"
  TEMPORARY_WORK=1
fi
case "$WORK" in *[!A-Za-z0-9._/-]*) die_early "the staging directory path has characters curl -K cannot take" ;; esac
CURL_CONFIG="$WORK/curl.config"
POST_FIELDS_FILE="$WORK/post-fields.txt"
SECRET_FILES=("$CURL_CONFIG" "$POST_FIELDS_FILE")

# write_curl_config LINE...: curl options (`name = "value"`) in a file only this user can read, for `curl -K`;
# every value was validated first and holds no quote or backslash.
write_curl_config() {
  rm -f "$CURL_CONFIG"
  printf '%s\n' "$@" >"$CURL_CONFIG" && chmod 600 "$CURL_CONFIG"
}

# ---- instance id (the POST file name; the node directory with NodeName=auto): from the SSM agent, else IMDSv2
INSTANCE_ID_RE='^i-[0-9a-f]{8}([0-9a-f]{9})?$'
imds_instance_id() {
  local endpoint="${NPC_IMDS_ENDPOINT:-http://169.254.169.254}" token
  token=$(timeout -k 2 10 curl --silent --fail --max-time 5 -X PUT \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "$endpoint/latest/api/token" 2>/dev/null) || return 1
  [[ $token =~ ^[A-Za-z0-9_=+/-]{1,512}$ ]] || return 1
  write_curl_config "header = \"X-aws-ec2-metadata-token: $token\"" || return 1
  timeout -k 2 10 curl --silent --fail --max-time 5 -K "$CURL_CONFIG" "$endpoint/latest/meta-data/instance-id" 2>/dev/null
  rm -f "$CURL_CONFIG"
}
INSTANCE_ID=""
if [ "$NODE_NAME" = auto ] || [ "$POST_URL" != none ]; then
  INSTANCE_ID="${AWS_SSM_INSTANCE_ID:-}"
  if [ -z "$INSTANCE_ID" ] && have curl; then
    INSTANCE_ID=$(imds_instance_id) || INSTANCE_ID=""
  fi
  [[ $INSTANCE_ID =~ $INSTANCE_ID_RE ]] ||
    die_early "no EC2 instance id (AWS_SSM_INSTANCE_ID unset and IMDSv2 gave none): needed for NodeName auto and PostUrl"
fi
[ "$NODE_NAME" != auto ] || NODE_NAME=$INSTANCE_ID

# ---- POST form fields: base64 of `name=value` lines; every line is checked before curl sees it
POST_KEY_RE='^runs/[A-Za-z0-9._:-]{1,128}/[A-Za-z0-9_-]{1,100}/nodes/[$][{]filename[}]$'
BASE64_RE='^[A-Za-z0-9+/]+={0,2}$'
post_field_valid() {
  case "$1" in
    bucket) [[ $2 =~ ^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$ ]] ;;
    key) [[ $2 =~ $POST_KEY_RE ]] ;;
    Policy | X-Amz-Security-Token) [[ $2 =~ $BASE64_RE ]] ;;
    X-Amz-Algorithm) [ "$2" = AWS4-HMAC-SHA256 ] ;;
    X-Amz-Credential) [[ $2 =~ ^[A-Z0-9]{16,128}/[0-9]{8}/[a-z0-9-]{1,32}/s3/aws4_request$ ]] ;;
    X-Amz-Date) [[ $2 =~ ^[0-9]{8}T[0-9]{6}Z$ ]] ;;
    X-Amz-Signature) [[ $2 =~ ^[0-9a-f]{64}$ ]] ;;
    *) return 1 ;;
  esac
}
POST_FORM=()
if [ "$POST_FIELDS" != none ]; then
  printf '%s' "$POST_FIELDS" | base64 -d >"$POST_FIELDS_FILE" 2>/dev/null || die_early "PostFields is not valid base64"
  declare -A SEEN_FIELDS=()
  while IFS= read -r line || [ -n "$line" ]; do
    name=${line%%=*}
    value=${line#*=}
    [ "$name" != "$line" ] || die_early "PostFields line $((${#POST_FORM[@]} + 1)) is not name=value"
    post_field_valid "$name" "$value" || die_early "PostFields field ${name//[!A-Za-z0-9-]/} is unknown or malformed"
    [ -z "${SEEN_FIELDS[$name]:-}" ] || die_early "PostFields repeats field $name"
    SEEN_FIELDS[$name]=1
    # S3 would replace ${filename} by the file's name; doing it here gives the same key with any S3 implementation.
    [ "$name" != key ] || value="${value%/*}/$INSTANCE_ID.tar.gz"
    POST_FORM+=("form-string = \"$name=$value\"")
  done <"$POST_FIELDS_FILE"
  rm -f "$POST_FIELDS_FILE"
  for required in key Policy X-Amz-Algorithm X-Amz-Credential X-Amz-Date X-Amz-Signature; do
    [ -n "${SEEN_FIELDS[$required]:-}" ] || die_early "PostFields lacks the field $required"
  done
  [ "${#POST_FORM[@]}" -le 16 ] || die_early "PostFields has more than 16 fields"
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
UPLOAD_MODE=none
HTTP_STATUS=0
UPLOAD_ERROR=""
if [ "$UPLOAD_URL" != none ]; then
  UPLOAD_MODE=put
  write_curl_config "url = \"$UPLOAD_URL\"" "upload-file = \"$BUNDLE\""
elif [ "$POST_URL" != none ]; then
  UPLOAD_MODE=post
  write_curl_config "url = \"$POST_URL\"" "${POST_FORM[@]}" "form = \"file=@$BUNDLE;filename=$INSTANCE_ID.tar.gz\""
fi
if [ "$UPLOAD_MODE" != none ]; then
  if [ "$HAVE_CURL" -eq 0 ]; then
    UPLOAD=failed
    UPLOAD_ERROR="curl not found"
  else
    t=$(remaining)
    [ "$t" -ge 10 ] || t=10
    HTTP_STATUS=$(curl --fail --silent --show-error --max-time "$t" --retry 2 --retry-delay 1 \
      -o "$WORK/response.tmp" -w '%{http_code}' -K "$CURL_CONFIG" 2>"$WORK/stderr.tmp")
    rc=$?
    rm -f "$CURL_CONFIG"
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

printf '{"collector":"eks-netpol-audit-node","version":%s,"ok":true,"node":%s,"bytes":%s,"sha256":"%s","veths":%s,"tcFiles":%s,"maps":%s,"pins":{"programs":%s,"maps":%s},"errors":%s,"cli":%s,"tc":%s,"agentVersion":%s,"complete":%s,"upload":"%s","uploadMode":"%s","instanceId":%s,"httpStatus":%s,"uploadError":%s,"fallback":"%s","firstError":%s}\n' \
  "$COLLECTOR_VERSION" "$(json_str "$NODE_NAME")" "$BYTES" "$SHA256" "${#VETHS[@]}" "$TC_FILES" "$MAP_FILES" \
  "$PIN_PROGRAMS" "$PIN_MAPS" "${#ERRORS[@]}" "$(json_bool "$HAVE_CLI")" "$(json_bool "$HAVE_TC")" \
  "$(json_str "$AGENT_VERSION")" "$([ "$DEADLINE_HIT" -eq 0 ] && echo true || echo false)" "$UPLOAD" "$UPLOAD_MODE" \
  "$(json_str "$INSTANCE_ID")" "$HTTP_STATUS" "$(json_str "$UPLOAD_ERROR")" "$FALLBACK" "$(json_str "$(printf '%s' "${ERRORS[0]:-}" | cut -c 1-300)")"
if [ -n "$FALLBACK_LINE" ]; then
  printf '%s\n' "$FALLBACK_LINE"
fi
exit 0

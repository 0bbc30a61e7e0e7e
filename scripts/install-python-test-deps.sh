#!/usr/bin/env bash
# Installs the pinned Python test tools (test/requirements.txt: moto in server mode, cfn-lint) into a virtualenv in
# the cache, keyed by the requirements file's hash, and rebuilt only when missing. Prints nothing when it is there.
#   ${NETPOL_AUDIT_CACHE:-$HOME/.cache/eks-netpol-audit}/venv-<sha>/bin/{moto_server,cfn-lint}
# A stable link ${CACHE}/venv points at the current one (the tests use it).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${NETPOL_AUDIT_CACHE:-${HOME}/.cache/eks-netpol-audit}"
requirements=test/requirements.txt
key=$(sha256sum "$requirements" | cut -c1-12)
venv="${CACHE}/venv-${key}"
if [ ! -x "${venv}/bin/moto_server" ] || [ ! -x "${venv}/bin/cfn-lint" ]; then
  printf '[install-python-test-deps] creating %s\n' "$venv" >&2
  rm -rf "$venv"
  mkdir -p "$CACHE"
  python3 -m venv "$venv"
  "${venv}/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
fi
ln -sfn "$venv" "${CACHE}/venv"

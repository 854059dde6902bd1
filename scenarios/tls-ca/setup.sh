#!/usr/bin/env bash
# tls-ca starts from an empty workspace: the learner creates every file with openssl.
set -euo pipefail
cd "$WORKSPACE"
if ! command -v openssl >/dev/null 2>&1; then
  echo "openssl is not installed; install it (for example: sudo apt-get install openssl) and start again" >&2
  exit 1
fi
# Drawn from the attempt's seed (scenario.yaml params:).
ca="${KHL_PARAM_CA:?}" user="${KHL_PARAM_USER:?}" group="${KHL_PARAM_GROUP:?}"
cat > README.txt <<TXT
Create here: ca.key, ca.crt (CN=$ca, a CA), $user.key, $user.crt (CN=$user, O=$group,
signed by ca.key). CSRs (ca.csr, $user.csr) may stay here too. See the brief.
TXT
echo "Workspace ready (empty apart from README.txt): $WORKSPACE"

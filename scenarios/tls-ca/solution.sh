#!/usr/bin/env bash
# Reference solution for tls-ca: the course's openssl steps, with the CA marked as a CA.
# The drawn values come in as KHL_PARAM_* (scenario.yaml params:).
set -euo pipefail
cd "$WORKSPACE"
user="$KHL_PARAM_USER"

# The CA: an RSA key of the size asked for, a CSR for its CN, self-signed for ten years.
openssl genrsa -out ca.key "$KHL_PARAM_BITS"
openssl req -new -key ca.key -subj "/CN=$KHL_PARAM_CA" -out ca.csr
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > ca.ext
openssl x509 -req -in ca.csr -signkey ca.key -days 3650 -extfile ca.ext -out ca.crt

# The client: the user in the group, signed by the CA for the longest time allowed.
openssl genrsa -out "$user.key" "$KHL_PARAM_BITS"
openssl req -new -key "$user.key" -subj "/CN=$user/O=$KHL_PARAM_GROUP" -out "$user.csr"
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > "$user.ext"
openssl x509 -req -in "$user.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$KHL_PARAM_DAYS" \
  -extfile "$user.ext" -out "$user.crt"

chmod 600 ca.key "$user.key"

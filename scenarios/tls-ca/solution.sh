#!/usr/bin/env bash
# Reference solution for tls-ca: the course's openssl steps, with the CA marked as a CA.
set -euo pipefail
cd "$WORKSPACE"

# The CA: a 2048-bit RSA key, a CSR for CN=KUBERNETES-CA, self-signed for ten years.
openssl genrsa -out ca.key 2048
openssl req -new -key ca.key -subj "/CN=KUBERNETES-CA" -out ca.csr
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > ca.ext
openssl x509 -req -in ca.csr -signkey ca.key -days 3650 -extfile ca.ext -out ca.crt

# The client: john in the group developers, signed by the CA for one year.
openssl genrsa -out john.key 2048
openssl req -new -key john.key -subj "/CN=john/O=developers" -out john.csr
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > john.ext
openssl x509 -req -in john.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -extfile john.ext -out john.crt

chmod 600 ca.key john.key

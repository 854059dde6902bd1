import { defineScenarioSelfTest } from './harness.js';

/** Creates ca.key/ca.crt the reference way (2048 bits, CA:TRUE), for cases that vary john's side. */
const CA = `
  openssl genrsa -out ca.key 2048 2>/dev/null
  openssl req -new -key ca.key -subj "/CN=KUBERNETES-CA" -out ca.csr
  printf 'basicConstraints=critical,CA:TRUE\\nkeyUsage=critical,keyCertSign,cRLSign\\n' > ca.ext
  openssl x509 -req -in ca.csr -signkey ca.key -days 3650 -extfile ca.ext -out ca.crt 2>/dev/null
`;

const JOHN = `
  openssl genrsa -out john.key 2048 2>/dev/null
  openssl req -new -key john.key -subj "/CN=john/O=developers" -out john.csr
  openssl x509 -req -in john.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -out john.crt 2>/dev/null
`;

defineScenarioSelfTest('tls-ca', {
  timeout: 60_000,
  otherSolutions: [
    {
      name: 'one-step CA with req -x509 and a 3072-bit genpkey key; O before CN; explicit serial',
      script: `
        openssl req -x509 -new -newkey rsa:3072 -nodes -keyout ca.key -subj "/CN=KUBERNETES-CA" \\
          -addext basicConstraints=critical,CA:TRUE -days 365 -out ca.crt 2>/dev/null
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out john.key 2>/dev/null
        openssl req -new -key john.key -subj "/O=developers/CN=john" -out john.csr
        openssl x509 -req -in john.csr -CA ca.crt -CAkey ca.key -set_serial 1001 -days 90 -out john.crt 2>/dev/null
      `,
    },
    {
      name: 'john in two groups (O=developers and O=qa)',
      script: `${CA}
        openssl genrsa -out john.key 4096 2>/dev/null
        openssl req -new -key john.key -subj "/CN=john/O=developers/O=qa" -out john.csr
        openssl x509 -req -in john.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -out john.crt 2>/dev/null
      `,
    },
  ],
  nearMisses: [
    {
      name: 'john signed by a second CA that is also called KUBERNETES-CA',
      script: `${CA}
        openssl req -x509 -new -newkey rsa:2048 -nodes -keyout other-ca.key -subj "/CN=KUBERNETES-CA" \\
          -addext basicConstraints=critical,CA:TRUE -days 365 -out other-ca.crt 2>/dev/null
        openssl genrsa -out john.key 2048 2>/dev/null
        openssl req -new -key john.key -subj "/CN=john/O=developers" -out john.csr
        openssl x509 -req -in john.csr -CA other-ca.crt -CAkey other-ca.key -CAcreateserial -days 30 -out john.crt 2>/dev/null
      `,
      failing: ['john-verifies'],
    },
    {
      name: 'the group written into the CN with a comma',
      script: `${CA}
        openssl genrsa -out john.key 2048 2>/dev/null
        openssl req -new -key john.key -subj "/CN=john,O=developers" -out john.csr
        openssl x509 -req -in john.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -out john.crt 2>/dev/null
      `,
      failing: ['john-cn', 'john-group'],
    },
    {
      name: 'john in the group developers-team (not developers)',
      script: `${CA}
        openssl genrsa -out john.key 2048 2>/dev/null
        openssl req -new -key john.key -subj "/CN=john/O=developers-team" -out john.csr
        openssl x509 -req -in john.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -out john.crt 2>/dev/null
      `,
      failing: ['john-group'],
    },
    {
      name: 'a 1024-bit CA key',
      script: `
        openssl genrsa -out ca.key 1024 2>/dev/null
        openssl req -new -key ca.key -subj "/CN=KUBERNETES-CA" -out ca.csr
        printf 'basicConstraints=critical,CA:TRUE\\n' > ca.ext
        openssl x509 -req -in ca.csr -signkey ca.key -days 3650 -extfile ca.ext -out ca.crt 2>/dev/null
        ${JOHN}
      `,
      failing: ['ca-key-size'],
    },
    {
      name: 'the CA made with -signkey alone (version 1, no CA flag)',
      script: `
        openssl genrsa -out ca.key 2048 2>/dev/null
        openssl req -new -key ca.key -subj "/CN=KUBERNETES-CA" -out ca.csr
        openssl x509 -req -in ca.csr -signkey ca.key -days 3650 -out ca.crt 2>/dev/null
        ${JOHN}
      `,
      failing: ['ca-is-ca'],
    },
    {
      name: 'john given CA:TRUE and a twenty-year lifetime',
      script: `${CA}
        openssl genrsa -out john.key 2048 2>/dev/null
        openssl req -new -key john.key -subj "/CN=john/O=developers" -out john.csr
        printf 'basicConstraints=critical,CA:TRUE\\n' > john.ext
        openssl x509 -req -in john.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 7300 -extfile john.ext -out john.crt 2>/dev/null
      `,
      failing: ['john-not-ca', 'john-lifetime'],
    },
  ],
});

import { describe, expect, it } from 'vitest';
import { debugEnabled, redact } from '../../src/adapters/log.js';

/** Issue 13.8: the shapes the adversarial run found redact missing, and the ones it always caught. */
describe('redact', () => {
  const TOKEN = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA';

  it.each([
    [
      'a PEM block',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nQUJD\n-----END RSA PRIVATE KEY-----',
      'MIIE',
    ],
    [
      'a PEM block without its END line',
      'key follows\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\nhkiG9w0BAQEFAASC',
      'hkiG9w0',
    ],
    ['a JWT', 'sent eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqb2huIn0.c2lnbmF0dXJlLXh5eg ok', 'eyJzdWIi'],
    ['Authorization: Basic', 'GET / Authorization: Basic am9objpzM2NyZXQ=', 'am9objpz'],
    ['an Authorization header in JSON', '{"headers":{"authorization":"Basic am9objpzM2NyZXQ="}}', 'am9objpz'],
    ['Authorization: Bearer', 'Authorization: Bearer abc.def.ghi-123', 'abc.def'],
    ['--token=', 'kubectl --token=s3cr3t-t0ken get pods', 's3cr3t'],
    ['--token <value>', 'kubectl --token s3cr3t-t0ken get pods', 's3cr3t'],
    ['a multi-word password in JSON', '{"user":"john","password":"correct horse battery staple"}', 'horse'],
    ['a multi-word password in YAML', 'password: correct horse battery staple\nnext: line', 'horse'],
    [
      'a multi-word password inside a JSON string',
      '{"stderr":"{\\"password\\": \\"correct horse battery\\"}"}',
      'horse',
    ],
    ['a token field', 'token: s3cr3t-t0ken-value', 's3cr3t'],
    ['a client-key-data field', 'client-key-data: LS0tLS1CRUdJTi', 'LS0tLS1'],
    ['a token in a sentence', `the token ${TOKEN} is invalid`, TOKEN],
    ['a token in a sentence with "is"', `your token is ${TOKEN}.`, TOKEN],
    ['a secret in a sentence', `secret ${TOKEN} leaked`, TOKEN],
  ])('%s', (_name, text, secret) => {
    const out = redact(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted');
  });

  it('keeps the words around a secret, and lines without one as they are', () => {
    expect(redact(`the token ${TOKEN} is invalid`)).toBe('the token [redacted] is invalid');
    expect(redact('{"password":"a b c","user":"john"}')).toBe('{"password":[redacted],"user":"john"}');
    const plain = 'check round {"scenario":"tls-ca","passed":3,"ms":120} token file missing';
    expect(redact(plain)).toBe(plain);
  });

  it('redacts the rest of the text after a PEM block without its END line', () => {
    expect(redact('before\n-----BEGIN CERTIFICATE-----\nMIIB\nAAAA')).toBe('before\n[redacted PEM block]');
  });
});

describe('debugEnabled (K8S_HARDEN_LAB_DEBUG)', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    ['off', false],
    ['no', false],
    ['1', true],
    ['true', true],
    ['yes', true],
  ])('%s → %s', (value, on) => {
    expect(debugEnabled(value)).toBe(on);
  });
});

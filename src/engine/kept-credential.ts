import { createHash, X509Certificate } from 'node:crypto';
import type { Check } from '../domain/checks.js';
import type { KeptCredential } from './ports.js';

export type { KeptCredential };

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The certificate's DER bytes, to compare two PEM texts for the same certificate. */
export function certificateBytes(pem: string): Buffer | undefined {
  try {
    return new X509Certificate(pem).raw;
  } catch {
    return undefined;
  }
}

/**
 * What is kept of a credential file right after setup: digests only, never the secret. A token
 * is compared as client-go sends a token file's content (trimmed); a certificate by its DER bytes.
 */
export function keepCredential(text: string): KeptCredential {
  const der = certificateBytes(text);
  return { token: sha256(text.trim()), ...(der ? { certificate: sha256(der) } : {}) };
}

/** Whether what kubectl would send is the credential kept at setup. */
export function matchesKept(sent: string, kind: 'token' | 'certificate', kept: KeptCredential): boolean {
  if (kind === 'token') return sha256(sent) === kept.token;
  const der = certificateBytes(sent);
  return der !== undefined && kept.certificate !== undefined && sha256(der) === kept.certificate;
}

/** The `credentialFile`s the checks (and the probes their values come from) compare with. */
export function credentialFiles(checks: readonly Check[]): string[] {
  const files = new Set<string>();
  for (const check of checks)
    for (const probe of [check.probe, check.expect.valueFrom?.probe])
      if (probe?.kind === 'kubeconfig' && probe.credentialFile) files.add(probe.credentialFile);
  return [...files];
}

import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import type { ProbeExecutor } from './types.js';
import { probeError, value } from './types.js';
import { readFileFacts } from './workspace.js';

/** A distinguished name as fields: `{CN: 'john', O: 'developers'}`; a repeated field becomes a list. */
export type DistinguishedName = Readonly<Record<string, string | readonly string[]>>;

/** What the x509 probe observes. Certificate facts are absent when the file does not exist. */
export type CertificateFacts = {
  readonly exists: boolean;
  readonly subject?: DistinguishedName;
  /** One line, as `openssl x509 -subject` would print it: `CN=john, O=developers`. */
  readonly subjectText?: string;
  readonly issuer?: DistinguishedName;
  readonly issuerText?: string;
  /** Subject alternative names with their type: `DNS:kubernetes`, `IP Address:10.96.0.1`. */
  readonly sans?: readonly string[];
  readonly keyType?: string;
  readonly keyBits?: number;
  readonly notBefore?: string;
  readonly notAfter?: string;
  /** notAfter − notBefore, in days (fractions kept). */
  readonly validDays?: number;
  /** Days from now until notAfter (negative once expired). */
  readonly daysLeft?: number;
  readonly validNow?: boolean;
  /** basicConstraints CA:TRUE. A version 1 certificate has no extensions and is never a CA here. */
  readonly isCA?: boolean;
  /** Issuer equals subject and the certificate's own key verifies its signature. */
  readonly selfSigned?: boolean;
  /** When a key file is given and exists. */
  readonly keyFileExists?: boolean;
  readonly keyFileType?: string;
  readonly keyFileBits?: number;
  /** When a key is given and both files exist: the key belongs to the certificate. */
  readonly keyMatches?: boolean;
  /** When a CA is given and both files exist: named as issuer by the CA and signed by its key. */
  readonly verifiesWithCA?: boolean;
  readonly caExists?: boolean;
  /** Extended key usages by name (`serverAuth`, `clientAuth`; unknown ones as their OID). */
  readonly extendedKeyUsage?: readonly string[];
};

const EKU_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
};

/** The PEM texts a certificate observation is made from; undefined = the file does not exist. */
export type CertificateInput = {
  readonly cert: { readonly name: string; readonly pem: string | undefined };
  readonly key?: { readonly name: string; readonly pem: string | undefined } | undefined;
  readonly ca?: { readonly name: string; readonly pem: string | undefined } | undefined;
  readonly now?: Date | undefined;
};

/** A file that exists but cannot be used, named so the learner knows which one to fix. */
export class CertificateFileError extends Error {}

const DAY_MS = 86_400_000;

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  'P-256': 256,
  secp256k1: 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
};

function keyFacts(key: KeyObject): { type: string | undefined; bits: number | undefined } {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  let bits: number | undefined;
  if (details?.modulusLength !== undefined) bits = details.modulusLength;
  else if (details?.namedCurve) bits = CURVE_BITS[details.namedCurve];
  else if (type === 'ed25519' || type === 'x25519') bits = 256;
  else if (type === 'ed448' || type === 'x448') bits = 448;
  return { type, bits };
}

function parseCertificate(name: string, pem: string): X509Certificate {
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new CertificateFileError(`${name} is not a PEM certificate (no BEGIN CERTIFICATE line)`);
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new CertificateFileError(`${name} is not a readable certificate: ${(error as Error).message}`);
  }
}

function parseKey(name: string, pem: string): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem))
    throw new CertificateFileError(`${name} is not a PEM private key (no BEGIN … PRIVATE KEY line)`);
  try {
    return createPrivateKey(pem);
  } catch (error) {
    const message = (error as Error).message;
    throw new CertificateFileError(
      /passphrase/i.test(message)
        ? `${name} is encrypted with a passphrase; the checks need it unencrypted`
        : `${name} is not a readable private key: ${message}`,
    );
  }
}

/** `CN=a\nO=b` (node's form) → fields, with repeated fields as lists. */
function distinguishedName(cert: X509Certificate, which: 'subject' | 'issuer'): DistinguishedName {
  const legacy = cert.toLegacyObject()[which] as unknown as Record<string, string | string[]> | undefined;
  const out: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(legacy ?? {})) out[k] = Array.isArray(v) ? [...v] : String(v);
  return out;
}

function oneLine(text: string): string {
  return text.split('\n').filter(Boolean).join(', ');
}

function selfSigned(cert: X509Certificate): boolean {
  if (cert.subject !== cert.issuer) return false;
  try {
    return cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

/** Facts about one certificate (and optionally its key and a CA). Pure apart from the crypto. */
export function describeCertificate(input: CertificateInput): CertificateFacts {
  const now = input.now ?? new Date();
  const key = input.key?.pem !== undefined ? parseKey(input.key.name, input.key.pem) : undefined;
  const ca = input.ca?.pem !== undefined ? parseCertificate(input.ca.name, input.ca.pem) : undefined;
  const keyPart: Partial<Record<keyof CertificateFacts, unknown>> = {};
  if (input.key) {
    keyPart.keyFileExists = key !== undefined;
    if (key) {
      const k = keyFacts(key);
      keyPart.keyFileType = k.type;
      keyPart.keyFileBits = k.bits;
    }
  }
  if (input.ca) keyPart.caExists = ca !== undefined;
  if (input.cert.pem === undefined) return { exists: false, ...keyPart } as CertificateFacts;

  const cert = parseCertificate(input.cert.name, input.cert.pem);
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const pub = keyFacts(cert.publicKey);
  const sans = cert.subjectAltName ? cert.subjectAltName.split(/,\s*/).filter(Boolean) : [];
  const facts: Record<string, unknown> = {
    exists: true,
    subject: distinguishedName(cert, 'subject'),
    subjectText: oneLine(cert.subject),
    issuer: distinguishedName(cert, 'issuer'),
    issuerText: oneLine(cert.issuer),
    sans,
    keyType: pub.type,
    keyBits: pub.bits,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    validDays: (notAfter.getTime() - notBefore.getTime()) / DAY_MS,
    daysLeft: (notAfter.getTime() - now.getTime()) / DAY_MS,
    validNow: notBefore.getTime() <= now.getTime() && now.getTime() <= notAfter.getTime(),
    isCA: cert.ca,
    // Node names the extended key usage extension `keyUsage`.
    extendedKeyUsage: (cert.keyUsage ?? []).map((oid) => EKU_NAMES[oid] ?? oid),
    selfSigned: selfSigned(cert),
    ...keyPart,
  };
  if (key) facts.keyMatches = cert.checkPrivateKey(key);
  if (ca) {
    let verifies = false;
    try {
      verifies = cert.checkIssued(ca) && cert.verify(ca.publicKey);
    } catch {
      verifies = false;
    }
    facts.verifiesWithCA = verifies;
  }
  return facts as CertificateFacts;
}

/** Reads certificate, key and CA (workspace or node) and describes them with node:crypto. */
export const x509Probe: ProbeExecutor<'x509'> = async (spec, context) => {
  try {
    const read = async (name: string) => {
      const facts = await readFileFacts(context, name, spec.node);
      if (facts.exists && facts.content === undefined)
        throw new CertificateFileError(`${name} cannot be read (not a regular file, or too large)`);
      return { name, pem: facts.exists ? facts.content : undefined };
    };
    const [cert, key, ca] = await Promise.all([
      read(spec.cert),
      spec.key ? read(spec.key) : undefined,
      spec.ca ? read(spec.ca) : undefined,
    ]);
    return value(describeCertificate({ cert, key, ca }));
  } catch (error) {
    return probeError((error as Error).message);
  }
};

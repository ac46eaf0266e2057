// The sandbox's Entra signing key (RSA 2048, made at start) and compact JWS: signing, JWKS and verification.
import { createHash, createPrivateKey, createSign, createVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { generate } from 'selfsigned';

export type JwtClaims = Record<string, unknown>;

/** Why a bearer is not a token of this sandbox (each becomes the service's own 401). */
export type JwtProblem = 'malformed' | 'unsigned' | 'unknownKey' | 'badSignature';

export type JwtCheck = { readonly ok: true; readonly claims: JwtClaims; readonly header: JwtClaims } | { readonly ok: false; readonly problem: JwtProblem };

export interface JsonWebKey {
  readonly kty: 'RSA';
  readonly use: 'sig';
  readonly kid: string;
  readonly x5t: string;
  readonly n: string;
  readonly e: string;
  readonly x5c: readonly string[];
  readonly issuer: string;
}

const b64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

function parsePart(part: string | undefined): JwtClaims | undefined {
  if (part === undefined || !/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JwtClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** Header and payload of a compact JWS, unverified; undefined when it is not one. */
export function decodeJwt(token: string): { header: JwtClaims; claims: JwtClaims; signingInput: string; signature: Buffer } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s = ''] = parts;
  const header = parsePart(h);
  const claims = parsePart(p);
  if (!header || !claims || !/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
  return { header, claims, signingInput: `${h ?? ''}.${p ?? ''}`, signature: Buffer.from(s, 'base64url') };
}

/** RS256 over `header.payload` with `key`. */
export function signJwt(header: JwtClaims, claims: JwtClaims, key: KeyObject): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(createSign('RSA-SHA256').update(input).sign(key))}`;
}

/** Whether `signature` is an RS256 signature of `input` by `publicKey`. */
export function verifyRs256(input: string, signature: Buffer, publicKey: KeyObject): boolean {
  return createVerify('RSA-SHA256').update(input).verify(publicKey, signature);
}

/** The SHA-1 (x5t) and SHA-256 (x5t#S256) thumbprints of a certificate, base64url, as JOSE headers carry them. */
export function thumbprints(cert: X509Certificate): { x5t: string; x5tS256: string } {
  return { x5t: b64url(createHash('sha1').update(cert.raw).digest()), x5tS256: b64url(createHash('sha256').update(cert.raw).digest()) };
}

/** A PEM certificate (an app's registered credential), or undefined when the text is not one. */
export function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

/**
 * The sandbox's token-signing key: RSA 2048 in a self-signed certificate, made at each start. As Entra's, its `kid`
 * is the certificate's x5t and the JWKS carries the certificate in `x5c`.
 */
export class SigningKeys {
  private constructor(
    private readonly privateKey: KeyObject,
    private readonly certificate: X509Certificate,
    readonly kid: string,
  ) {}

  static async create(): Promise<SigningKeys> {
    const notBeforeDate = new Date(Date.now() - 60_000);
    const pems = await generate([{ name: 'commonName', value: 'accounts.accesscontrol.windows.net (sandbox)' }], {
      keyType: 'rsa', keySize: 2048, algorithm: 'sha256', notBeforeDate, notAfterDate: new Date(notBeforeDate.getTime() + 2 * 365 * 86_400_000),
    });
    const certificate = new X509Certificate(pems.cert);
    return new SigningKeys(createPrivateKey(pems.private), certificate, thumbprints(certificate).x5t);
  }

  /** Signs an access or ID token with the sandbox's key (header `typ`, `alg`, `x5t` and `kid`, as Entra's). */
  sign(claims: JwtClaims): string {
    return signJwt({ typ: 'JWT', alg: 'RS256', x5t: this.kid, kid: this.kid }, claims, this.privateKey);
  }

  /** The JWKS entry; `issuer` is Entra's per-key field (`{tenantid}` is a template there too). */
  jwk(issuer: string): JsonWebKey {
    const { n, e } = this.certificate.publicKey.export({ format: 'jwk' });
    return { kty: 'RSA', use: 'sig', kid: this.kid, x5t: this.kid, n: n ?? '', e: e ?? '', x5c: [this.certificate.raw.toString('base64')], issuer };
  }

  /** Checks the signature only (claims are each service's business): RS256 by this key, nothing else. */
  verify(token: string): JwtCheck {
    const decoded = decodeJwt(token);
    if (!decoded) return { ok: false, problem: 'malformed' };
    if (decoded.header.alg !== 'RS256') return { ok: false, problem: 'unsigned' };
    if (decoded.header.kid !== this.kid) return { ok: false, problem: 'unknownKey' };
    if (!verifyRs256(decoded.signingInput, decoded.signature, this.certificate.publicKey)) return { ok: false, problem: 'badSignature' };
    return { ok: true, claims: decoded.claims, header: decoded.header };
  }
}

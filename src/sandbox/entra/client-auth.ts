// How an app proves itself at the token endpoint: a client secret, or a client assertion signed with a certificate
// registered for the app; a public client (device code, refresh token) may send neither.
import { constants, createVerify, type X509Certificate } from 'node:crypto';
import { AADSTS, type EntraError } from './errors';
import { decodeJwt, thumbprints } from './keys';
import type { ClientAuthentication } from './tokens';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface SandboxApp {
  readonly appId: string;
  readonly displayName: string;
  readonly clientSecrets: readonly string[];
  readonly publicClient: boolean;
}

export interface ClientProof {
  readonly form: URLSearchParams;
  /** The token endpoint the client posted to (the assertion's `aud` must name it). */
  readonly tokenEndpoint: string;
  readonly nowSeconds: number;
  /** Whether a public client may go without a credential (device code and refresh token grants). */
  readonly publicAllowed: boolean;
}

/** Certificates registered per app (what uploading a certificate to the app registration does). */
export class AppCertificates {
  private readonly byApp = new Map<string, X509Certificate[]>();

  add(appId: string, certificate: X509Certificate): void {
    const list = this.byApp.get(appId.toLowerCase()) ?? [];
    list.push(certificate);
    this.byApp.set(appId.toLowerCase(), list);
  }

  of(appId: string): readonly X509Certificate[] {
    return this.byApp.get(appId.toLowerCase()) ?? [];
  }
}

function verifySignature(alg: unknown, input: string, signature: Buffer, certificate: X509Certificate): boolean {
  if (alg === 'RS256') return createVerify('RSA-SHA256').update(input).verify(certificate.publicKey, signature);
  if (alg === 'PS256') {
    return createVerify('RSA-SHA256').update(input).verify({ key: certificate.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
  }
  return false;
}

const sameEndpoint = (a: string, b: string): boolean => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

/** Checks a client assertion (RFC 7523): certificate by x5t or x5t#S256, signature, iss = sub = client_id, aud, time. */
function checkAssertion(app: SandboxApp, assertion: string, proof: ClientProof, certificates: AppCertificates): EntraError | undefined {
  const decoded = decodeJwt(assertion);
  if (!decoded) return AADSTS.assertionInvalid('The client assertion is not a JWT.');
  const { header, claims } = decoded;
  const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
  const x5tS256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
  const certificate = certificates.of(app.appId).find((c) => {
    const t = thumbprints(c);
    return (x5t !== undefined && t.x5t === x5t) || (x5tS256 !== undefined && t.x5tS256 === x5tS256);
  });
  if (!certificate) {
    const shown = x5t ? Buffer.from(x5t, 'base64url').toString('hex').toUpperCase() : (x5tS256 ?? '');
    return AADSTS.assertionCertificateUnknown(shown, app.appId);
  }
  if (!verifySignature(header.alg, decoded.signingInput, decoded.signature, certificate)) return AADSTS.assertionInvalid('The signature does not verify with the registered certificate.');
  if (claims.iss !== claims.sub || typeof claims.sub !== 'string' || claims.sub.toLowerCase() !== app.appId.toLowerCase()) return AADSTS.assertionSubject();
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((a) => typeof a === 'string' && sameEndpoint(a, proof.tokenEndpoint))) return AADSTS.assertionAudience(String(claims.aud));
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : 0;
  // Entra tolerates five minutes of clock skew on assertions.
  if (exp + 300 < proof.nowSeconds || nbf - 300 > proof.nowSeconds) return AADSTS.assertionExpired();
  return undefined;
}

/** How the client authenticated (its `appidacr`), or the Entra error that refuses it. */
export function authenticateClient(app: SandboxApp, proof: ClientProof, certificates: AppCertificates): { ok: ClientAuthentication } | { error: EntraError } {
  const secret = proof.form.get('client_secret');
  const assertion = proof.form.get('client_assertion');
  if (secret !== null) return app.clientSecrets.includes(secret) ? { ok: '1' } : { error: AADSTS.badSecret(app.appId) };
  if (assertion !== null) {
    if (proof.form.get('client_assertion_type') !== JWT_BEARER_ASSERTION) return { error: AADSTS.missingParameter('client_assertion_type') };
    const problem = checkAssertion(app, assertion, proof, certificates);
    return problem ? { error: problem } : { ok: '2' };
  }
  if (proof.publicAllowed && app.publicClient) return { ok: '0' };
  return { error: AADSTS.noCredential() };
}

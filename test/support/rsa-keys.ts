// RSA key pairs for the tests' token issuers, made so that no key a test signs or exports with is shared with the
// job that generated it. Node 20 can deadlock when the garbage collector frees a key-generation job while the same
// key is being exported (seen: CI hung for good in KeyObjectHandle::ExportJWK, under ~KeyGenJob, on one mutex).
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface RsaKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key's JWK members, as a JWKS publishes them. */
  readonly jwk: { readonly n: string; readonly e: string };
}

export function rsaKeyPair(): RsaKeyPair {
  // PEM out of the job, then new key objects from the PEM: the job's own keys die with it, touched by nobody.
  const pems = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const publicKey = createPublicKey(pems.publicKey);
  const { n, e } = publicKey.export({ format: 'jwk' });
  if (typeof n !== 'string' || typeof e !== 'string') throw new Error('an RSA public key without n or e');
  return { privateKey: createPrivateKey(pems.privateKey), publicKey, jwk: { n, e } };
}

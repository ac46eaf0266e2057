// The channel's signing keys as the bot reads them: one read shared by every waiting activity, ended at its deadline,
// and what it serves verifies what the channel signed.
import { createSign, createVerify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SigningKeys } from '../../src/teams/signing-keys';
import { rsaKeyPair } from '../support/rsa-keys';

const { privateKey, jwk } = rsaKeyPair();

describe('signing keys', () => {
  let server: Server;
  let base: string;
  let requests: string[] = [];
  let stall = false;
  const sockets = new Set<Socket>();
  /** The connections of requests left unanswered (the stalled endpoint). */
  const stalled = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (stall) {
        stalled.add(req.socket);
        return;
      }
      res.setHeader('content-type', 'application/json');
      if (req.url === '/moved') {
        res.statusCode = 301;
        res.setHeader('location', '/openid');
        res.end();
      } else if (req.url === '/openid') res.end(JSON.stringify({ jwks_uri: `${base}/keys` }));
      else res.end(JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', n: jwk.n, e: jwk.e, endorsements: ['msteams'] }, { kty: 'EC', kid: 'k2', crv: 'P-256', x: 'x', y: 'y' }] }));
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    requests = [];
    stall = false;
    stalled.clear();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('when several activities need the keys at once, then the metadata and the keys are read once, and the key verifies what the channel signed', async () => {
    const keys = new SigningKeys(`${base}/openid`, 24, 5_000);
    const found = await Promise.all([keys.getKey('k1'), keys.getKey('k1'), keys.getKey('k1')]);
    expect(requests).toEqual(['/openid', '/keys']);
    expect(found[0]?.endorsements).toEqual(['msteams']);
    const signed = 'what Teams signed';
    const signature = createSign('RSA-SHA256').update(signed).sign(privateKey);
    expect(createVerify('RSA-SHA256').update(signed).verify(found[0]?.key ?? '', signature)).toBe(true);
  });

  it('when the metadata document has moved (a redirect), then it is followed, as botbuilder\'s own reader does', async () => {
    const keys = new SigningKeys(`${base}/moved`, 24, 5_000);
    expect(await keys.getKey('k1')).not.toBeNull();
    expect(requests).toEqual(['/moved', '/openid', '/keys']);
  });

  it('when a token names a key not published, or not RSA, then it has none, and the keys are not read again within the hour', async () => {
    const keys = new SigningKeys(`${base}/openid`, 24, 5_000);
    expect(await keys.getKey('k1')).not.toBeNull();
    expect(await keys.getKey('forged')).toBeNull();
    expect(await keys.getKey('k2')).toBeNull();
    expect(requests).toEqual(['/openid', '/keys']);
  });

  it('when the endpoint stalls, then the read fails as unavailable (503) and its connection is closed; once it answers again, the keys come', async () => {
    const keys = new SigningKeys(`${base}/openid`, 24, 300);
    stall = true;
    const waiting = [keys.getKey('k1'), keys.getKey('k1')];
    for (const attempt of waiting) await expect(attempt).rejects.toMatchObject({ statusCode: 500, name: 'SigningKeysUnavailableError' });
    expect(requests).toEqual(['/openid']);
    // The stalled request's connection is closed (connections kept alive by earlier tests may stay open).
    const open = () => [...stalled].filter((socket) => sockets.has(socket)).length;
    for (let i = 0; i < 100 && open() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stalled.size).toBe(1);
    expect(open()).toBe(0);
    stall = false;
    expect(await keys.getKey('k1')).not.toBeNull();
  });
});

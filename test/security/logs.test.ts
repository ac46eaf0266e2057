// Logs: JSON lines with a correlation id per turn, no token or secret, user text unable to forge a line.
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { startSecureHarness, type SecureHarness } from '../support/secure-harness';
import { messageFrom, OTHER_TENANT, SAM } from '../support/teams-users';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });
  return { lines, logger: createLogger('debug', stream) };
}

describe('logs', () => {
  let s: SecureHarness;
  const logs = capture();
  beforeAll(async () => {
    s = await startSecureHarness({}, { logger: logs.logger });
  });
  afterAll(async () => s.stop());

  it('when turns run and requests are refused, then every line is one JSON object, with a correlation id, and no token or secret', async () => {
    const token = s.issuer.sign(s.h.connector.serviceUrl);
    const forged = 'help\n{"level":60,"msg":"forged line"}\r\n';
    await s.post(messageFrom(SAM, forged, { serviceUrl: s.h.connector.serviceUrl }), token);
    await s.post(messageFrom(SAM, 'help', { serviceUrl: s.h.connector.serviceUrl, tenantId: OTHER_TENANT }), token);
    await s.post(messageFrom(SAM, 'help', { serviceUrl: s.h.connector.serviceUrl }), `${token}x`);
    await s.postRaw('{not json', { authorization: `Bearer ${token}` });
    await s.h.bot.idle();

    const parsed = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.some((entry) => entry.msg === 'forged line')).toBe(false);
    const perRequest = parsed.filter((entry) => entry.msg === 'turn done' || entry.msg === 'request refused' || entry.msg === 'activity from another tenant refused');
    expect(perRequest.length).toBeGreaterThanOrEqual(4);
    expect(perRequest.every((entry) => typeof entry.correlationId === 'string')).toBe(true);
    expect(new Set(perRequest.filter((e) => e.msg !== 'activity from another tenant refused').map((entry) => entry.correlationId)).size).toBe(4);
    const all = logs.lines.join('\n');
    expect(all).not.toContain(token.split('.')[2]);
    expect(all).not.toContain('not-a-real-secret');
    expect(all).not.toContain('test-outbound-token');
  });

  it('when secrets are logged by mistake, then they are redacted, errors included', () => {
    const local = capture();
    local.logger.info({ headers: { authorization: 'Bearer abc.def.ghi' }, password: 'p4ss', config: { clientSecret: 's3cret', BOT_PASSWORD: 'b0t' } }, 'oops');
    local.logger.error({ err: new Error('call failed with Authorization: Bearer eyJhbGciOi.eyJzdWIi.c2ln') }, 'failed');
    const all = local.lines.join('\n');
    for (const secret of ['abc.def.ghi', 'p4ss', 's3cret', 'b0t', 'eyJhbGciOi']) expect(all).not.toContain(secret);
    expect(all).toContain('[redacted]');
    expect(all).not.toContain('"stack"');
  });

  it('when a secret sits in a child logger\'s bindings or in request headers, then it is redacted and the logged object is left as it was', () => {
    const local = capture();
    const logged = { req: { headers: { Authorization: 'Bearer h3ader', Cookie: 'c00kie', accept: 'json' } }, call: { token: 't0ken', url: 'https://x' } };
    local.logger.child({ correlationId: 'c1', accessToken: 'chi1d' }).child({ config: { clientSecret: 'gr4ndchild' } }).warn(logged, 'oops');
    const all = local.lines.join('\n');
    for (const secret of ['h3ader', 'c00kie', 't0ken', 'chi1d', 'gr4ndchild']) expect(all).not.toContain(secret);
    const line = JSON.parse(local.lines[0] ?? '{}') as { correlationId?: string; req?: { headers?: { accept?: string } }; call?: { url?: string } };
    expect(line).toMatchObject({ correlationId: 'c1', req: { headers: { accept: 'json' } }, call: { url: 'https://x' } });
    expect(logged.call.token).toBe('t0ken');
    expect(logged.req.headers.Authorization).toBe('Bearer h3ader');
  });
});

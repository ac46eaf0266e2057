// The network guard (test/hygiene/no-network.cjs): a test, the code it runs and the processes it starts reach
// loopback only; anything else fails at once with an error naming the host, and the refusal is recorded.
import { execFile, spawnSync } from 'node:child_process';
import dns from 'node:dns';
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { isLoopback, NETWORK_REFUSED, takeRefusals } from './guards.cjs';

const errorOf = async (socket: net.Socket): Promise<NodeJS.ErrnoException> => {
  const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
  return error;
};
const targets = () => takeRefusals().map((r) => `${r.kind} ${r.target}`);

describe('network guard', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('loopback'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('when a test connects to 192.0.2.1, then the connection fails at once with an error naming the address, and is recorded', async () => {
    const socket = net.connect(443, '192.0.2.1');
    const error = await errorOf(socket);
    expect(error.code).toBe(NETWORK_REFUSED);
    expect(error.message).toContain('192.0.2.1:443');
    expect(socket.destroyed).toBe(true);
    expect(targets()).toEqual(['network 192.0.2.1:443']);
  });

  it('when https, TLS, fetch or an IPv6 literal reach for a public host, then each is refused the same way', async () => {
    const viaHttps = await new Promise<NodeJS.ErrnoException>((resolve) => void https.get('https://example.com/', () => resolve(new Error('answered'))).on('error', resolve));
    const viaTls = await errorOf(tls.connect({ host: 'example.com', port: 443, servername: 'example.com' }));
    const viaFetch = await fetch('https://example.com/').then((): NodeJS.ErrnoException | undefined => new Error('answered'), (e: { cause?: NodeJS.ErrnoException }) => e.cause);
    const viaIpv6 = await errorOf(net.connect({ host: '2001:db8::1', port: 80 }));
    expect([viaHttps, viaTls, viaFetch, viaIpv6].map((e) => e?.code)).toEqual([NETWORK_REFUSED, NETWORK_REFUSED, NETWORK_REFUSED, NETWORK_REFUSED]);
    expect(viaFetch?.message).toContain('example.com:443');
    expect(targets()).toEqual(['network example.com:443', 'network example.com:443', 'network example.com:443', 'network 2001:db8::1:80']);
  });

  it('when a name other than localhost is looked up or any DNS query is made, then it is refused naming the name', async () => {
    const lookup = await new Promise<NodeJS.ErrnoException | null>((resolve) => dns.lookup('example.com', (error) => resolve(error)));
    await expect(dns.promises.lookup('example.org')).rejects.toMatchObject({ code: NETWORK_REFUSED, message: expect.stringContaining('example.org') });
    await expect(dns.promises.resolve4('example.net')).rejects.toMatchObject({ code: NETWORK_REFUSED });
    await expect(new dns.promises.Resolver().resolveTxt('example.com')).rejects.toMatchObject({ code: NETWORK_REFUSED });
    expect(lookup).toMatchObject({ code: NETWORK_REFUSED, message: expect.stringContaining('example.com') });
    expect(targets()).toEqual(['network example.com', 'network example.org', 'network example.net', 'network example.com']);
  });

  it('when a test reaches loopback (127.0.0.1, another 127/8 address, localhost), then it works and nothing is recorded', async () => {
    const byAddress = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    const byName = await new Promise<string>((resolve, reject) => {
      http.get({ host: 'localhost', port, family: 4 }, (res) => res.setEncoding('utf8').on('data', resolve)).on('error', reject);
    });
    // Nothing listens on 127.0.0.2: the kernel refuses, which shows the guard let the connection go.
    const other = await errorOf(net.connect(port, '127.0.0.2'));
    const { address } = await dns.promises.lookup('localhost', { family: 4 });
    expect([byAddress, byName, other.code, address]).toEqual(['loopback', 'loopback', 'ECONNREFUSED', '127.0.0.1']);
    expect(targets()).toEqual([]);
  });

  it.each([
    ['127.0.0.1', true], ['127.255.10.1', true], ['::1', true], ['[::1]', true], ['0:0:0:0:0:0:0:1', true], ['::ffff:127.0.0.1', true],
    ['localhost', true], ['LOCALHOST.', true], ['0x7f000001', true],
    ['128.0.0.1', false], ['0.0.0.0', false], ['::', false], ['10.0.0.1', false], ['169.254.169.254', false], ['192.0.2.1', false],
    ['::ffff:10.0.0.1', false], ['example.com', false], ['localhost.example.com', false], ['127.0.0.1.nip.io', false],
  ])('when the host is %s, then loopback is %p', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });

  describe('in the processes a test starts', () => {
    const CHILD = "require('node:net').connect(443, '192.0.2.1').on('error', (e) => console.log(e.code + ' ' + e.message))";

    it('when a child inherits the environment, then its connection beyond loopback is refused too', async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', CHILD]);
      expect(stdout).toMatch(new RegExp(`^${NETWORK_REFUSED} .*192\\.0\\.2\\.1:443`));
    });

    it('when a child is given an environment of its own (only PATH, as the crash tests do), then it is guarded all the same', async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', CHILD], { env: { PATH: process.env.PATH ?? '' } });
      const sync = spawnSync(process.execPath, ['-e', CHILD], { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '--no-warnings' }, encoding: 'utf8' });
      expect(stdout).toContain(`${NETWORK_REFUSED} `);
      expect(sync.stdout).toContain(`${NETWORK_REFUSED} `);
    });
  });
});

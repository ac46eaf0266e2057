// Crash safety with a real process: the bot runs as a child (its TypeScript sources, transpiled on load) against a
// sandbox that lives in the test process, and is killed with SIGKILL (a) while its PUT is held before ARM acts and
// (b) after ARM made the assignment but before the bot stored it. A new process on the same STORE file must end with
// exactly one assignment in "Azure" and the request `active`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { v5 as uuidv5 } from 'uuid';
import { requestId as asRequestId } from '../../src/domain/ids';
import { startSandbox, type FaultSpec, type RunningSandbox } from '../../src/sandbox';
import { ASSIGNMENT_NAMESPACE } from '../../src/services/intake';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { actionFrom, ADA, installFrom, messageFrom, sandboxBotEnv, SAM } from '../support/teams-users';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '../..');
const PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ALICE = 'c0000001-0000-4000-8000-0000000000a1';

interface ChildBot {
  readonly url: string;
  readonly process: ChildProcess;
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

async function until(what: string, check: () => boolean, timeoutInMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('crash safety (bot as a child process, kill -9)', () => {
  let sandbox: RunningSandbox;
  let connector: FakeConnector;
  let dir: string;
  let caFile: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    connector = await startFakeConnector();
    dir = mkdtempSync(join(tmpdir(), 'csp-crash-'));
    caFile = join(dir, 'sandbox-ca.pem');
    writeFileSync(caFile, sandbox.caCertPem);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await connector.stop();
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sandbox.faults.clear();
    sandbox.state.roleAssignments.splice(2);
  });

  /** Starts `node -r <ts hook> src/main.ts` with the contract's environment; resolves once it listens. */
  async function startChild(storePath: string): Promise<ChildBot> {
    const child = spawn(process.execPath, ['-r', join(__dirname, 'crash-child-register.cjs'), join(ROOT, 'src/main.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        ...sandboxBotEnv(sandbox, storePath),
        NODE_EXTRA_CA_CERTS: caFile,
        LOG_LEVEL: 'info',
        // Both processes run on one App Service instance: the restarted one takes the killed one's leases and claims
        // at once (with another instance id it would wait for them to run out, the claim's 60 s and the outbox's 15 s).
        WEBSITE_INSTANCE_ID: 'crash-test-instance',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const exited = new Promise<NodeJS.Signals | number | null>((done) => child.once('exit', (code, signal) => done(signal ?? code)));
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<number>((ok, fail) => {
      const lines = createInterface({ input: child.stdout ?? process.stdin });
      lines.on('line', (line) => {
        try {
          const entry = JSON.parse(line) as { port?: unknown; msg?: unknown };
          if (typeof entry.port === 'number' && String(entry.msg).includes('listening')) ok(entry.port);
        } catch {
          /* not a log line */
        }
      });
      void exited.then((how) => fail(new Error(`bot exited (${String(how)}) before listening: ${stderr.slice(-500)}`)));
    });
    return { url: `http://127.0.0.1:${port}`, process: child, exited };
  }

  const post = async (bot: ChildBot, activity: object) => {
    const response = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    await response.text();
    expect(response.status).toBe(200);
  };
  const opts = () => ({ serviceUrl: connector.serviceUrl });

  /** Install, ask, confirm and approve through the child's real endpoint; returns the request id. */
  async function approveThrough(bot: ChildBot): Promise<string> {
    await post(bot, installFrom(ADA, opts()));
    await post(bot, installFrom(SAM, opts()));
    const before = connector.to(SAM.conversationId).length;
    await post(bot, messageFrom(SAM, "give Alice Contributor on Contoso's prod subscription", opts()));
    await until('the confirmation card', () => connector.to(SAM.conversationId).length > before);
    const card = connector.to(SAM.conversationId).at(-1)?.body.attachments?.[0]?.content as { actions?: { verb?: string; data?: { requestId?: unknown } }[] } | undefined;
    const requestId = card?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error('no confirmation card');
    await post(bot, actionFrom(SAM, 'confirm', { requestId }, opts()));
    await post(bot, actionFrom(ADA, 'approve', { requestId }, opts()));
    return requestId;
  }

  const stateIn = async (storePath: string, id: string) => {
    const store = openSqliteStore(storePath);
    try {
      return (await store.requests.get(asRequestId(id)))?.state;
    } finally {
      await store.close();
    }
  };
  const assignmentsFor = (name: string) => sandbox.state.roleAssignments.filter((a) => a.name === name);
  const alicesContributor = () => sandbox.state.roleAssignments.filter((a) => a.scope === PROD && a.principalId === ALICE);

  async function crashAndRecover(fault: FaultSpec, crashPoint: (name: string) => boolean, expectedBeforeRestart: number) {
    const storePath = join(dir, `bot-${Date.now()}.db`);
    sandbox.faults.add(fault);
    const first = await startChild(storePath);
    const requestId = await approveThrough(first);
    const name = uuidv5(requestId, ASSIGNMENT_NAMESPACE);
    await until('the held PUT', () => crashPoint(name));

    // Act: kill -9, mid-provisioning.
    first.process.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    sandbox.faults.clear();
    expect(await stateIn(storePath, requestId)).toBe('provisioning');
    expect(assignmentsFor(name)).toHaveLength(expectedBeforeRestart);

    // Act: a new process on the same store resumes.
    const startedAt = Date.now();
    const seen = connector.to(SAM.conversationId).length;
    const second = await startChild(storePath);
    await until('the outcome message', () => connector.to(SAM.conversationId).slice(seen).some((a) => (a.body.text ?? '').includes('Done: Alice Martin now has Contributor on Contoso Production')));
    const recoveredInMs = Date.now() - startedAt;
    second.process.kill('SIGTERM');
    await second.exited;

    // Assert: exactly one assignment, under the request's name; the request active.
    expect(assignmentsFor(name)).toHaveLength(1);
    expect(alicesContributor()).toHaveLength(1);
    expect(await stateIn(storePath, requestId)).toBe('active');
    const puts = sandbox.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(name));
    return { puts: puts.map((r) => r.status), recoveredInMs };
  }

  it('when the bot is killed while its PUT is held before ARM acts, then after restart the same PUT makes exactly one assignment and the request is active', async () => {
    const { puts, recoveredInMs } = await crashAndRecover(
      { operation: 'roleAssignments.create', kind: 'delay', delayMs: 60_000 },
      (name) => sandbox.requests.some((r) => r.method === 'PUT' && r.path.endsWith(name)),
      0,
    );
    // The killed call never reached ARM (the sandbox drops a request whose caller hung up); the resumed one created it.
    expect(puts).toEqual([499, 201]);
    console.log(`kill -9 before ARM acted: restart to "Done" in ${recoveredInMs} ms`);
  });

  it('when the bot is killed after ARM made the assignment but before the bot stored it, then after restart the same PUT reconciles: one assignment, request active', async () => {
    const { puts, recoveredInMs } = await crashAndRecover(
      { operation: 'roleAssignments.create', kind: 'delay', delayMs: 60_000, after: true },
      (name) => sandbox.state.findAssignment(PROD, name) !== undefined,
      1,
    );
    // The first PUT created it (answer lost with the process); the resumed PUT of the same name found it: 200, not a duplicate.
    expect(puts.at(-1)).toBe(200);
    console.log(`kill -9 after ARM acted: restart to "Done" in ${recoveredInMs} ms`);
  });
});

// Command line entry of the sandbox cloud: node dist/src/sandbox/cli.js [--port N] [--host H] [--cert-out file.pem] [--latency-ms N];
// prints the URL, Entra's authority host, the partner and bot apps' ids and secrets, and a SAM refresh token.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cloudSettingsOf } from './cloud-settings';
import { startSandbox, type RunningSandbox } from './server';

interface CliOptions { port: number; host: string; certOut: string; latencyMs: number }

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { port: 0, host: '127.0.0.1', certOut: 'sandbox-ca.pem', latencyMs: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`Missing value after ${flag ?? ''}`);
    if (flag === '--port') options.port = Number(value);
    else if (flag === '--host') options.host = value;
    else if (flag === '--cert-out') options.certOut = value;
    else if (flag === '--latency-ms') options.latencyMs = Number(value);
    else throw new Error(`Unknown option ${flag ?? ''}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new Error('--port must be 0..65535');
  if (!Number.isFinite(options.latencyMs) || options.latencyMs < 0) throw new Error('--latency-ms must be >= 0');
  return options;
}

/**
 * What a developer needs to point the bot (or any Entra client) at a running sandbox: the settings as environment
 * lines, and the same as one JSON object. The refresh token is what the one-time SAM consent would have produced.
 */
export function describeSandbox(sandbox: RunningSandbox, certPath: string): { json: Record<string, unknown>; env: string[] } {
  const cloud = cloudSettingsOf(sandbox);
  const partnerTenantId = sandbox.state.partner.tenantId;
  const env = [
    `NODE_EXTRA_CA_CERTS=${certPath}`,
    ...Object.entries(cloud).map(([key, value]) => `${key}=${value}`),
    `PARTNER_TENANT_ID=${partnerTenantId}`,
    `BOT_ID=${sandbox.botApp.clientId}`,
    `BOT_PASSWORD=${sandbox.botApp.clientSecret}`,
    `BOT_LOGIN_URL=${sandbox.authorityHost}/${partnerTenantId}`,
  ];
  const json = {
    url: sandbox.url, caCertFile: certPath, authorityHost: sandbox.authorityHost, partnerTenantId,
    partnerApp: sandbox.partnerApp, botApp: sandbox.botApp, refreshToken: cloud.PARTNER_REFRESH_TOKEN,
  };
  return { json, env };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const sandbox = await startSandbox({ port: options.port, host: options.host, latencyMs: options.latencyMs });
  const certPath = resolve(options.certOut);
  writeFileSync(certPath, sandbox.caCertPem);
  const described = describeSandbox(sandbox, certPath);
  process.stdout.write(`${JSON.stringify(described.json)}\n`);
  process.stderr.write(`Sandbox cloud listening on ${sandbox.url} (certificate in ${certPath}; trust it with NODE_EXTRA_CA_CERTS)\n`
    + `Entra ID is at ${sandbox.authorityHost} (device sign-in page: ${sandbox.authorityHost}/devicelogin). Settings for the bot:\n`
    + `${described.env.map((line) => `  ${line}`).join('\n')}\n`);
  const stop = () => {
    sandbox.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}

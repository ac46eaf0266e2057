// The sandbox cloud: one local HTTPS server playing Microsoft Entra ID and the Partner Center, Graph and ARM subsets
// the gateways use; every API call must carry a token the sandbox's Entra signed.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { generate } from 'selfsigned';
import {
  authenticate, errorFor, familyOf, json, recordHeaders,
  type RecordedRequest, type SandboxRequest, type SandboxResponse, type ServiceFamily,
} from './http-kit';
import { createEntra, type AppCredentials, type IssueRefreshTokenOptions, type SandboxEntra } from './entra';
import { createFaultInjector, faultPlanSchema, type FaultInjector } from './faults';
import { loadDefaultSeed, type SandboxSeed } from './seed';
import { SandboxState } from './state';
import { partnerCenterRoute } from './partner-center-routes';
import { graphWithGdapRoute } from './gdap-routes';
import { serveRelationshipPage } from './relationship-page';
import { armRoute } from './arm-routes';

export interface StartSandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  seed?: SandboxSeed;
  /** Added to every answer, to feel like a real cloud. */
  latencyMs?: number;
  /**
   * The sandbox's clock (ms), default Date.now: time-based faults, Entra's token times, refresh-token idle expiry
   * (90 days) and device-code expiry, and the services' token expiry checks.
   */
  now?: () => number;
  /**
   * The fault plan's clock only (time-based faults such as PrincipalNotFound for T seconds), when a test moves time for
   * the bot's retries but lets Entra and the services keep real time (the Azure SDK caches tokens on the real clock).
   */
  faultClock?: () => number;
  /** The `interval` device-code clients are told to poll at; default 5 s, as Entra. */
  deviceCodeIntervalSeconds?: number;
  /** The fault plan's randomness (probabilistic faults); default Math.random. */
  random?: () => number;
  /** How long a new GDAP access assignment stays `pending` before it is `active` (default 0: from the next request on). */
  accessAssignmentActivationMs?: number;
}

export interface RunningSandbox {
  /** https://127.0.0.1:PORT, no trailing slash. */
  readonly url: string;
  /** The server's certificate (self-signed, SAN 127.0.0.1, ::1 and localhost): trust it with tls `ca` or NODE_EXTRA_CA_CERTS. */
  readonly caCertPem: string;
  readonly state: SandboxState;
  readonly faults: FaultInjector;
  /** Every request to the three APIs (not /_sandbox, not Entra), in arrival order. */
  readonly requests: RecordedRequest[];
  /** Every request to Entra's endpoints, in arrival order; secrets, assertions and grants in the form are masked. */
  readonly entraRequests: RecordedRequest[];
  /** Entra's base URL (`AZURE_AUTHORITY_HOST`, `BOT_LOGIN_URL`'s host): the same as `url`. */
  readonly authorityHost: string;
  /** The partner's multi-tenant SAM app (publicClient, consented in the customers). */
  readonly partnerApp: AppCredentials;
  /** The bot's Bot Framework app. */
  readonly botApp: AppCredentials;
  /** A refresh token as the one-time consent would give (default: the SAM service account through the partner app). */
  issueRefreshToken(options?: IssueRefreshTokenOptions): string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits `ms`, or less when the client hangs up; true when the client is still there. */
function holdWhileConnected(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    res.once('close', onClose);
  });
}

async function createCertificate(host: string): Promise<{ key: string; cert: string }> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 365 * 24 * 3600 * 1000);
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' },
  ];
  if (!['localhost', '127.0.0.1', '::1', '0.0.0.0'].includes(host)) altNames.push(/^[\d.]+$/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  const pems = await generate([{ name: 'commonName', value: 'CSP Access Bot sandbox cloud' }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate, notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, answer: SandboxResponse): void {
  const headers: Record<string, string> = { 'x-ms-request-id': randomUUID(), ...answer.headers };
  if (answer.body === undefined) {
    res.writeHead(answer.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(answer.body);
  // Two calls, not a chain: restify (in the same process as the bot) replaces writeHead with one returning nothing.
  res.writeHead(answer.status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function controlRoute(state: SandboxState, faults: FaultInjector, entra: SandboxEntra, method: string, segments: readonly string[], body: unknown): SandboxResponse {
  const [, what, id] = segments;
  if (what === 'entra') return entra.control(method, segments.slice(2), body);
  if (method === 'GET' && what === 'state') return json(200, { ...state.snapshot(), faults: faults.pending });
  if (what === 'faults' && method === 'POST') {
    // One fault, or a plan: {"faults": [...]} (first match wins).
    const parsed = faultPlanSchema.safeParse(body);
    if (!parsed.success) return json(400, { error: { code: 'InvalidFault', message: parsed.error.message } });
    for (const fault of parsed.data) faults.add(fault);
    return json(201, { faults: faults.pending });
  }
  if (what === 'faults' && method === 'DELETE') {
    faults.clear();
    return { status: 204 };
  }
  if (what === 'customers' && id !== undefined && method === 'PATCH') return patchCustomer(state, decodeURIComponent(id), body);
  return json(404, { error: { code: 'NotFound', message: 'Sandbox control routes: GET /_sandbox/state, POST|DELETE /_sandbox/faults, PATCH /_sandbox/customers/{id}, POST /_sandbox/entra/….' } });
}

/** A token request's form as recorded: what proves identity or carries a grant is masked. */
function maskForm(text: string): Record<string, string> {
  const secret = new Set(['client_secret', 'client_assertion', 'refresh_token', 'device_code', 'code']);
  return Object.fromEntries([...new URLSearchParams(text)].map(([k, v]) => [k, secret.has(k) ? '***' : v]));
}

/**
 * PATCH /_sandbox/customers/{id} with {"allowDelegatedAccess"?: boolean, "relationshipToPartner"?: string}: a test's
 * switch for legacy DAP (which Microsoft no longer grants) and for the reseller relationship.
 */
function patchCustomer(state: SandboxState, id: string, body: unknown): SandboxResponse {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const allow = fields.allowDelegatedAccess;
  const relationship = fields.relationshipToPartner;
  const valid = (allow === undefined || typeof allow === 'boolean') && (relationship === undefined || typeof relationship === 'string') &&
    (allow !== undefined || relationship !== undefined);
  if (!valid) return json(400, { error: { code: 'InvalidBody', message: 'Expected {"allowDelegatedAccess"?: boolean, "relationshipToPartner"?: string}.' } });
  const customer = state.customer(id);
  if (!customer) return json(404, { error: { code: 'NotFound', message: 'Unknown customer.' } });
  if (typeof allow === 'boolean') customer.allowDelegatedAccess = allow;
  if (typeof relationship === 'string') customer.relationshipToPartner = relationship;
  return json(200, customer);
}

function notRouted(family: Exclude<ServiceFamily, 'Sandbox'>, method: string, path: string): SandboxResponse {
  if (family === 'Graph') return errorFor('Graph', 400, 'BadRequest', `Resource not found for the segment '${path.split('/').pop() ?? ''}'.`);
  if (family === 'PartnerCenter') return errorFor('PartnerCenter', 404, '404', `No route for ${method} ${path}.`);
  return errorFor('ARM', 404, 'NotFound', `The sandbox does not serve ${method} ${path}.`);
}

/** Starts the sandbox cloud with a fresh certificate and a fresh copy of the seed. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const state = new SandboxState(options.seed ?? loadDefaultSeed(), { accessAssignmentActivationMs: options.accessAssignmentActivationMs });
  const faultNow = options.faultClock ?? options.now;
  const faults = createFaultInjector({ ...(faultNow ? { now: faultNow } : {}), ...(options.random ? { random: options.random } : {}) });
  const now = options.now ?? Date.now;
  const entra = await createEntra(state, { now, ...(options.deviceCodeIntervalSeconds !== undefined ? { deviceCodeIntervalSeconds: options.deviceCodeIntervalSeconds } : {}) });
  const requests: RecordedRequest[] = [];
  const entraRequests: RecordedRequest[] = [];
  const { key, cert } = await createCertificate(host);
  const baseUrlOf = (req: IncomingMessage): string => `https://${req.headers.host ?? host}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<SandboxResponse> {
    const method = (req.method ?? 'GET').toUpperCase();
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const path = rawPath.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
    const segments = path.split('/').filter((s) => s.length > 0);
    const query = new URLSearchParams(rawQuery);
    const text = await readBody(req);
    const fromEntra = entra.route(method, segments, text, req.headers, baseUrlOf(req));
    if (fromEntra) {
      const record: RecordedRequest = { method, url: req.url ?? '/', path, query: Object.fromEntries(query), headers: recordHeaders(req.headers), body: maskForm(text) };
      entraRequests.push(record);
      record.status = fromEntra.status;
      return fromEntra;
    }
    let body: unknown = text.length > 0 ? text : undefined;
    let bodyIsJson = text.length === 0;
    try {
      if (text.length > 0) { body = JSON.parse(text); bodyIsJson = true; }
    } catch { /* kept as text */ }
    const family = familyOf(path);
    if (family === 'Sandbox') return controlRoute(state, faults, entra, method, segments, body);
    const record: RecordedRequest = { method, url: req.url ?? '/', path, query: Object.fromEntries(query), headers: recordHeaders(req.headers), body };
    requests.push(record);
    const answer = await answerFor(family, method, path, segments, query, body, bodyIsJson, req, res);
    record.status = answer.status;
    return answer;
  }

  async function answerFor(family: ServiceFamily | undefined, method: string, path: string, segments: string[], query: URLSearchParams,
    body: unknown, bodyIsJson: boolean, req: IncomingMessage, res: ServerResponse): Promise<SandboxResponse> {
    if (family === undefined || family === 'Sandbox') return errorFor('ARM', 404, 'NotFound', `No service serves ${path}.`);
    const authenticated = authenticate(family, req.headers.authorization, entra.verify, Math.floor(now() / 1000), baseUrlOf(req));
    if ('refused' in authenticated) return authenticated.refused;
    const { token } = authenticated;
    const fault = faults.take(method, path);
    const injected = (): SandboxResponse | undefined => {
      if (fault?.status === undefined) return undefined;
      const headers = fault.retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(fault.retryAfterSeconds) };
      return errorFor(family, fault.status, fault.code, fault.message ?? `Injected fault: ${fault.code}.`, headers);
    };
    const operate = (): SandboxResponse => {
      if (!bodyIsJson) return errorFor(family, 400, family === 'ARM' ? 'InvalidRequestContent' : 'BadRequest', 'The request body is not valid JSON.');
      const request: SandboxRequest = { method, path, segments, query, headers: req.headers, body, token, baseUrl: baseUrlOf(req) };
      const route = family === 'PartnerCenter' ? partnerCenterRoute : family === 'Graph' ? graphWithGdapRoute : armRoute;
      return route(state, request) ?? notRouted(family, method, path);
    };
    if (fault?.after) {
      // A lost answer: the change is made, then the caller waits and/or gets an error instead of the result.
      const answer = operate();
      if (fault.delayMs) await holdWhileConnected(fault.delayMs, res);
      return injected() ?? answer;
    }
    // A caller that hangs up while held never reaches the operation (as a request dropped before ARM's backend).
    if (fault?.delayMs && !(await holdWhileConnected(fault.delayMs, res))) return errorFor(family, 499, 'ClientClosedRequest', 'The client closed the connection.');
    return injected() ?? operate();
  }

  const server = https.createServer({ key, cert }, (req, res) => {
    // The customer's side of a relationship request, Entra's device-login and admin-consent pages: HTML, not cloud APIs.
    if (serveRelationshipPage(state, req, res) || entra.servePage(req, res, baseUrlOf(req))) return;
    handle(req, res)
      .then(async (answer) => {
        if (options.latencyMs) await sleep(options.latencyMs);
        send(res, answer);
      })
      .catch((error: unknown) => {
        send(res, errorFor('ARM', 500, 'InternalServerError', error instanceof Error ? error.message : String(error)));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `https://${urlHost}:${port}`;
  return {
    url,
    caCertPem: cert,
    state,
    faults,
    requests,
    entraRequests,
    authorityHost: url,
    partnerApp: entra.partnerApp,
    botApp: entra.botApp,
    issueRefreshToken: (wanted) => {
      const token = entra.issueRefreshToken(wanted);
      if (token === undefined) throw new Error(`No such user or app in the sandbox: ${JSON.stringify(wanted ?? {})}`);
      return token;
    },
    stop: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }),
  };
}

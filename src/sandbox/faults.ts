// Fault plans for the sandbox: answer matching requests with a service error (throttling, outages, refusals, replication
// delay), delay them or never answer them — by count, for a span of time, or at random — so tests and demos show each path.
import { z } from 'zod';

/** Operations a fault can name instead of a path: the calls the bot makes, as ARM/Graph/Partner Center receive them. */
export const FAULT_OPERATIONS = {
  'roleAssignments.create': { method: 'PUT', path: /\/providers\/microsoft\.authorization\/roleassignments\/[^/]+$/i },
  'roleAssignments.delete': { method: 'DELETE', path: /\/providers\/microsoft\.authorization\/roleassignments\/[^/]+$/i },
  'roleAssignments.get': { method: 'GET', path: /\/providers\/microsoft\.authorization\/roleassignments\/[^/]+$/i },
  'roleAssignments.list': { method: 'GET', path: /\/providers\/microsoft\.authorization\/roleassignments$/i },
  'roleDefinitions.list': { method: 'GET', path: /\/providers\/microsoft\.authorization\/roledefinitions$/i },
  'graph.users': { method: 'GET', path: /^\/v1\.0\/users/i },
  'partnerCenter.customers': { method: 'GET', path: /^\/v1\/customers/i },
} as const;
export type FaultOperation = keyof typeof FAULT_OPERATIONS;

/** Ready-made faults: what the real service answers in each case (any field given explicitly wins). */
const KINDS = {
  /** 429 with Retry-After (default 1 s), as ARM throttles. */
  throttle: { status: 429, code: 'TooManyRequests', message: 'The request is being throttled.', retryAfterSeconds: 1 },
  serverError: { status: 500, code: 'InternalServerError', message: 'Encountered internal server error. Diagnostic information: timestamp, correlation id.' },
  unavailable: { status: 503, code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' },
  /** ARM's answer for a principal that has not replicated yet (a new user). */
  principalNotFound: {
    status: 400,
    code: 'PrincipalNotFound',
    message: 'Principal does not exist in the directory. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay.',
  },
  /** 403: the caller lacks Microsoft.Authorization/roleAssignments/write on the scope. */
  forbidden: {
    status: 403,
    code: 'AuthorizationFailed',
    message: "The client does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over the scope or the scope is invalid.",
  },
  roleAssignmentLimitExceeded: {
    status: 400,
    code: 'RoleAssignmentLimitExceeded',
    message: 'No more role assignments can be created (the subscription has reached its limit).',
  },
  /** The request is held, then goes on normally (set delayMs). */
  delay: {},
  /** The request is never answered: held until the caller hangs up (or HANG_MS, so a forgotten one ends). */
  hang: {},
} as const satisfies Record<string, { status?: number; code?: string; message?: string; retryAfterSeconds?: number }>;
export type FaultKind = keyof typeof KINDS;

/** How long a `hang` holds a request whose caller never gives up: longer than any deadline a client should have. */
export const HANG_MS = 60 * 60_000;

export const faultSchema = z
  .object({
    /** A named operation (see FAULT_OPERATIONS); or method + pathIncludes. */
    operation: z.enum(Object.keys(FAULT_OPERATIONS) as [FaultOperation, ...FaultOperation[]]).optional(),
    method: z.string().optional(),
    /** Case-insensitive substring of the request path (query excluded). */
    pathIncludes: z.string().min(1).optional(),
    /** A ready-made answer (status, code, message, Retry-After); explicit fields override it. */
    kind: z.enum(Object.keys(KINDS) as [FaultKind, ...FaultKind[]]).optional(),
    /** HTTP status to answer with; omit for a delay-only fault (the request then proceeds normally). */
    status: z.number().int().min(100).max(599).optional(),
    /** The service's error code, e.g. "TooManyRequests", "PrincipalNotFound". */
    code: z.string().optional(),
    message: z.string().optional(),
    /** How many matching requests the fault applies to (default 1). Ignored when forSeconds is given. */
    times: z.number().int().positive().default(1),
    /** Time-based: every matching request for this many seconds from the first one that matches, then it is gone. */
    forSeconds: z.number().positive().optional(),
    /** Each matching request is hit with this probability (a miss does not use up `times`). */
    probability: z.number().gt(0).max(1).optional(),
    delayMs: z.number().int().nonnegative().optional(),
    retryAfterSeconds: z.number().nonnegative().optional(),
    /**
     * The operation is carried out first, then the delay and the error apply to its answer: a lost response
     * (the change happened, the caller does not know). Default false: the request never reaches the operation.
     */
    after: z.boolean().default(false),
  })
  .refine((f) => f.operation !== undefined || f.pathIncludes !== undefined, { message: 'name an operation or a pathIncludes', path: ['operation'] })
  .transform((f) => {
    const preset: { status?: number; code?: string; message?: string; retryAfterSeconds?: number } = f.kind ? KINDS[f.kind] : {};
    const status = f.status ?? preset.status;
    const delayMs = f.delayMs ?? (f.kind === 'hang' ? HANG_MS : undefined);
    return {
      ...f,
      ...(status === undefined ? {} : { status }),
      ...(delayMs === undefined ? {} : { delayMs }),
      code: f.code ?? preset.code ?? 'InternalServerError',
      ...(f.message ?? preset.message ? { message: f.message ?? preset.message } : {}),
      ...(f.retryAfterSeconds ?? preset.retryAfterSeconds) === undefined ? {} : { retryAfterSeconds: f.retryAfterSeconds ?? preset.retryAfterSeconds },
    };
  });

export type FaultSpec = z.input<typeof faultSchema>;
export type Fault = z.output<typeof faultSchema> & {
  /** Time-based faults: when the first matching request arrived (ms since epoch). */
  startedAt?: number;
};

/** A fault plan: one fault, or several (first match wins). */
export const faultPlanSchema = z.union([faultSchema.transform((f) => [f]), z.object({ faults: z.array(faultSchema) }).transform((p) => p.faults)]);

export interface FaultInjectorOptions {
  /** For time-based faults; default Date.now. */
  now?: () => number;
  /** For probabilistic faults, in [0, 1); default Math.random (pass a seeded one for reproducible runs). */
  random?: () => number;
}

export interface FaultInjector {
  add(fault: FaultSpec): void;
  clear(): void;
  /** Faults still armed, with their remaining `times`. */
  readonly pending: readonly Fault[];
  /** Takes (and counts down) the first fault matching this request. */
  take(method: string, path: string): Fault | undefined;
}

function matches(fault: Fault, method: string, path: string): boolean {
  if (fault.operation !== undefined) {
    const op = FAULT_OPERATIONS[fault.operation];
    if (op.method !== method.toUpperCase() || !op.path.test(path)) return false;
  }
  if (fault.method !== undefined && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  return fault.pathIncludes === undefined || path.toLowerCase().includes(fault.pathIncludes.toLowerCase());
}

export function createFaultInjector(options: FaultInjectorOptions = {}): FaultInjector {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const faults: Fault[] = [];
  return {
    add(spec) {
      faults.push(faultSchema.parse(spec));
    },
    clear() {
      faults.length = 0;
    },
    get pending() {
      return faults;
    },
    take(method, path) {
      const at = now();
      // Time-based faults whose span is over are gone.
      for (let i = faults.length - 1; i >= 0; i -= 1) {
        const f = faults[i];
        if (f?.forSeconds !== undefined && f.startedAt !== undefined && at - f.startedAt >= f.forSeconds * 1000) faults.splice(i, 1);
      }
      for (let index = 0; index < faults.length; index += 1) {
        const fault = faults[index];
        if (!fault || !matches(fault, method, path)) continue;
        if (fault.probability !== undefined && random() >= fault.probability) continue;
        if (fault.forSeconds !== undefined) {
          fault.startedAt ??= at;
          return { ...fault };
        }
        fault.times -= 1;
        if (fault.times <= 0) faults.splice(index, 1);
        return { ...fault };
      }
      return undefined;
    },
  };
}

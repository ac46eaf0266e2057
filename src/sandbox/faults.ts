// Fault injection for the sandbox: answer matching requests with a service error (throttling, outages) or delay them.
import { z } from 'zod';

export const faultSchema = z.object({
  method: z.string().optional(),
  /** Case-insensitive substring of the request path (query excluded). */
  pathIncludes: z.string().min(1),
  /** HTTP status to answer with; omit for a delay-only fault (the request then proceeds normally). */
  status: z.number().int().min(100).max(599).optional(),
  /** The service's error code, e.g. "TooManyRequests", "PrincipalNotFound". */
  code: z.string().default('InternalServerError'),
  message: z.string().optional(),
  /** How many matching requests the fault applies to (default 1). */
  times: z.number().int().positive().default(1),
  delayMs: z.number().int().nonnegative().optional(),
  retryAfterSeconds: z.number().nonnegative().optional(),
});

export type FaultSpec = z.input<typeof faultSchema>;
export type Fault = z.output<typeof faultSchema>;

export interface FaultInjector {
  add(fault: FaultSpec): void;
  clear(): void;
  /** Faults still armed, with their remaining `times`. */
  readonly pending: readonly Fault[];
  /** Takes (and counts down) the first fault matching this request. */
  take(method: string, path: string): Fault | undefined;
}

export function createFaultInjector(): FaultInjector {
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
      const lowerPath = path.toLowerCase();
      const index = faults.findIndex(
        (f) =>
          (f.method === undefined || f.method.toUpperCase() === method.toUpperCase()) &&
          lowerPath.includes(f.pathIncludes.toLowerCase()),
      );
      const fault = index >= 0 ? faults[index] : undefined;
      if (!fault) return undefined;
      fault.times -= 1;
      if (fault.times <= 0) faults.splice(index, 1);
      return { ...fault };
    },
  };
}

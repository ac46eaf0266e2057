// Reads and validates the policy file (YAML or JSON); a bad file stops the start with the paths that are wrong.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { AccessPolicy } from '../domain/policy';

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');
const roleRule = z
  .object({
    forbidden: z.boolean().optional(),
    approvals: z.number().int().min(1).max(10).optional(),
    maxDurationHours: z.number().positive().optional(),
    justificationRequired: z.boolean().optional(),
  })
  .strict();
const principals = z.object({ users: z.array(guid).default([]), groups: z.array(guid).default([]) }).strict().default({ users: [], groups: [] });
const policySchema = z
  .object({
    requesters: principals,
    approvers: principals,
    defaults: roleRule.default({}),
    roles: z.record(z.string(), roleRule).nullish().transform((value) => value ?? {}),
    customers: z.record(z.string(), roleRule.extend({ roles: z.record(z.string(), roleRule).optional() }).strict()).nullish().transform((value) => value ?? {}),
  })
  .strict();

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

export function parsePolicy(text: string, source: string): AccessPolicy {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new PolicyError(`${source}: not valid YAML/JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = policySchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new PolicyError(`${source}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'} ${issue.message}`).join('; ')}`);
  }
  const { defaults, ...rest } = parsed.data;
  return {
    ...rest,
    defaults: { forbidden: defaults.forbidden ?? false, approvals: defaults.approvals ?? 1, justificationRequired: defaults.justificationRequired ?? false, ...(defaults.maxDurationHours ? { maxDurationHours: defaults.maxDurationHours } : {}) },
  };
}

/** The committed default policy (policy.default.yaml at the repository root). */
export function defaultPolicyPath(start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'policy.default.yaml');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new PolicyError(`policy.default.yaml not found above ${start}`);
  }
}

export function loadPolicy(path: string | undefined): AccessPolicy {
  const file = path ?? defaultPolicyPath();
  if (!existsSync(file)) throw new PolicyError(`POLICY_FILE ${file} does not exist`);
  return parsePolicy(readFileSync(file, 'utf8'), file);
}

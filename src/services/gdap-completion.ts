// Completing a GDAP relationship the customer approved: its roles go to the partner's security groups (access assignments).
//
// An approved relationship gives nobody anything until an access assignment names a partner security group and some of
// its roles; only once the assignment is `active` do the group's members (the bot's service account) hold them.
import type { Clock } from './clock';
import { SPENT_ASSIGNMENT } from './readiness-gdap';
import type { GdapGateway } from './relationships-ports';
import type { ChangeLog } from '../store/ports';

export type CompletionResult =
  /** The relationship is not active (yet, or any more): nothing to assign. */
  | { readonly kind: 'not_active'; readonly status: string }
  /** GDAP_SECURITY_GROUPS is empty: there is no group to give the roles to. */
  | { readonly kind: 'no_group_configured' }
  /** Assignments exist (or were just created) but are not all active yet. */
  | { readonly kind: 'pending' }
  /** Every configured group holds its roles through an active assignment. */
  | { readonly kind: 'done' }
  /** Restoring, and the relationship holds none of GDAP_ROLES: nothing is created (an admin is asked instead). */
  | { readonly kind: 'no_configured_role' };

export interface GdapCompletionDependencies {
  readonly gdap: GdapGateway;
  /** GDAP_SECURITY_GROUPS: the partner groups that get the roles (the service account's group among them). */
  readonly securityGroupIds: readonly string[];
  /** GDAP_ROLES: what each group gets, as far as the relationship holds it. */
  readonly roleDefinitionIds: readonly string[];
  readonly changes: ChangeLog;
  readonly clock: Clock;
}

export class GdapCompletion {
  /** One completion per relationship at a time (two waiting requests share a relationship). */
  private readonly running = new Map<string, Promise<CompletionResult>>();

  constructor(private readonly deps: GdapCompletionDependencies) {}

  /**
   * `restoring`: the relationship had its assignment and lost it (a partner admin deleted it): only GDAP_ROLES are
   * given back, never every role the relationship holds (it may hold Global Administrator), and none if it holds none.
   */
  complete(relationshipId: string, options: { readonly restoring?: boolean } = {}): Promise<CompletionResult> {
    const running = this.running.get(relationshipId);
    if (running) return running;
    const job = this.run(relationshipId, options.restoring ?? false).finally(() => this.running.delete(relationshipId));
    this.running.set(relationshipId, job);
    return job;
  }

  private async run(relationshipId: string, restoring: boolean): Promise<CompletionResult> {
    const { gdap } = this.deps;
    const relationship = await gdap.getRelationship(relationshipId);
    if (!relationship || relationship.status.toLowerCase() !== 'active') return { kind: 'not_active', status: relationship?.status ?? 'not_found' };
    if (this.deps.securityGroupIds.length === 0) return { kind: 'no_group_configured' };
    // Graph refuses roles the relationship does not hold: only those are asked for (all of them if none configured fits).
    const held = new Set(relationship.roleDefinitionIds.map((r) => r.toLowerCase()));
    const wanted = this.deps.roleDefinitionIds.map((r) => r.toLowerCase()).filter((r) => held.has(r));
    if (restoring && wanted.length === 0) return { kind: 'no_configured_role' };
    const roles = wanted.length > 0 ? wanted : [...held];
    const existing = (await gdap.listAccessAssignments(relationshipId)).filter((a) => !SPENT_ASSIGNMENT.has(a.status.toLowerCase()));
    let allActive = true;
    for (const groupId of this.deps.securityGroupIds) {
      const current = existing.find((a) => a.groupId.toLowerCase() === groupId.toLowerCase());
      if (current) {
        if (current.status.toLowerCase() !== 'active') allActive = false;
        continue;
      }
      const created = await gdap.createAccessAssignment(relationshipId, groupId, roles);
      await this.deps.changes.record({ audit: {
        event: 'gdap_access_assigned',
        actor: 'system',
        at: this.deps.clock.now().toISOString(),
        detail: { customer: relationship.customerTenantId ?? '', relationshipId, groupId, roles, accessAssignmentId: created.id, status: created.status },
        ...(relationship.customerTenantId ? { customer: { tenantId: relationship.customerTenantId } } : {}),
      } });
      if (created.status.toLowerCase() !== 'active') allActive = false;
    }
    return allActive ? { kind: 'done' } : { kind: 'pending' };
  }
}

// Microsoft Graph's authorisation of the sandbox's routes: the token's permissions, plus the partner user's GDAP roles in a customer tenant.
import type { SandboxRequest, SandboxResponse } from './http-kit';
import { graphError } from './graph-user-pages';
import {
  callerOf, ENTRA_ROLES, hasPermission, holdsDirectoryRole, isAdminAgent, isPartnerUser, sameId, type Caller,
} from './authorization';
import type { SandboxState } from './state';

/** Graph's 403 for a token that lacks the permission or the directory role. */
export const insufficientPrivileges = (): SandboxResponse =>
  graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

const USER_READ = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
/** Delegated only: User.ReadBasic.All reads the basic profile a member may see. */
const USER_READ_DELEGATED = [...USER_READ, 'User.ReadBasic.All'];
const GROUP_MEMBER_READ = ['GroupMember.Read.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const GDAP_READ = ['DelegatedAdminRelationship.Read.All', 'DelegatedAdminRelationship.ReadWrite.All'];
const GDAP_WRITE = ['DelegatedAdminRelationship.ReadWrite.All'];

/** Entra roles that read a customer's users under GDAP (PC-mirror dap-api-impact.md; Global Administrator reads all). */
export const DIRECTORY_READING_ROLES = [ENTRA_ROLES.directoryReaders, ENTRA_ROLES.globalReader, ENTRA_ROLES.userAdministrator, ENTRA_ROLES.globalAdministrator];

type Checked = { caller: Caller } | { refused: SandboxResponse };

function callerOrRefusal(req: SandboxRequest): Checked {
  const caller = callerOf(req.token);
  return caller ? { caller } : { refused: graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.') };
}

/**
 * Directory reads in the token's tenant. An app needs the application permission there (its consent in that tenant).
 * A user needs the delegated permission; a partner user in a customer tenant also needs, through GDAP (or DAP), a
 * role that reads the directory: a user of the tenant itself reads as a member does.
 */
function directoryRead(state: SandboxState, req: SandboxRequest, appPermissions: readonly string[], delegated: readonly string[]): SandboxResponse | undefined {
  const checked = callerOrRefusal(req);
  if ('refused' in checked) return checked.refused;
  const { caller } = checked;
  if (caller.kind === 'app') return hasPermission(caller, appPermissions) ? undefined : insufficientPrivileges();
  if (!hasPermission(caller, delegated)) return insufficientPrivileges();
  if (sameId(caller.homeTenantId, caller.tenantId)) return undefined;
  return holdsDirectoryRole(state, caller, DIRECTORY_READING_ROLES) ? undefined : insufficientPrivileges();
}

/** GET /users, /users/{id}: undefined when allowed, else Graph's refusal. */
export const authorizeUserRead = (state: SandboxState, req: SandboxRequest): SandboxResponse | undefined =>
  directoryRead(state, req, USER_READ, USER_READ_DELEGATED);

/** Group membership reads (transitiveMembers, checkMemberGroups). */
export const authorizeGroupMemberRead = (state: SandboxState, req: SandboxRequest): SandboxResponse | undefined =>
  directoryRead(state, req, GROUP_MEMBER_READ, GROUP_MEMBER_READ);

/**
 * GDAP relationships are the partner's objects: the token must be issued in the partner tenant and carry
 * DelegatedAdminRelationship.Read(Write).All (delegated `scp`, or application `roles`); a user must also be an Admin
 * Agent, the Partner Center role that manages GDAP ("Someone with the Admin agent role … can create a GDAP relationship").
 */
export function authorizeGdap(state: SandboxState, req: SandboxRequest, write: boolean): SandboxResponse | undefined {
  const checked = callerOrRefusal(req);
  if ('refused' in checked) return checked.refused;
  const { caller } = checked;
  if (!sameId(caller.tenantId, state.partner.tenantId)) return insufficientPrivileges();
  if (!hasPermission(caller, write ? GDAP_WRITE : GDAP_READ)) return insufficientPrivileges();
  if (caller.kind === 'user' && !(isPartnerUser(state, caller) && isAdminAgent(state, caller.objectId))) return insufficientPrivileges();
  return undefined;
}

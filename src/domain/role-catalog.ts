// The words people use for Azure roles (short forms, French portal names) mapped to Azure's role names.
import { foldText } from './text';

/** Built-in roles a sales agent asks for by name: matched whole, so "Virtual Machine Contributor" never reads as "Contributor". */
const BUILT_IN_ROLES = [
  'Owner',
  'Contributor',
  'Reader',
  'User Access Administrator',
  'Role Based Access Control Administrator',
  'Virtual Machine Contributor',
  'Virtual Machine Administrator Login',
  'Virtual Machine User Login',
  'Network Contributor',
  'Storage Account Contributor',
  'Storage Blob Data Owner',
  'Storage Blob Data Contributor',
  'Storage Blob Data Reader',
  'Key Vault Administrator',
  'Key Vault Reader',
  'Key Vault Secrets User',
  'Key Vault Secrets Officer',
  'Website Contributor',
  'Web Plan Contributor',
  'SQL DB Contributor',
  'SQL Server Contributor',
  'SQL Security Manager',
  'Monitoring Reader',
  'Monitoring Contributor',
  'Log Analytics Reader',
  'Log Analytics Contributor',
  'Cost Management Reader',
  'Cost Management Contributor',
  'Billing Reader',
  'Security Reader',
  'Security Admin',
  'Backup Reader',
  'Backup Contributor',
  'Backup Operator',
  'Support Request Contributor',
  'Tag Contributor',
  'Resource Policy Contributor',
  'Managed Identity Operator',
  'Managed Identity Contributor',
  'Automation Operator',
  'AcrPull',
  'AcrPush',
  'Azure Kubernetes Service Cluster User Role',
  'Azure Kubernetes Service Cluster Admin Role',
  'Azure Kubernetes Service RBAC Reader',
  'Azure Kubernetes Service RBAC Writer',
  'Azure Kubernetes Service RBAC Admin',
  'Azure Kubernetes Service RBAC Cluster Admin',
] as const;

/**
 * Built-in roles by the name the Azure portal shows in French, with each one's definition GUID (the same in every
 * tenant). Only names found on Microsoft's French pages are here (Learn fr-fr « Rôles intégrés Azure », and the portal
 * steps « Dans la liste déroulante Rôle, sélectionnez … »): a role missing from this table is shown by its ARM name in
 * French too, which is never wrong, only less friendly.
 */
const FRENCH_NAMES: Readonly<Record<string, { readonly fr: string; readonly guid: string }>> = {
  Owner: { fr: 'Propriétaire', guid: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635' },
  Contributor: { fr: 'Contributeur', guid: 'b24988ac-6180-42a0-ab88-20f7382dd24c' },
  Reader: { fr: 'Lecteur', guid: 'acdd72a7-3385-48ef-bd42-f606fba81ae7' },
  'User Access Administrator': { fr: "Administrateur de l'accès utilisateur", guid: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9' },
  'Virtual Machine Contributor': { fr: 'Contributeur de machines virtuelles', guid: '9980e02c-c2be-4d73-94e8-173b1dc7cf3c' },
  'Billing Reader': { fr: 'Lecteur de facturation', guid: 'fa23ad8b-c56e-40d8-ac0c-ce449e1d2c64' },
  'Monitoring Reader': { fr: 'Lecteur de surveillance', guid: '43d0d8ad-25c7-4714-9337-8ba259a9fe05' },
  'Cost Management Reader': { fr: 'Lecteur de gestion des coûts', guid: '72fafb9e-0641-4937-9268-a91bfd8191a3' },
  'Security Reader': { fr: 'Lecteur de sécurité', guid: '39bc4728-0917-49c7-9d2c-d95423bc2eb4' },
  'Backup Contributor': { fr: 'Contributeur de sauvegarde', guid: '5e467623-bb1f-42f4-a55d-6e525e11384b' },
};

/** Short forms and other French names people write (folded: lower case, no accents); the portal's French names are added below. */
const SHORT_FORMS: Readonly<Record<string, string>> = {
  owner: 'Owner',
  contributor: 'Contributor',
  contrib: 'Contributor',
  collaborateur: 'Contributor',
  reader: 'Reader',
  read: 'Reader',
  'read only': 'Reader',
  'read-only': 'Reader',
  readonly: 'Reader',
  lecture: 'Reader',
  'lecture seule': 'Reader',
  uaa: 'User Access Administrator',
  'user access admin': 'User Access Administrator',
  "administrateur d'acces utilisateur": 'User Access Administrator',
  'rbac admin': 'Role Based Access Control Administrator',
  'rbac administrator': 'Role Based Access Control Administrator',
  'role-based access control administrator': 'Role Based Access Control Administrator',
  // Not shown in French: no French page of Microsoft's names it, so the ARM name is kept on cards and in sentences.
  "administrateur du controle d'acces en fonction du role": 'Role Based Access Control Administrator',
  "administrateur du controle d'acces base sur les roles": 'Role Based Access Control Administrator',
  'administrateur rbac': 'Role Based Access Control Administrator',
  'vm contributor': 'Virtual Machine Contributor',
  'contributeur de machine virtuelle': 'Virtual Machine Contributor',
};

const ALIASES: ReadonlyMap<string, string> = new Map([
  ...BUILT_IN_ROLES.map((name): [string, string] => [foldText(name), name]),
  ...Object.entries(SHORT_FORMS),
  // The name the bot shows in French reads back as the same role (a choice card's button resends it).
  ...Object.entries(FRENCH_NAMES).map(([name, { fr }]): [string, string] => [foldText(fr), name]),
]);

/** Every known role phrase (folded), longest first: the parser tries them in this order. */
export const KNOWN_ROLE_PHRASES: readonly string[] = [...ALIASES.keys()].sort((a, b) => b.length - a.length);

/** The Azure role name for a known phrase (folded or not), or undefined. */
export function knownRole(phrase: string): string | undefined {
  return ALIASES.get(foldText(phrase));
}

/** The Azure role name a phrase stands for, if it is one of the well-known words; otherwise the phrase itself. */
export function canonicalRoleName(phrase: string): string {
  return knownRole(phrase) ?? phrase.trim();
}

/** Roles that hand out access to others: they deserve the strictest policy. */
export const PRIVILEGED_ROLES: ReadonlySet<string> = new Set(['Owner', 'User Access Administrator', 'Role Based Access Control Administrator']);

/**
 * A request's role that hands out access: one of the built-ins above by name, or any role whose permissions were found
 * to manage access (`managesAccess`, set from its definition: a customer's custom role can be Owner in all but name).
 */
export function isPrivilegedRole(role: { readonly name: string; readonly managesAccess?: boolean }): boolean {
  return role.managesAccess === true || [...PRIVILEGED_ROLES].some((name) => name.toLowerCase() === role.name.toLowerCase());
}

/**
 * The French portal's name of a built-in role, from its exact ARM name; undefined for any other role (custom roles keep
 * the name their owner gave them). With `definitionId`, the role must also be that built-in role by GUID, so that a
 * custom role that happened to carry a built-in's name is never dressed up as the built-in.
 */
export function frenchRoleName(armName: string, definitionId?: string): string | undefined {
  if (!Object.hasOwn(FRENCH_NAMES, armName)) return undefined;
  const entry = FRENCH_NAMES[armName];
  if (!entry) return undefined;
  if (definitionId !== undefined && definitionId.split('/').pop()?.toLowerCase() !== entry.guid) return undefined;
  return entry.fr;
}

/**
 * How a role is named where a French reader must know exactly which role it is (a card's Role line, a role to choose):
 * the French portal's name with the ARM name beside it, « Contributeur (Contributor) »; the ARM name alone otherwise.
 */
export function frenchRoleLabel(armName: string, definitionId?: string): string {
  const french = frenchRoleName(armName, definitionId);
  return french ? `${french} (${armName})` : armName;
}

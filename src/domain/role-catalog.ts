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

/** Short forms and the French portal's names (folded: lower case, no accents). */
const SHORT_FORMS: Readonly<Record<string, string>> = {
  owner: 'Owner',
  proprietaire: 'Owner',
  contributor: 'Contributor',
  contrib: 'Contributor',
  contributeur: 'Contributor',
  collaborateur: 'Contributor',
  reader: 'Reader',
  read: 'Reader',
  'read only': 'Reader',
  'read-only': 'Reader',
  readonly: 'Reader',
  lecteur: 'Reader',
  lecture: 'Reader',
  'lecture seule': 'Reader',
  uaa: 'User Access Administrator',
  'user access admin': 'User Access Administrator',
  "administrateur de l'acces utilisateur": 'User Access Administrator',
  "administrateur d'acces utilisateur": 'User Access Administrator',
  'rbac admin': 'Role Based Access Control Administrator',
  'rbac administrator': 'Role Based Access Control Administrator',
  'role-based access control administrator': 'Role Based Access Control Administrator',
  "administrateur du controle d'acces en fonction du role": 'Role Based Access Control Administrator',
  "administrateur du controle d'acces base sur les roles": 'Role Based Access Control Administrator',
  'administrateur rbac': 'Role Based Access Control Administrator',
  'vm contributor': 'Virtual Machine Contributor',
  'contributeur de machines virtuelles': 'Virtual Machine Contributor',
  'contributeur de machine virtuelle': 'Virtual Machine Contributor',
  'lecteur de facturation': 'Billing Reader',
  'lecteur de surveillance': 'Monitoring Reader',
  'lecteur de gestion des couts': 'Cost Management Reader',
};

const ALIASES: ReadonlyMap<string, string> = new Map([
  ...BUILT_IN_ROLES.map((name): [string, string] => [foldText(name), name]),
  ...Object.entries(SHORT_FORMS),
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

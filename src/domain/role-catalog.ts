// The words people use for Azure roles (short forms, French portal names) mapped to Azure's role names.

const ALIASES: Readonly<Record<string, string>> = {
  owner: 'Owner',
  proprietaire: 'Owner',
  contributor: 'Contributor',
  contributeur: 'Contributor',
  reader: 'Reader',
  'read only': 'Reader',
  'read-only': 'Reader',
  readonly: 'Reader',
  lecteur: 'Reader',
  'lecture seule': 'Reader',
  uaa: 'User Access Administrator',
  'user access admin': 'User Access Administrator',
  'user access administrator': 'User Access Administrator',
  "administrateur de l'acces utilisateur": 'User Access Administrator',
  'rbac admin': 'Role Based Access Control Administrator',
  'rbac administrator': 'Role Based Access Control Administrator',
  'role based access control administrator': 'Role Based Access Control Administrator',
  "administrateur du controle d'acces en fonction du role": 'Role Based Access Control Administrator',
};

/** The Azure role name a phrase stands for, if it is one of the well-known words; otherwise the phrase itself. */
export function canonicalRoleName(phrase: string): string {
  const key = phrase
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  return ALIASES[key] ?? phrase.trim();
}

/** Roles that hand out access to others: they deserve the strictest policy. */
export const PRIVILEGED_ROLES: ReadonlySet<string> = new Set(['Owner', 'User Access Administrator', 'Role Based Access Control Administrator']);

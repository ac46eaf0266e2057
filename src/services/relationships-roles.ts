// Azure built-in role GUIDs (the same in every tenant): what a draft can name before the customer lets us read ARM.
import { canonicalRoleName } from '../domain/role-catalog';
import type { SubscriptionId } from '../domain/ids';
import type { RoleDefinition } from './ports';

/** Built-in roles by name → definition GUID (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
const BUILT_IN_ROLE_IDS: Readonly<Record<string, string>> = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'User Access Administrator': '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  'Role Based Access Control Administrator': 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  'Virtual Machine Contributor': '9980e02c-c2be-4d73-94e8-173b1dc7cf3c',
  'Network Contributor': '4d97b98b-1d4f-4787-a291-c67834d212e7',
  'Storage Account Contributor': '17d1049b-9a84-46fb-8f53-869881c3d3ab',
  'Key Vault Administrator': '00482a5a-887f-4fb3-b363-3b7fe8e74483',
  'Monitoring Reader': '43d0d8ad-25c7-4714-9337-8ba259a9fe05',
  'Cost Management Reader': '72fafb9e-0641-4937-9268-a91bfd8191a3',
  'Security Reader': '39bc4728-0917-49c7-9d2c-d95423bc2eb4',
  'Website Contributor': 'de139f84-1756-47ae-9be6-808fbbe84772',
  'SQL DB Contributor': '9b7fa17d-e63e-47b0-bb0a-15c516ac86ec',
  'Backup Contributor': '5e467623-bb1f-42f4-a55d-6e525e11384b',
};

/** The built-in role `phrase` names ("Contributeur", "read-only"…) at the subscription; undefined for any other role. */
export function builtInRole(phrase: string, subscriptionId: SubscriptionId): RoleDefinition | undefined {
  const name = canonicalRoleName(phrase);
  const entry = Object.entries(BUILT_IN_ROLE_IDS).find(([roleName]) => roleName.toLowerCase() === name.toLowerCase());
  if (!entry) return undefined;
  const [roleName, guid] = entry;
  return { id: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`, name: guid, roleName, description: '', roleType: 'BuiltInRole' };
}

export const BUILT_IN_ROLE_NAMES: readonly string[] = Object.keys(BUILT_IN_ROLE_IDS);

/** Microsoft Entra built-in role template ids a GDAP relationship may ask for → their names (for the invitation). */
const ENTRA_ROLE_NAMES: Readonly<Record<string, string>> = {
  '88d8e3e3-8f55-4a1e-953a-9b9898b8876b': 'Directory Readers',
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator',
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': 'Application Administrator',
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': 'Helpdesk Administrator',
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'User Administrator',
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451': 'Global Reader',
  'e6d1a23a-da11-4be4-9570-befc86d067a7': 'Compliance Administrator',
  '29232cdf-9323-42fd-ade2-1d097af3e4de': 'Exchange Administrator',
  '3a2c62db-5318-420d-8d74-23affee5d9d5': 'Intune Administrator',
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
  'fdd7a751-b60b-444a-984c-02652fe8fa1c': 'Groups Administrator',
  '194ae4cb-b126-40b2-bd5b-6091b380977d': 'Security Administrator',
};

export const entraRoleName = (roleDefinitionId: string): string => ENTRA_ROLE_NAMES[roleDefinitionId.toLowerCase()] ?? roleDefinitionId;

// Builds the three cloud gateways (Partner Center, Graph, ARM) from endpoints, one credential and TLS/retry options.
import type { PipelineRetryOptions } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import type { AzureRbacGateway, DirectoryGateway, PartnerCenterGateway } from '../services/ports';
import { ArmRbacGateway } from './arm-rbac-gateway';
import { GraphDirectoryGateway } from './graph-directory-gateway';
import { PartnerCenterRestGateway } from './partner-center-gateway';

export const DEFAULT_ENDPOINTS = {
  arm: 'https://management.azure.com',
  graph: 'https://graph.microsoft.com',
  partnerCenter: 'https://api.partnercenter.microsoft.com',
} as const;

export interface CreateGatewaysOptions {
  /** Base URLs without path; they may all be the same sandbox URL (https://127.0.0.1:PORT). */
  armEndpoint: string;
  graphEndpoint: string;
  partnerCenterEndpoint: string;
  credential: TokenCredential;
  /** The partner's tenant: Partner Center tokens are asked for there. */
  partnerTenantId: string;
  /** Extra CA certificate (PEM) to trust besides Node's roots, e.g. the sandbox's. */
  tlsCa?: string;
  /** The call policy's retry options (a 429's Retry-After up to one backoff step is honoured); default each gateway's own. */
  retryOptions?: PipelineRetryOptions;
  /** The deadline of each attempt at a call; default DEFAULT_REQUEST_TIMEOUT_IN_MS (60 s; tests shorten it). */
  requestTimeoutInMs?: number;
  /** ARM token audience; default https://management.azure.com. */
  armAudience?: string;
}

export interface Gateways {
  partnerCenter: PartnerCenterGateway;
  directory: DirectoryGateway;
  rbac: AzureRbacGateway;
}

export function createGateways(options: CreateGatewaysOptions): Gateways {
  const shared = { credential: options.credential, tlsCa: options.tlsCa, retryOptions: options.retryOptions, requestTimeoutInMs: options.requestTimeoutInMs };
  return {
    partnerCenter: new PartnerCenterRestGateway({ ...shared, endpoint: options.partnerCenterEndpoint, partnerTenantId: options.partnerTenantId }),
    directory: new GraphDirectoryGateway({ ...shared, endpoint: options.graphEndpoint }),
    rbac: new ArmRbacGateway({ ...shared, endpoint: options.armEndpoint, armAudience: options.armAudience }),
  };
}

export { ArmRbacGateway, GraphDirectoryGateway, PartnerCenterRestGateway };
export { DEFAULT_REQUEST_TIMEOUT_IN_MS, worstCaseCallInMs, type CallPolicyOptions } from './call-policy';
export { createAzureCredential, forTenant, SANDBOX_PARTNER_TENANT_ID, type AzureAppSecret, type AzureCredentialOptions } from './credentials';
export { DelegatedCredential, type DelegatedCredentialOptions } from './credentials-delegated';
export { entraNetworkClient, isMicrosoftAuthorityHost } from './credentials-network';
export { createPartnerCredential, openRefreshTokenStore, type PartnerCredential, type PartnerCredentialSettings } from './credentials-setup';
export { aadstsOf, entraRefusal, serviceRefusal } from './token-errors';

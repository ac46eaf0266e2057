// Entra's grants that outlive a request: refresh tokens (opaque, bound to user and client) and pending device codes.
import { randomBytes } from 'node:crypto';

const DAY_MS = 86_400_000;
/** A refresh token not redeemed for 90 days stops working (AADSTS700082). */
export const REFRESH_TOKEN_IDLE_MS = 90 * DAY_MS;

export interface RefreshGrant {
  readonly userId: string;
  readonly clientId: string;
  /** When this token was issued (each redemption issues a new one; this one keeps its own age). */
  readonly issuedAt: number;
}

/** Opaque strings shaped like Entra's ("0.A…"), each mapped to who it is for. */
export class RefreshTokens {
  private readonly grants = new Map<string, RefreshGrant>();
  /** Per user: refresh tokens issued before this instant are revoked (refreshTokensValidFromDateTime). */
  private readonly validFrom = new Map<string, number>();

  issue(userId: string, clientId: string, now: number): string {
    const token = `0.A${randomBytes(96).toString('base64url')}`;
    this.grants.set(token, { userId: userId.toLowerCase(), clientId: clientId.toLowerCase(), issuedAt: now });
    return token;
  }

  find(token: string): RefreshGrant | undefined {
    return this.grants.get(token);
  }

  /** What `POST /users/{id}/revokeSignInSessions` does: every refresh token issued so far stops working. */
  revokeSessions(userId: string, now: number): void {
    this.validFrom.set(userId.toLowerCase(), now);
  }

  validFromOf(userId: string): number | undefined {
    return this.validFrom.get(userId.toLowerCase());
  }
}

export interface DeviceCodeGrant {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly clientId: string;
  /** The authority's tenant (undefined for common/organizations: the user's home tenant). */
  readonly tenantId: string | undefined;
  readonly scope: string;
  readonly expiresAt: number;
  /** Set when a person signed in on the device-login page (or a test approved it). */
  userId?: string;
  /** Redeemed once; later polls are refused. */
  redeemed?: boolean;
}

/** 15 minutes, as Entra's `expires_in` for device codes. */
export const DEVICE_CODE_LIFETIME_MS = 15 * 60_000;

const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export class DeviceCodes {
  private readonly byDevice = new Map<string, DeviceCodeGrant>();

  start(clientId: string, tenantId: string | undefined, scope: string, now: number): DeviceCodeGrant {
    const bytes = randomBytes(9);
    const userCode = [...bytes].map((b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length] ?? 'A').join('');
    const grant: DeviceCodeGrant = { deviceCode: `DAQABAAEAAAD${randomBytes(48).toString('base64url')}`, userCode, clientId, tenantId, scope, expiresAt: now + DEVICE_CODE_LIFETIME_MS };
    this.byDevice.set(grant.deviceCode, grant);
    return grant;
  }

  byDeviceCode(deviceCode: string): DeviceCodeGrant | undefined {
    return this.byDevice.get(deviceCode);
  }

  /** The pending, unexpired grant a person typed the code of (case and dashes ignored). */
  byUserCode(userCode: string, now: number): DeviceCodeGrant | undefined {
    const wanted = userCode.replace(/[\s-]/g, '').toUpperCase();
    return [...this.byDevice.values()].find((g) => g.userCode === wanted && g.expiresAt > now && !g.redeemed);
  }
}

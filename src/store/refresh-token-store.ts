// Port: where the partner service account's newest refresh token is kept (SQLite in STORE by default, or Azure Key Vault).

/**
 * Keeps one secret: the newest refresh token of the Secure Application Model's service account. Every redemption
 * returns a new one and the bot saves it, so that a restart (or `npm run consent`) starts from the newest.
 */
export interface RefreshTokenStore {
  /** Where the token is kept, for people: never the token itself. */
  readonly location: string;
  /** The newest saved token; undefined when none was ever saved. */
  read(): Promise<string | undefined>;
  save(refreshToken: string): Promise<void>;
  /** Releases what the store holds open (a database handle); the store is not used afterwards. */
  close(): Promise<void>;
}

// Types for guards.cjs (plain CommonJS, so that node can preload it without a compiler).
export interface Refusal {
  readonly kind: 'network' | 'write';
  /** host:port or the host or query refused, or the absolute path that would have been written. */
  readonly target: string;
  readonly stack: string;
}
export declare function takeRefusals(): Refusal[];
export declare function withGuards(nodeOptions: string | undefined): string;
export declare function isLoopback(host: string | undefined): boolean;
export declare const NETWORK_REFUSED: 'ERR_TEST_NETWORK_GUARD';
export declare const CHECKOUT_WRITE_REFUSED: 'ERR_TEST_CHECKOUT_WRITE';
/** The checkout's absolute path. */
export declare const checkout: string;

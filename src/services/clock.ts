// Time and fresh ids come in from outside so tests control them.
import { randomUUID } from 'node:crypto';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
export type IdGenerator = () => string;
export const randomIds: IdGenerator = () => randomUUID();

// What the endpoint accepts before botbuilder sees it: a JSON activity of a sane shape, from an allowed channel.
import { z } from 'zod';

/** Teams only. The Agents Playground also says "msteams"; emulator/webchat carry no Entra identity or tenant. */
export const ALLOWED_CHANNELS: ReadonlySet<string> = new Set(['msteams']);

const id = z.string().min(1).max(1024);
const account = z.object({ id: z.string().max(1024), name: z.string().max(1024).optional(), aadObjectId: z.string().max(128).optional() }).passthrough();

/** The fields every use of an activity relies on; the rest is passed through for botbuilder to read. */
export const inboundActivity = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(1024).optional(),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.string().max(2048).url().refine((url) => /^https?:\/\//i.test(url), 'must be http(s)'),
    conversation: z.object({ id, tenantId: z.string().max(128).optional() }).passthrough(),
    from: account.optional(),
    recipient: account.optional(),
    text: z.string().max(100_000).optional(),
    locale: z.string().max(64).optional(),
    channelData: z.record(z.unknown()).optional(),
  })
  .passthrough();

export type InboundActivity = z.infer<typeof inboundActivity>;

/** A log-safe form of an id taken from a request: printable, bounded. */
export const safeId = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.replace(/[^\w:.@;=|-]/g, '?').slice(0, 128) : undefined;

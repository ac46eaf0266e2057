// The sandbox's stand-in for the customer's admin center: a small page where "the customer" accepts the partner's
// reseller relationship request or approves a GDAP relationship, after which the sandbox reports it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { activateGdapRelationship } from './gdap-routes';
import type { SandboxState } from './state';

const PREFIX = '/_sandbox/relationship/';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Where Partner Center's relationship-request URL points in the sandbox (one URL per partner, as in Partner Center). */
export const sandboxRelationshipUrl = (baseUrl: string, partnerId: string): string => `${baseUrl}${PREFIX}${partnerId}`;

/**
 * Accepts for the customer: a GDAP relationship waiting for approval becomes active (its roles reach partner users only
 * once the partner creates access assignments); or the reseller relationship, which makes `relationshipToPartner`
 * "reseller" and nothing more. Choice: no DAP (retired; none granted since 25 Sep 2023) and no default GDAP either —
 * Microsoft grants "Default GDAP" only to customers the partner *creates* in Partner Center ("What Azure Active Directory
 * roles would be granted for default GDAP as part of Create customer?", PC-mirror gdap-faq.md), not to an existing
 * tenant that accepts a reseller invitation; such a customer needs a GDAP request of its own.
 */
export function acceptRelationship(state: SandboxState, what: { customer?: string; relationship?: string }): boolean {
  if (what.relationship) return activateGdapRelationship(state, what.relationship) !== undefined;
  const customer = what.customer === undefined ? undefined : state.customer(what.customer);
  if (!customer) return false;
  customer.relationshipToPartner = 'reseller';
  return true;
}

function page(state: SandboxState, partnerId: string, message: string): string {
  const waiting = state.customers.filter((c) => c.relationshipToPartner.toLowerCase() !== 'reseller');
  const gdap = state.gdapRelationships.filter((r) => r.status === 'approvalPending');
  const form = (field: string, value: string, label: string) =>
    `<form method="post" action="${PREFIX}${escape(partnerId)}/accept"><input type="hidden" name="${field}" value="${escape(value)}"><button type="submit">${escape(label)}</button></form>`;
  const rows = [
    ...waiting.map((c) => `<li><b>${escape(c.companyName)}</b> (${escape(c.domain)}) — reseller relationship ${form('customer', c.id, `Accept as ${c.companyName}`)}</li>`),
    ...gdap.map((r) => `<li><b>${escape(r.customerDisplayName)}</b> — GDAP relationship "${escape(r.displayName)}", ${r.roles.length} Entra role(s), ${escape(r.duration)} ${form('relationship', r.id, `Approve as ${r.customerDisplayName}`)}</li>`),
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sandbox — partner relationship requests</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5}li{margin:.8rem 0}form{display:inline;margin-left:.5rem}.note{background:#eef6ee;padding:.5rem 1rem}</style></head>
<body><h1>${escape(state.partner.name)} asks to become your partner</h1>
<p>This page stands in for the Microsoft 365 admin center of the partner's customers (sandbox only). A customer's global administrator would sign in and accept here.</p>
${message ? `<p class="note">${escape(message)}</p>` : ''}
${rows.length ? `<ul>${rows.join('\n')}</ul>` : '<p>No customer is waiting: every customer has accepted a relationship.</p>'}
</body></html>`;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if ((req.headers['content-type'] ?? '').includes('json')) {
        try {
          const parsed = JSON.parse(text || '{}') as Record<string, unknown>;
          resolve(new URLSearchParams(Object.entries(parsed).filter(([, v]) => typeof v === 'string') as [string, string][]));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
        return;
      }
      resolve(new URLSearchParams(text));
    });
    req.on('error', reject);
  });
}

/**
 * GET /_sandbox/relationship/{partnerId}: the page; POST …/accept (form or JSON: customer=<id> or relationship=<id>):
 * accepts and shows the page again. Returns false for any other path (the caller routes it).
 */
export function serveRelationshipPage(state: SandboxState, req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (!path.toLowerCase().startsWith(PREFIX)) return false;
  const [partnerId = '', action] = path.slice(PREFIX.length).split('/').map((s) => decodeURIComponent(s));
  const html = (status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };
  if (partnerId.toLowerCase() !== state.partner.partnerId.toLowerCase()) {
    html(404, '<!doctype html><title>Not found</title><p>This relationship request is not from this sandbox\'s partner.</p>');
    return true;
  }
  if (req.method === 'GET' && action === undefined) {
    html(200, page(state, partnerId, ''));
    return true;
  }
  if (req.method === 'POST' && action === 'accept') {
    readForm(req).then(
      (form) => {
        const customer = form.get('customer') ?? undefined;
        const relationship = form.get('relationship') ?? undefined;
        const ok = acceptRelationship(state, { ...(customer ? { customer } : {}), ...(relationship ? { relationship } : {}) });
        html(ok ? 200 : 400, page(state, partnerId, ok ? 'Accepted.' : 'Nothing to accept with that.'));
      },
      () => html(400, page(state, partnerId, 'The form could not be read.')),
    );
    return true;
  }
  html(405, '<!doctype html><title>Not allowed</title><p>GET the page or POST …/accept.</p>');
  return true;
}

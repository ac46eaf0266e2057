// The STORE setting read into what to open: a SQLite file or a Table Storage account. No SDK loads with it.

export type StoreSetting =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'azure-table'; readonly connectionString: string }
  | { readonly kind: 'azure-table'; readonly endpoint: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * STORE: `sqlite:<path>`, `azure-table:<https endpoint>` (token: the managed identity) or
 * `azure-table:<connection string>`. The reason for a refusal never repeats the value (it may hold a key).
 */
export function parseStoreSetting(value: string): StoreSetting {
  const text = value.trim();
  if (text.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length);
    return path === '' ? { kind: 'invalid', reason: 'sqlite: needs a file path' } : { kind: 'sqlite', path };
  }
  if (!text.startsWith('azure-table:')) return { kind: 'invalid', reason: 'must look like sqlite:<path> or azure-table:<endpoint or connection string>' };
  const target = text.slice('azure-table:'.length).trim();
  if (/^https?:\/\//i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return { kind: 'invalid', reason: 'azure-table: the endpoint is not a URL' };
    }
    if (url.search !== '' || url.username !== '' || url.password !== '') {
      return { kind: 'invalid', reason: 'azure-table: an endpoint carries no key or SAS; give a connection string for those' };
    }
    return { kind: 'azure-table', endpoint: target.replace(/\/+$/, '') };
  }
  const fields = new Map<string, string>();
  for (const part of target.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const developmentStorage = fields.get('usedevelopmentstorage')?.toLowerCase() === 'true';
  const sharedKey = fields.has('accountname') && fields.has('accountkey');
  const sas = fields.has('sharedaccesssignature') && fields.has('tableendpoint');
  if (!developmentStorage && !sharedKey && !sas) {
    return { kind: 'invalid', reason: 'azure-table: expected an https endpoint, or a connection string with AccountName and AccountKey, SharedAccessSignature and TableEndpoint, or UseDevelopmentStorage=true' };
  }
  return { kind: 'azure-table', connectionString: target };
}

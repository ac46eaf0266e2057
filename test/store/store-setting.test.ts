// STORE: which store to open, read from one setting; a refusal never repeats a value that may hold a key.
import { parseStoreSetting } from '../../src/store/store-setting';

describe('the STORE setting', () => {
  it.each([
    ['sqlite:./data/bot.db', { kind: 'sqlite', path: './data/bot.db' }],
    ['azure-table:https://acct.table.core.windows.net/', { kind: 'azure-table', endpoint: 'https://acct.table.core.windows.net' }],
    ['azure-table:UseDevelopmentStorage=true', { kind: 'azure-table', connectionString: 'UseDevelopmentStorage=true' }],
    ['azure-table:DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net',
      { kind: 'azure-table', connectionString: 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net' }],
  ])('when STORE is %s, then it is read as %j', (value, expected) => {
    expect(parseStoreSetting(value)).toEqual(expected);
  });

  it.each([
    ['postgres://db', 'must look like'],
    ['sqlite:', 'file path'],
    ['azure-table:https://acct.table.core.windows.net/?sv=2024&sig=secret', 'no key or SAS'],
    ['azure-table:AccountName=acct;Password=hunter2', 'expected an https endpoint'],
  ])('when STORE is %s, then it is refused without repeating the value', (value, reason) => {
    const setting = parseStoreSetting(value);
    expect(setting).toEqual({ kind: 'invalid', reason: expect.stringContaining(reason) });
    expect(JSON.stringify(setting)).not.toMatch(/secret|hunter2/);
  });
});

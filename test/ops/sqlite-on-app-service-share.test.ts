// SQLite on App Service: /home is a network share (Azure Storage) mounted into every instance, and
// SQLite's WAL mode "does not work over a network filesystem" (https://www.sqlite.org/wal.html); Oryx's own App
// Service notes warn against keeping state there (https://github.com/microsoft/Oryx/blob/main/doc/hosts/appservice.md).
// infra/azure.bicep sets STORE=azure-table, but a partner who deploys by hand, or loses the setting, gets the default
// `sqlite:./data/csp-access-bot.db`, i.e. /home/site/wwwroot/data on the share: the bot starts and risks its audit
// trail. On App Service (WEBSITE_INSTANCE_ID is set there) a SQLite store under /home should be refused, naming STORE.
import { configProblems } from '../support/config-problems';

const problemKeys = (env: Record<string, string>): string[] => configProblems(env).map((p) => p.key);

describe('SQLite on App Service\'s /home share', () => {
  it('when the bot runs on App Service with STORE=sqlite under /home, then it refuses to start, naming STORE', () => {
    expect(problemKeys({ WEBSITE_INSTANCE_ID: '8f2e1c0a9b7d', STORE: 'sqlite:/home/site/wwwroot/data/csp-access-bot.db' })).toContain('STORE');
  });

  it('when SQLite is used off App Service, then the same path is accepted (one machine, the Playground)', () => {
    expect(problemKeys({ STORE: 'sqlite:/home/ada/csp-access-bot.db' })).not.toContain('STORE');
  });
});

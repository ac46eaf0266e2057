// Every template in cards/ expands with sample data and renders with the official `adaptivecards` JS renderer in
// headless Chromium with no renderer error or warning. The screenshots go to a temporary folder, removed afterwards:
// a test run never writes into the checkout. `npm run docs:cards` (scripts/render-card-docs.mjs) runs this file with
// CARD_DOCS_OUT set to its own staging folder and, when every card rendered cleanly, copies them to docs/cards/.
// Every card is built by the bot's own code with the words of src/i18n (access-request-samples.ts, bot-card-samples.ts),
// so the pictures are what users really get; a template the bot does not build yet may take sample data from
// test/cards/samples/<template>[.<case>].<en|fr>.json.
import * as ACData from 'adaptivecards-templating';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessRequestCases, type CardCase } from './access-request-samples';
import { botCardCases } from './bot-card-samples';
import { CardRenderer } from './render-in-chromium';

const root = join(__dirname, '..', '..');
const cardsDir = join(root, 'cards');
const samplesDir = join(__dirname, 'samples');
const hostConfig = JSON.parse(readFileSync(join(__dirname, 'teams-host-config.json'), 'utf8'));
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const templates = readdirSync(cardsDir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();

/** Each template's cases: built by the bot, or its template expanded with each sample file. */
function casesOf(template: string): CardCase[] {
  if (template === 'access-request') return accessRequestCases();
  const built = botCardCases(template);
  if (built) return built;
  const pattern = new RegExp(`^${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.([a-z0-9-]+))?\\.(en|fr)\\.json$`);
  const parsed = new ACData.Template(JSON.parse(readFileSync(join(cardsDir, `${template}.json`), 'utf8')));
  return (existsSync(samplesDir) ? readdirSync(samplesDir) : []).flatMap((file) => {
    const match = pattern.exec(file);
    if (!match) return [];
    const data = JSON.parse(readFileSync(join(samplesDir, file), 'utf8'));
    return [{ name: match[1] ?? '', locale: match[2] as 'en' | 'fr', card: parsed.expand({ $root: data }) }];
  });
}

const screenshotName = (template: string, c: CardCase) => `${[template, c.name, c.locale].filter(Boolean).join('.')}.png`;

describe('card templates', () => {
  test.each(templates)('when %s is expanded with its samples, then every binding is filled, in English and French', (template) => {
    const cases = casesOf(template);
    // A template without cases would go unchecked: ask for them by name.
    expect({ template, locales: [...new Set(cases.map((c) => c.locale))].sort() }).toEqual({ template, locales: ['en', 'fr'] });
    for (const c of cases) {
      const json = JSON.stringify(c.card);
      expect({ case: screenshotName(template, c), unbound: json.match(/\$\{[^}]*\}|"\$(when|data)"/g) ?? [] }).toEqual({ case: screenshotName(template, c), unbound: [] });
      expect(c.card.type).toBe('AdaptiveCard');
    }
  });
});

const haveChromium = existsSync(chromiumPath);
if (!haveChromium && !process.env.CI) {
  console.warn(`[cards] SKIPPED rendering: no Chromium at ${chromiumPath}. Install it (apt-get install -y --no-install-recommends chromium fonts-liberation) or set CHROMIUM_PATH.`);
}

(haveChromium || process.env.CI ? describe : describe.skip)(`card rendering in headless Chromium${haveChromium ? '' : ` (SKIPPED: no ${chromiumPath})`}`, () => {
  let renderer: CardRenderer;
  // Only scripts/render-card-docs.mjs sets CARD_DOCS_OUT (a staging folder of its own, outside the checkout too).
  const docsOut = process.env.CARD_DOCS_OUT;
  let screenshotsDir = '';
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI must render the cards, but there is no Chromium at ${chromiumPath} (.ci/run installs it)`);
    screenshotsDir = docsOut || mkdtempSync(join(tmpdir(), 'card-screenshots-'));
    renderer = await CardRenderer.start(chromiumPath);
  }, 60_000);
  afterAll(async () => {
    await renderer?.stop();
    if (screenshotsDir && !docsOut) rmSync(screenshotsDir, { recursive: true, force: true });
  });

  test('when a card holds what the renderer does not know, then its events say so (the harness can fail)', async () => {
    const broken = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlok', text: 'typo' }, { type: 'Input.Text' }] };
    const { events } = await renderer.render(broken, hostConfig);
    expect(events.join('\n')).toMatch(/TextBlok/);
    expect(events.join('\n')).toMatch(/id/i);
  });

  test.each(templates)('when %s is rendered by the adaptivecards renderer, then it reports nothing and a screenshot is saved', async (template) => {
    for (const c of casesOf(template)) {
      // Act
      const { events, png, text } = await renderer.render(c.card, hostConfig);
      // Assert
      const file = screenshotName(template, c);
      expect({ file, events }).toEqual({ file, events: [] });
      expect(text.trim().length).toBeGreaterThan(0);
      writeFileSync(join(screenshotsDir, file), png);
    }
  }, 60_000);
});

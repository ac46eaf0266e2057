// Renders Adaptive Cards with the official `adaptivecards` JS renderer in headless Chromium (playwright-core) and
// returns what the renderer reported (parse and validation events) plus a PNG of the card as a Teams user sees it.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface RenderResult {
  /** The renderer's parse and validation events: anything it did not understand or found wrong. */
  readonly events: readonly string[];
  readonly png: Buffer;
  readonly text: string;
}

export class CardRenderer {
  private constructor(
    private readonly context: BrowserContext,
    private readonly page: Page,
    private readonly userDataDir: string,
  ) {}

  static async start(executablePath: string): Promise<CardRenderer> {
    const userDataDir = mkdtempSync(join(tmpdir(), 'card-render-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath, args: CHROMIUM_ARGS, viewport: { width: 520, height: 400 } });
    // Offline: the card page needs nothing from the network, so any request out is refused.
    await context.route(/^https?:/, (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(readFileSync(join(__dirname, 'card-page.html'), 'utf8'));
    await page.addStyleTag({ path: join(root, 'node_modules', 'adaptivecards', 'dist', 'adaptivecards.css') });
    await page.addScriptTag({ path: join(root, 'node_modules', 'adaptivecards', 'dist', 'adaptivecards.min.js') });
    return new CardRenderer(context, page, userDataDir);
  }

  async render(card: object, hostConfig: object): Promise<RenderResult> {
    type PageWindow = { renderCard(card: object, hostConfig: object): Promise<{ events: string[]; text: string }> };
    const { events, text } = await this.page.evaluate(([cardJson, config]) => (globalThis as unknown as PageWindow).renderCard(cardJson, config), [card, hostConfig] as const);
    const png = await this.page.locator('#frame').screenshot({ animations: 'disabled' });
    return { events, png, text };
  }

  async stop(): Promise<void> {
    await this.context.close();
    rmSync(this.userDataDir, { recursive: true, force: true });
  }
}

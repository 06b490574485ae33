// What the console's browser scripts (console-e2e.mjs, sso-e2e.mjs) share: their environment, checks,
// Debian's Chromium, screenshots, and the flag form.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`missing ${name}`);
  return v;
};

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

export const launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Playwright gives every launch a fresh, temporary --user-data-dir of its own (it refuses one
  // passed here), so no profile state carries over between runs.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** Saves full-page screenshots as SHOTS_DIR/NAME.png. */
export function shooter() {
  const dir = env('SHOTS_DIR');
  mkdirSync(dir, { recursive: true });
  return (page, name) => page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Fills a flag page's Set form (off, or a percentage) with a reason and confirmation, and sends it. */
export async function setFlag(page, { off = false, percentage, reason }) {
  if (off) {
    await page.getByLabel('Off').check();
  } else {
    await page.getByLabel('A percentage of entities').check();
    await page.getByLabel(/^Percentage/).fill(String(percentage));
  }
  await page.getByLabel('Reason').fill(reason);
  await page.getByLabel('I confirm').check();
  await page.getByRole('button', { name: 'Set flag' }).click();
}

/** The flag history's row with this reason: its before → after and its actor. */
export async function historyRow(page, reason) {
  const row = page.locator('#history tbody tr', { hasText: reason }).first();
  return { change: await row.locator('td.change').textContent(), actor: await row.locator('td.actor').textContent() };
}

// Drives Debian's Chromium (playwright-core) through the console against the real mesh.
// Run by ConsoleBrowserIT:  node console-e2e.mjs  with CONSOLE_URL, VIEWER_TOKEN, OPERATOR_TOKEN,
// OTHER_OPERATOR_TOKEN, TRACE_ULID, TARGET, SHOTS_DIR in the environment. It talks to the IT on
// stdout/stdin: "PUSH <value> <rollout id>" asks it to report a value of the plan's push signal
// (services push signals; the console has no such button), and it answers "PUSHED". Exits non-zero on any failure.
import { createInterface } from 'node:readline';
import { check, env, historyRow, launch, setFlag, shooter } from './support.mjs';

const BASE = env('CONSOLE_URL');
const shot = shooter();

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function ask(line) {
  console.log(line);
  const answer = await stdinLines.next();
  if (answer.done) throw new Error(`no answer to ${line}`);
  return answer.value;
}

const PLAN_BAD = `name: console-e2e
interval: 1s
signals:
  - { name: console_errors, source: push }
rollback:
  - { signal: console_errors, above: 5 }
  - { signal: no_such_signal, below: 1 }
phases:
  - name: foundation
    flags: { console_a: maybe }
    bake: 2s
`;

const PLAN = `name: console-e2e
interval: 1s
signals:
  - { name: console_errors, source: push }
rollback:
  - { signal: console_errors, above: 5 }
phases:
  - name: foundation
    flags: { console_a: on }
    migrations:
      - { target: ${env('TARGET')}, table: orders, key: id, ulid_column: order_ulid, batch_size: 200, max_rows_per_second: 2000 }
    bake: 1s
  - name: canary
    flags: { console_b: 10% }
    gate: manual
`;

const browser = await launch();

async function signIn(token) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(`${BASE}/rollouts`);
  check(page.url().endsWith('/login'), `a page without a session goes to sign-in, was ${page.url()}`);
  await page.getByLabel(/Token/).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${BASE}/rollouts`);
  return { context, page };
}

// First contentful paint of the page just loaded, in ms (Chromium's paint timing).
const firstPaint = async (page) => {
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
  return page.evaluate(() => Math.round(performance.getEntriesByName('first-contentful-paint')[0].startTime));
};
const timings = {};
const pagesChecked = [];

// Every visible control has a name a screen reader reads: a <label>, aria-label or aria-labelledby.
async function checkLabels(page) {
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
    .filter((el) => {
      if (el.tagName === 'BUTTON') return !el.textContent.trim() && !el.getAttribute('aria-label');
      return !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby');
    })
    .map((el) => el.outerHTML.slice(0, 80)));
  check(unlabelled.length === 0, `${page.url()}: unlabelled controls ${unlabelled}`);
  pagesChecked.push(new URL(page.url()).pathname);
}

try {
  // --- Sign-in page, and first paint -------------------------------------------------------
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 700 } });
    const page = await context.newPage();
    await page.goto(`${BASE}/login`);
    timings.signInFirstPaintMs = await firstPaint(page);
    await shot(page, 'sign-in');
    await context.close();
  }

  // --- Operator: lint, start, watch the phase advance live ----------------------------------
  const operator = await signIn(env('OPERATOR_TOKEN'));
  let page = operator.page;
  await page.goto(`${BASE}/rollouts/new`);
  await page.getByLabel('Plan', { exact: true }).fill(PLAN_BAD);
  await page.getByRole('button', { name: 'Check' }).click();
  await page.locator('#lint-problems').waitFor();
  const badLines = await page.locator('tr.bad[data-line]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.line)));
  check(badLines.includes(7) && badLines.includes(10), `lint problems at lines 7 and 10, got ${badLines}`);
  await shot(page, 'start-lint');
  await checkLabels(page);

  await page.getByLabel('Plan', { exact: true }).fill(PLAN);
  await page.getByRole('button', { name: 'Check' }).click();
  await page.locator('#lint-ok').waitFor();
  // The controller's dry run (PreviewRollout): per phase each flag before -> after, the migration
  // with its steps, rows and estimate, the signal against its rule, and the readiness checklist.
  const preview = await page.locator('#preview').evaluate((p) => {
    const cell = (sel) => p.querySelector(sel)?.textContent.trim();
    return {
      phases: [...p.querySelectorAll('.phase-preview')].map((d) => d.dataset.phase),
      a: [cell('[data-phase="foundation"] tr[data-flag="console_a"] td.before'), cell('[data-phase="foundation"] tr[data-flag="console_a"] td.after')],
      b: [cell('[data-phase="canary"] tr[data-flag="console_b"] td.before'), cell('[data-phase="canary"] tr[data-flag="console_b"] td.after')],
      steps: cell('[data-phase="foundation"] tr[data-table="orders"] td.steps'),
      estimate: cell('[data-phase="foundation"] tr[data-table="orders"] td.estimate'),
      signal: [...p.querySelectorAll('tr[data-signal="console_errors"] td')].map((td) => td.textContent.trim()),
      readiness: p.textContent.includes('Readiness: not ready') && p.textContent.includes('flag-service has no flag console_a'),
    };
  });
  check(preview.phases.join() === 'foundation,canary', `the dry run shows both phases, got ${preview.phases}`);
  check(preview.a.join(' -> ') === 'absent -> on', `console_a absent -> on in foundation, got ${preview.a}`);
  check(preview.b.join(' -> ') === 'absent -> 10%', `console_b absent -> 10% in canary, got ${preview.b}`);
  check(preview.steps?.startsWith('expand') && preview.steps.includes('backfill'), `the migration's steps, got ${preview.steps}`);
  // the worker's plan of the spec: the target's 1,500 rows, none created
  check(preview.estimate?.startsWith('rows: 1500, to backfill: 1500, estimate: '), `the migration's rows and estimate, got ${preview.estimate}`);
  check(preview.signal[2]?.includes('above 5') && preview.signal[3] === 'no', `console_errors against its rule, got ${preview.signal}`);
  // The readiness checklist: the plan's new flags do not exist yet (the controller creates them).
  check(preview.readiness, 'the readiness checklist says not ready: flag-service has no flag console_a');
  await shot(page, 'start-preview');
  await checkLabels(page);
  await page.getByRole('button', { name: 'Create and start' }).click();
  await page.waitForURL(/\/rollouts\/[0-9A-Z]{26}/);
  const rolloutId = page.url().match(/\/rollouts\/([0-9A-Z]{26})/)[1];
  let navigations = 0;
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations++; });

  // The phase advances from foundation to canary with no reload: only the live stream updates it.
  await page.waitForFunction(() => document.querySelector('#current-phase')?.textContent === 'canary', null, { timeout: 60000 });
  await page.waitForFunction(() => document.querySelector('li[data-phase="canary"]')?.dataset.state === 'BAKING', null, { timeout: 30000 });
  check(navigations === 0, `the page was not reloaded (${navigations} navigations)`);
  const migrationDone = await page.locator('#live progress').first().evaluate((p) => p.value === p.max);
  check(migrationDone, 'the migration progress bar is full');
  await page.waitForFunction(() => document.querySelector('#live-status')?.textContent.startsWith('live'));
  await shot(page, 'rollout-live');
  await checkLabels(page);
  {
    // First paint of the list and of a live detail page with the mesh running, each in a fresh tab.
    for (const [name, path] of [['listFirstPaintMs', '/rollouts'], ['detailFirstPaintMs', `/rollouts/${rolloutId}`]]) {
      const tab = await operator.context.newPage();
      await tab.goto(`${BASE}${path}`);
      timings[name] = await firstPaint(tab);
      await tab.close();
    }
  }

  // Two healthy values first, so the chart has a line below its threshold.
  for (const value of [1.5, 2.5]) {
    check(await ask(`PUSH ${value} ${rolloutId}`) === 'PUSHED', `the IT pushed ${value}`);
    await page.waitForTimeout(1200);
  }
  // A pushed breach turns it ROLLED_BACK on screen within 2 s.
  const pushed = await ask(`PUSH 9 ${rolloutId}`);
  check(pushed === 'PUSHED', `the IT pushed the breach (${pushed})`);
  const t0 = Date.now();
  await page.waitForFunction(() => document.querySelector('#rollout-state')?.dataset.state === 'ROLLED_BACK', null, { timeout: 10000 });
  timings.breachToScreenMs = Date.now() - t0;
  check(timings.breachToScreenMs <= 2000, `ROLLED_BACK on screen ${timings.breachToScreenMs} ms after the push (at most 2000)`);
  check(navigations === 0, 'still no reload');
  await page.locator('#live figure.chart[data-signal="console_errors"] circle.breach').first().waitFor({ timeout: 5000 });
  await shot(page, 'rollout-rolled-back');

  // Resume with a reason: it appears in the events with the operator's name.
  await page.getByLabel('Reason').fill('breach understood: retrying the canary');
  await page.getByLabel('I confirm').check();
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.waitForURL(/done=/);
  const resumed = page.locator('#events tr[data-type="EVENT_RESUMED"]').first();
  await resumed.waitFor();
  const actor = await resumed.locator('td.actor').textContent();
  const message = await resumed.locator('td.message').textContent();
  check(actor === 'olga', `RESUMED by olga, was ${actor}`);
  check(message.includes('breach understood: retrying the canary'), `the reason is in the event: ${message}`);
  await shot(page, 'rollout-resumed');

  // --- Viewer: the list, and no action buttons anywhere -------------------------------------
  const viewer = await signIn(env('VIEWER_TOKEN'));
  await viewer.page.locator(`#rollouts tr[data-id="${rolloutId}"]`).waitFor();
  check(await viewer.page.locator('#emergency').count() === 0, 'the viewer sees no emergency rollback');
  check(await viewer.page.locator('main button').count() === 0, 'the viewer sees no action button on the list');
  await shot(viewer.page, 'rollouts-viewer');
  await viewer.page.locator(`#rollouts tr[data-id="${rolloutId}"] a`).click();
  await viewer.page.locator('#rollout-state').waitFor();
  check(await viewer.page.locator('#actions').count() === 0, 'the viewer sees no actions on the detail page');
  check(await viewer.page.locator('main button').count() === 0, 'no button at all in the viewer\'s detail');
  await viewer.page.goto(`${BASE}/flags/console_a`);
  check(await viewer.page.locator('#set-flag').count() === 0, 'the viewer cannot set flags');

  // --- Operator: rollout list with the emergency rollback ------------------------------------
  await page.goto(`${BASE}/rollouts`);
  await page.locator('#emergency').waitFor();
  await shot(page, 'rollouts-operator');

  // --- Flags: a percentage set through the form shows in the history -------------------------
  await page.goto(`${BASE}/flags`);
  await page.locator('#flags tr[data-flag="console_a"]').waitFor();
  await shot(page, 'flags');
  await page.goto(`${BASE}/flags/console_a`);
  await setFlag(page, { percentage: 25, reason: 'widen the canary' });
  await page.waitForURL(/done=/);
  check((await page.locator('#flag-state').textContent()).startsWith('25%'), 'the flag is at 25%');
  const change = await historyRow(page, 'widen the canary');
  check(change.change === 'on → 25%', 'history shows on → 25%');
  check(change.actor === 'olga', 'history names olga');
  await page.getByLabel('Entity id').fill('user-1');
  await page.getByRole('button', { name: 'Evaluate' }).click();
  await page.locator('#evaluation').waitFor();
  await shot(page, 'flag-detail');
  await checkLabels(page);

  // A change without the session's CSRF token (as a form on another site would send it) is refused
  // and changes nothing, though the browser sends the session cookie along.
  const forged = await page.request.post(`${BASE}/flags/console_a`, {
    form: { state: 'off', reason: 'forged', confirm: 'yes', expected_version: '0' }, maxRedirects: 0,
  });
  check(forged.status() === 403, `a change without the CSRF token is refused (${forged.status()})`);
  await page.reload();
  check((await page.locator('#flag-state').textContent()).startsWith('25%'), 'the refused change changed nothing');

  // Version conflict: the form was loaded, another operator changes the flag, the form is sent.
  await page.goto(`${BASE}/flags/console_a`);
  const other = await signIn(env('OTHER_OPERATOR_TOKEN'));
  await other.page.goto(`${BASE}/flags/console_a`);
  await setFlag(other.page, { off: true, reason: 'incident: switch it off' });
  await other.page.waitForURL(/done=/);
  await setFlag(page, { percentage: 50, reason: 'widen further' });
  const conflict = page.locator('.trouble[data-status="ABORTED"]');
  await conflict.waitFor();
  const words = await conflict.textContent();
  check(words.includes('flag-service answered ABORTED') && words.includes('Someone else changed it'), `conflict in words: ${words}`);
  check((await page.locator('#flag-state').textContent()).startsWith('off'), 'the page shows the other writer\'s value');
  await shot(page, 'flag-conflict');

  // --- Migrations and the registry ----------------------------------------------------------
  await page.goto(`${BASE}/migrations`);
  await page.locator('#targets').waitFor();
  check(!(await page.content()).includes(process.env.TARGET_PASSWORD || 'no-password-given'), 'no password on the page');
  await shot(page, 'migrations');
  await checkLabels(page);
  await page.goto(`${BASE}/registry`);
  await page.getByLabel('ULID').fill(env('TRACE_ULID'));
  await page.getByRole('button', { name: 'Resolve and trace' }).click();
  await page.locator('#trace-graph').waitFor();
  check(await page.locator('#trace-graph circle').count() >= 3, 'the trace graph has the related references');
  await shot(page, 'registry');
  await checkLabels(page);

  // --- Keyboard and theme ---------------------------------------------------------------------
  await page.goto(`${BASE}/rollouts`);
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement?.textContent) === 'Skip to content', 'the first Tab reaches "Skip to content"');
  await page.locator('#theme-toggle').click();
  const theme = await page.evaluate(() => document.documentElement.dataset.theme);
  check(theme === 'dark' || theme === 'light', `the toggle sets a theme (${theme})`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.evaluate(() => { document.documentElement.dataset.theme = 'dark'; });
  await page.goto(`${BASE}/rollouts/${rolloutId}`);
  await page.locator('#rollout-state').waitFor();
  await shot(page, 'rollout-dark');

  console.log(`LABELLED ${pagesChecked.join(' ')}`);
  console.log(`TIMINGS ${JSON.stringify(timings)}`);
  console.log('OK');
} catch (e) {
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
  process.stdin.destroy();
}

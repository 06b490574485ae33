// Single sign-on in Debian's Chromium (playwright-core): the console, Keycloak's own sign-in form, and back.
// Run by SingleSignOnIT:  node sso-e2e.mjs  with CONSOLE_URL, KEYCLOAK_ISSUER, FLAG, SHOTS_DIR in the
// environment (the users and passwords are the test realm's, src/test/resources/keycloak). Exits non-zero
// on any failure.
import { check, env, historyRow, launch, setFlag, shooter } from './support.mjs';

const BASE = env('CONSOLE_URL');
const ISSUER = env('KEYCLOAK_ISSUER');
const FLAG = env('FLAG');
const shot = shooter();
// Waits for the page to reach a URL; if it does not, says where it is instead, with what it shows.
async function arrive(page, test, what) {
  try {
    await page.waitForURL(test);
  } catch (e) {
    await shot(page, 'sso-failed');
    const cookies = (await page.context().cookies()).map((c) => `${c.name}@${c.domain}`);
    const text = (await page.locator('body').textContent().catch(() => '')).replace(/\s+/g, ' ').slice(0, 400);
    throw new Error(`${what}: not reached, at ${page.url()} (cookies ${cookies}) showing "${text}"`);
  }
}
const sessionCookie = async (context) => (await context.cookies(BASE)).find((c) => c.name === 'ulidmesh_console');

const browser = await launch();

// From a protected console page to Keycloak's sign-in form, through the console's sign-in page.
async function toKeycloak() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  await page.goto(`${BASE}/rollouts`);
  check(page.url() === `${BASE}/login`, `a page without a session goes to sign-in, was ${page.url()}`);
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
  await arrive(page, (url) => url.href.startsWith(`${ISSUER}/protocol/openid-connect/auth`), "Keycloak's sign-in form");
  await page.locator('#username').waitFor();
  return { context, page };
}

async function typeCredentials(page, user, password) {
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(password);
  await page.locator('#kc-login').click();
}

async function signIn(user, password) {
  const { context, page } = await toKeycloak();
  await typeCredentials(page, user, password);
  await arrive(page, (url) => url.href === `${BASE}/rollouts`, `${user} is back on the console's rollouts`);
  return { context, page };
}

try {
  // --- A wrong password stays on Keycloak's form, and the console has no session --------------
  {
    const { context, page } = await toKeycloak();
    await shot(page, 'sso-keycloak-sign-in');
    await typeCredentials(page, 'olivia', 'not-her-password');
    await page.getByText('Invalid username or password.').waitFor();
    check(page.url().startsWith(ISSUER), `still on Keycloak after a wrong password, was ${page.url()}`);
    check(await sessionCookie(context) === undefined, 'no console session after a wrong password');
    await shot(page, 'sso-keycloak-wrong-password');
    await context.close();
  }

  // --- The operator signs in on Keycloak and is back on the console, signed in ---------------
  const operator = await signIn('olivia', 'olivia-pass-1');
  const page = operator.page;
  const who = await page.locator('header .who').textContent();
  check(who.includes('olivia') && who.includes('operator'), `the header names olivia as operator, was ${who}`);
  await page.locator('#emergency').waitFor();
  check(await page.getByRole('button', { name: 'Sign out' }).count() === 1, 'the operator can sign out');
  // The session cookie keeps its guarantees when the session comes from single sign-on.
  const cookie = await sessionCookie(operator.context);
  check(cookie && cookie.httpOnly && cookie.sameSite === 'Strict' && cookie.path === '/',
    `the session cookie is HttpOnly, SameSite=Strict, Path=/: ${JSON.stringify(cookie && { ...cookie, value: '...' })}`);
  check(await page.evaluate(() => document.cookie.includes('ulidmesh_console')) === false, 'scripts cannot read the session cookie');
  await shot(page, 'sso-signed-in');

  // --- An action: the flag is set through the console, and flag-service names the Keycloak user --
  await page.goto(`${BASE}/flags/${FLAG}`);
  const csrf = await page.locator('#set-flag input[name="csrf"]').getAttribute('value');
  check(csrf && csrf.length >= 40, 'the set form carries the session\'s CSRF token');
  const forged = await page.request.post(`${BASE}/flags/${FLAG}`, {
    form: { state: 'on', reason: 'forged', confirm: 'yes', expected_version: '1' }, maxRedirects: 0,
  });
  check(forged.status() === 403, `a change without the CSRF token is refused (${forged.status()})`);
  const wrong = await page.request.post(`${BASE}/flags/${FLAG}`, {
    form: { csrf: `${csrf}x`, state: 'on', reason: 'forged', confirm: 'yes', expected_version: '1' }, maxRedirects: 0,
  });
  check(wrong.status() === 403, `a change with another CSRF token is refused (${wrong.status()})`);
  await page.reload();
  check((await page.locator('#flag-state').textContent()).startsWith('off'), 'the refused changes changed nothing');
  await setFlag(page, { percentage: 30, reason: 'single sign-on: open the checkout to 30%' });
  await page.waitForURL(/done=/);
  check((await page.locator('#flag-state').textContent()).startsWith('30%'), 'the flag is at 30%');
  const change = await historyRow(page, 'single sign-on: open the checkout to 30%');
  check(change.change === 'off → 30%', `the history shows off → 30%, was ${change.change}`);
  check(change.actor === 'olivia', `the history names olivia, the Keycloak user, was ${change.actor}`);
  await shot(page, 'sso-flag-set');

  // --- Sign out ends the session ---------------------------------------------------------------
  await page.getByRole('button', { name: 'Sign out' }).click();
  // Through Keycloak's end-session endpoint and back to the console's sign-in page.
  await arrive(page, (url) => url.href.startsWith(`${BASE}/login`), 'sign-out ends on the sign-in page');
  check(await sessionCookie(operator.context) === undefined, 'the session cookie is gone after sign-out');
  await page.goto(`${BASE}/flags/${FLAG}`);
  check(page.url() === `${BASE}/login`, `a protected page asks to sign in again, was ${page.url()}`);
  // The sign-out ended the session at Keycloak too: single sign-on asks for the password again.
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
  await arrive(page, (url) => url.href.startsWith(`${ISSUER}/protocol/openid-connect/auth`), "Keycloak's sign-in form again");
  await page.locator('#password').waitFor();
  check(await sessionCookie(operator.context) === undefined, 'still no console session');
  await operator.context.close();

  // --- A viewer signs in the same way and sees no action ---------------------------------------
  const viewer = await signIn('victor', 'victor-pass-1');
  const vwho = await viewer.page.locator('header .who').textContent();
  check(vwho.includes('victor') && vwho.includes('viewer'), `the header names victor as viewer, was ${vwho}`);
  check(await viewer.page.locator('#emergency').count() === 0, 'the viewer sees no emergency rollback');
  check(await viewer.page.locator('main button').count() === 0, 'the viewer sees no action button on the list');
  await shot(viewer.page, 'sso-viewer');
  await viewer.page.goto(`${BASE}/flags/${FLAG}`);
  await viewer.page.locator('#flag-state').waitFor();
  check(await viewer.page.locator('#set-flag').count() === 0, 'the viewer cannot set flags');
  await viewer.context.close();

  console.log('OK');
} catch (e) {
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}

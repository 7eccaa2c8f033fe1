// Drives the operator's console in Debian's headless Chromium and prints what it saw as JSON;
// tests/e2e/test_console_browser.py feeds the daemon and asserts on it.
// usage: node console.mjs BASE_URL ADMIN_TOKEN POLICY_KEY SCREENSHOT_DIR TAKEN_OVER BLOCKED_IP
import { chromium } from 'playwright-core';

const [base, token, policyKey, shots, takenOver, blockedIp] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const result = { console_errors: [] };
async function ready(page, view) {
  await page.locator(`#view[data-ready="${view}"]`).waitFor();
}
async function shot(page, name) {
  await page.screenshot({ path: `${shots}/console-${name}.png`, fullPage: true });
}
// What a login from `ip` gets now, asked as Dovecot would (outside the browser's session).
async function loginVerdict(ip, login) {
  const reply = await fetch(`${base}/v1/auth/check`, {
    method: 'POST',
    headers: { 'X-API-Key': policyKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ ts: Date.now() / 1000, kind: 'auth', protocol: 'imap', ip, login }),
  });
  return (await reply.json()).verdict;
}

try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  // Script errors, and every reply that was not a success (the test expects exactly two).
  page.on('pageerror', (e) => result.console_errors.push(String(e)));
  result.failed_requests = [];
  page.on('response', (r) => {
    if (r.status() >= 400) result.failed_requests.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });

  // A wrong token is refused and no session cookie is set.
  await page.goto(`${base}/console/`);
  await shot(page, 'login');
  await page.locator('#token').fill('not-the-token');
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/console/login')),
    page.locator('button[type="submit"]').click(),
  ]);
  result.wrong_token_status = refused.status();
  await page.locator('#error').waitFor();
  result.wrong_token_message = (await page.locator('#error').textContent()).trim();
  result.cookies_after_wrong_token = (await context.cookies()).length;

  // The right token: the overview, with its charts drawn.
  await page.locator('#token').fill(token);
  await page.locator('button[type="submit"]').click();
  await ready(page, 'overview');
  const cookie = (await context.cookies()).find((c) => c.name === 'coastguard_session');
  result.cookie = cookie ? { httpOnly: cookie.httpOnly, sameSite: cookie.sameSite } : null;
  result.page_sees_cookie = await page.evaluate(() => document.cookie.includes('coastguard_session'));
  result.charts = await page.evaluate(() => [...document.querySelectorAll('[data-chart]')].map((box) => {
    const canvas = box.querySelector('canvas');
    const { width, height } = canvas;
    const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    let inked = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) inked++;
    return { title: box.dataset.chart, width, height, inked };
  }));
  result.overview_text = await page.locator('#view').innerText();
  await shot(page, 'overview');

  // The account that was taken over: why, and its held mail released.
  await page.goto(`${base}/console/#/account/${encodeURIComponent(takenOver)}`);
  await ready(page, 'account');
  result.account_text = await page.locator('#view').innerText();
  await shot(page, 'account');
  await page.getByRole('button', { name: 'Release held mail' }).click();
  await page.getByText('No mail from this account is held.').waitFor();
  result.account_text_after_release = await page.locator('#view').innerText();

  // Held mail list is empty now.
  await page.goto(`${base}/console/#/held`);
  await ready(page, 'held');
  result.held_text = await page.locator('#view').innerText();
  await shot(page, 'held');

  // A blocked source: unblock it, and its next login is allowed.
  result.blocked_verdict_before = await loginVerdict(blockedIp, 'someone@example.com');
  await page.goto(`${base}/console/#/source/${encodeURIComponent(blockedIp)}`);
  await ready(page, 'source');
  result.source_text = await page.locator('#view').innerText();
  await shot(page, 'source');
  await page.locator('table.blocks').getByRole('button', { name: 'Unblock' }).first().click();
  await page.getByText('No blocks in force.').waitFor();
  result.blocked_verdict_after = await loginVerdict(blockedIp, 'someone@example.com');

  // Blocks page: add one through the form, see it listed.
  await page.goto(`${base}/console/#/blocks`);
  await ready(page, 'blocks');
  await page.locator('#add-block input').fill('192.0.2.250');
  await page.locator('#add-block button').click();
  await page.locator('table.blocks').getByText('192.0.2.250').waitFor();
  result.blocks_text = await page.locator('#view').innerText();
  await shot(page, 'blocks');

  await page.goto(`${base}/console/#/system`);
  await ready(page, 'system');
  result.system_text = await page.locator('#view').innerText();
  await shot(page, 'system');

  // A write without the CSRF token is refused even with the session cookie.
  result.write_without_csrf = await page.evaluate(async () => (await fetch('/v1/blocks', {
    method: 'POST', body: JSON.stringify({ ip: '192.0.2.251' }),
  })).status);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));

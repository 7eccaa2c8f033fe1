// Drives the contact-form demo in Debian's headless Chromium and prints what happened as JSON;
// tests/e2e/test_forms_browser.py starts coastguard and asserts on it.
// usage: node contact_form.mjs BASE_URL ALTCHA_SECRET
import { chromium } from 'playwright-core';
import { verifySolution } from 'altcha-lib/v1';

const [base, secret] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function verdictOf(page) {
  await page.locator('#verdict[data-verdict]').waitFor({ state: 'visible' });
  return {
    verdict: await page.locator('#verdict').getAttribute('data-verdict'),
    text: await page.locator('#verdict').textContent(),
  };
}

const result = {};
try {
  // A person: reads, types at human speed, ticks the ALTCHA box, waits for it, sends.
  const person = await browser.newPage({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36' });
  await person.goto(`${base}/demo/`);
  await person.locator('#name').pressSequentially('Zoë Ørjan', { delay: 120 });
  await person.locator('#email').pressSequentially('zoe@example.org', { delay: 80 });
  await person.locator('#message').pressSequentially('Hello, do you ship to Norway?', { delay: 40 });
  await person.locator('altcha-widget label[for^="altcha-checkbox"]').click();  // its label, as a person does
  await person.waitForFunction(() => document.querySelector('input[name="altcha"]')?.value);
  const payload = await person.locator('input[name="altcha"]').inputValue();
  result.widget_payload_verifies_with_altcha_lib = await verifySolution(payload, secret);
  await person.locator('button[type="submit"]').click();
  result.person = await verdictOf(person);

  // A bot: loads the page for its token, fills every field at once (the hidden one too, a lure
  // in the name) and posts what the page would post, skipping the widget's proof of work.
  const bot = await browser.newPage();
  await bot.goto(`${base}/demo/`);
  result.bot = await bot.evaluate(async () => {
    const form = document.querySelector('#contact');
    form.querySelector('#name').value = 'WIN $500 now at https://prize.example.com';
    form.querySelector('#email').value = 'victim@example.net';
    form.querySelector('#website').value = 'https://prize.example.com';
    const reply = await fetch('/demo/submit', {
      method: 'POST',
      body: JSON.stringify(Object.fromEntries(new FormData(form))),
    });
    return reply.json();
  });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));

// ALTCHA interoperability with npm's altcha-lib, both directions, printed as JSON for
// tests/e2e/test_forms_browser.py:
//  1. a challenge from coastguard, solved by altcha-lib, verified by altcha-lib and by coastguard;
//  2. a challenge made by altcha-lib with the same key, solved by altcha-lib, verified by
//     coastguard.
// usage: node altcha_interop.mjs BASE_URL ALTCHA_SECRET POLICY_KEY
import { createChallenge, solveChallenge, verifySolution } from 'altcha-lib/v1';

const [base, secret, policyKey] = process.argv.slice(2);

async function solve(challenge) {
  const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm,
                                        challenge.maxnumber).promise;
  return Buffer.from(JSON.stringify({
    algorithm: challenge.algorithm, challenge: challenge.challenge, number: solution.number,
    salt: challenge.salt, signature: challenge.signature, took: solution.took,
  })).toString('base64');
}

async function check(payload, recipient) {
  const reply = await fetch(`${base}/v1/forms/check`, {
    method: 'POST',
    headers: { 'X-API-Key': policyKey },
    body: JSON.stringify({ form: 'interop', ip: '192.0.2.44', recipient, altcha: payload,
                           fields: { name: 'Ana' }, roles: { name: 'name' } }),
  });
  return reply.json();
}

const ours = await (await fetch(`${base}/v1/forms/challenge`)).json();
const oursPayload = await solve(ours);
const libChallenge = await createChallenge({
  hmacKey: secret, maxnumber: 2000, expires: new Date(Date.now() + 600_000),
});
const libPayload = await solve(libChallenge);
const tampered = JSON.parse(Buffer.from(libPayload, 'base64').toString());
tampered.number += 1;
console.log(JSON.stringify({
  coastguard_challenge_verified_by_altcha_lib: await verifySolution(oursPayload, secret),
  coastguard_challenge_checked: await check(oursPayload, 'one@example.org'),
  replayed_payload_checked: await check(oursPayload, 'two@example.org'),
  altcha_lib_challenge_checked: await check(libPayload, 'three@example.org'),
  tampered_payload_checked: await check(
      Buffer.from(JSON.stringify(tampered)).toString('base64'), 'four@example.org'),
}));

// The operator's console: a page per question (what is happening, what happened to this account
// or this address, which mail is held, what is blocked), drawn from the admin API with the
// session cookie. Everything that comes from traffic (logins, devices, addresses) is put into
// the page as text, never as markup: an attacker chooses those strings.
'use strict';

(function () {
  let csrf = '';
  let timer = null;
  let rangeMinutes = 180;
  let charts = [];

  // --- small helpers -------------------------------------------------------------------------

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  async function api(method, path, body) {
    const options = { method, headers: {}, credentials: 'same-origin', cache: 'no-store' };
    if (method !== 'GET') {
      options.headers['X-CSRF-Token'] = csrf;
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body || {});
    }
    const reply = await fetch(path, options);
    if (reply.status === 401) {
      location.href = '/console/';
      throw new Error('the session ended; log in again');
    }
    const json = await reply.json().catch(() => ({}));
    if (!reply.ok) throw new Error(json.error || reply.statusText);
    return json;
  }

  function toast(text) {
    const el = h('div', { class: 'toast', role: 'status' }, text);
    document.body.append(el);
    setTimeout(() => el.remove(), 4000);
  }

  function when(seconds) {
    if (!seconds) return '—';
    const d = new Date(seconds * 1000);
    return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }

  function ago(seconds) {
    if (!seconds) return '';
    const s = Math.max(0, Date.now() / 1000 - seconds);
    if (s < 90) return `${Math.round(s)} s ago`;
    if (s < 5400) return `${Math.round(s / 60)} min ago`;
    if (s < 172800) return `${Math.round(s / 3600)} h ago`;
    return `${Math.round(s / 86400)} days ago`;
  }

  function duration(seconds) {
    if (seconds < 90) return `${Math.round(seconds)} s`;
    if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
    return `${(seconds / 3600).toFixed(1)} h`;
  }

  const accountLink = (login) => h('a', { href: '#/account/' + encodeURIComponent(login) }, login);
  const sourceLink = (ip) => h('a', { href: '#/source/' + encodeURIComponent(ip) }, ip);

  // --- plain words -----------------------------------------------------------------------------

  const REASONS = {
    allowlisted: 'on an allow list',
    blocked_ip: 'the address is blocked',
    blocked_prefix: 'the network is blocked',
    blocked_login: 'the account is blocked',
    blocked_login_ip: 'this account is blocked from this address',
    brute_force: 'many different wrong passwords for this account from this address',
    account_under_attack: 'many different wrong passwords for this account from many places',
    ip_guessing: 'this address is failing on many accounts it has no history with',
    prefix_guessing: 'this network is failing on many accounts it has no history with',
    unknown_users: 'this source tries accounts that do not exist',
    service_under_attack: 'the service is under attack and this place is new for the account',
    unfamiliar_source: 'the account has never logged in from here or with this device',
    bad_input: 'the request could not be read (decided as if Coastguard were not there)',
    manual: 'blocked by an operator',
    rate_limited: 'the account is over its sending limits',
    compromised_login: "the account's latest login looked like someone else's",
    sending_spike: 'far more mail than usual right after a login from a new place',
    sender_mismatch: 'sent as an address that is not the account\'s own',
    stranger_device: 'no client id where the account always sends one, from a place it does not know',
    stranger_sending: 'sending from a place the account is not familiar with, without its own client',
    returning_device: 'refused as a stranger before, back with the same password: let through to the password check',
  };
  const EVIDENCE = {
    from_guessing_source: 'it came from an address that was failing on other accounts',
    unfamiliar_during_attack: 'it came from a new place while the service was under attack',
    after_distributed_failures: 'wrong passwords for the account came from many places before it',
    stranger_device: 'the device was not one the account uses',
  };
  const FAMILIARITY = {
    none: 'new place',
    wide_prefix: "the carrier's wide network only (weak)",
    device: 'known device',
    prefix: 'known place',
  };
  const reasonWords = (reasons) =>
    reasons.length === 0
      ? h('span', { class: 'muted' }, 'nothing against it')
      : h('ul', { class: 'reasons' }, reasons.map((r) => h('li', {}, REASONS[r] || r)));
  const verdictCell = (v) => h('td', { class: 'verdict-' + v }, v);

  // --- charts ----------------------------------------------------------------------------------

  // Shades the attack-mode episodes behind the lines.
  function attackShading(episodes) {
    return {
      hooks: {
        drawClear: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = 'rgba(192, 57, 43, 0.15)';
            for (const e of episodes) {
              const x0 = u.valToPos(e.start, 'x', true);
              const x1 = u.valToPos(Math.max(e.end, e.start + 60), 'x', true);
              ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  function chart(title, history, names, colours, labels) {
    const box = h('div', { class: 'chart', 'data-chart': title });
    const width = Math.max(320, Math.min(1360, document.documentElement.clientWidth - 60));
    const data = [history.minute_starts, ...names.map((n) => history.series[n])];
    const options = {
      title,
      width,
      height: 220,
      plugins: [attackShading(history.attack_episodes)],
      scales: { x: { time: true } },
      axes: [{}, { label: 'per minute' }],
      series: [{}, ...names.map((n, i) => ({ label: labels[i], stroke: colours[i], width: 1.5 }))],
    };
    charts.push(new uPlot(options, data, box));
    return box;
  }

  // --- views -----------------------------------------------------------------------------------

  async function overview(view) {
    const history = await api('GET', '/v1/history?minutes=' + rangeMinutes);
    charts.forEach((c) => c.destroy());
    charts = [];
    const ranges = h('div', { class: 'range' }, 'Last ',
      [60, 180, 720, 1440].map((m) =>
        h('button', { class: m === rangeMinutes ? 'current' : '', onclick: () => { rangeMinutes = m; show(); } },
          m < 120 ? `${m} min` : `${m / 60} h`)));
    const s = history.service;
    const episodes = history.attack_episodes;
    const table = (title, rows, link, what) =>
      h('div', { class: 'card' }, h('h2', {}, title),
        rows.length === 0
          ? h('p', { class: 'muted' }, 'None in the last hour or two.')
          : h('table', {}, h('tr', {}, h('th', {}, what), h('th', {}, 'count')),
            rows.map((r) => h('tr', {}, h('td', {}, link(r.subject)), h('td', { class: 'num' }, r.count)))));
    view.replaceChildren(
      h('h1', {}, 'Overview'),
      h('p', { class: 'muted' },
        `Attack mode ${s.attacks_started} times since start; ${episodes.length} episode(s) in view, shaded red. `,
        `Failures from unfamiliar places: ${s.unfamiliar_failures_per_interval.toFixed(1)} per interval `,
        `(baseline ${s.unfamiliar_failures_baseline.toFixed(1)}).`),
      ranges,
      chart('Logins', history, ['login_allow', 'login_delay', 'login_reject', 'login_failure'],
        ['#2e8b57', '#d9a400', '#c0392b', '#7f8c8d'], ['allowed', 'delayed', 'refused', 'wrong password']),
      chart('Outbound mail', history, ['mail_allow', 'mail_defer', 'mail_hold'],
        ['#2e8b57', '#d9a400', '#c0392b'], ['allowed', 'deferred', 'held']),
      chart('Web forms', history, ['form_accept', 'form_challenge', 'form_hold', 'form_reject'],
        ['#2e8b57', '#d9a400', '#8e44ad', '#c0392b'], ['accepted', 'challenged', 'held', 'rejected']),
      h('div', { class: 'grid' },
        table('Sources refused most', history.top_refused_sources, sourceLink, 'address'),
        table('Networks refused most', history.top_refused_prefixes,
          (p) => h('a', { href: '#/source/' + encodeURIComponent(p.split('/')[0]) }, p), 'network'),
        table('Accounts targeted most', history.top_targeted_logins, accountLink, 'account')),
    );
  }

  async function releaseButton(login, after) {
    return h('button', {
      class: 'primary',
      onclick: async () => {
        const r = await api('POST', '/v1/suspects/clear', { login });
        toast(r.cleared ? `Released ${login}: its held mail can go.` : `${login} was not held.`);
        after();
      },
    }, 'Release held mail');
  }

  const postsuper = (login) =>
    h('div', {},
      h('p', {}, 'Held messages stay in the Postfix hold queue until released there too:'),
      h('code', { class: 'cmd' },
        `postqueue -j | jq -r 'select(.queue_name=="hold" and .sender=="${login}") | .queue_id' | postsuper -H -`),
      h('p', { class: 'muted' }, '(that finds what the account sent as itself; postsuper -H <queue id> releases one message, postsuper -d <queue id> deletes spam)'));

  async function account(view, login) {
    const [e, suspects] = await Promise.all([
      api('GET', '/v1/entities/login/' + encodeURIComponent(login)),
      api('GET', '/v1/suspects'),
    ]);
    const held = suspects.suspects.find((x) => x.login === e.login);
    const recent = [...e.recent_verdicts].reverse();
    const strangers = recent.filter((r) => r.familiarity === 'none' && r.outcome === 'success');
    const todo = [];
    if (held) {
      todo.push(h('li', {}, 'Ask the owner (by phone, not by mail) whether they logged in from ',
        held.ip, ' ', ago(held.since), '. If not: reset the password, end its sessions, then release or delete the held mail.'));
    }
    if (e.breach && e.breach.breached) {
      todo.push(h('li', {}, `The password has appeared ${e.breach.breach_count} times in breaches: the owner must choose a new, unique one (a password manager helps).`));
    }
    if (e.blocks.length > 0) todo.push(h('li', {}, 'The account is blocked; remove the block once the owner is safe.'));
    const refresh = () => show();
    view.replaceChildren(
      h('h1', {}, 'Account ', e.login),
      held
        ? h('div', { class: 'todo' },
          h('h2', {}, 'Mail from this account is held'),
          h('p', {}, `Since ${when(held.since)}, after a login from `, sourceLink(held.ip), ' that looked like someone else\'s:'),
          h('ul', { class: 'reasons' }, held.evidence.map((x) => h('li', {}, EVIDENCE[x] || x))),
          postsuper(e.login),
          await releaseButton(e.login, refresh))
        : h('p', { class: 'muted' }, 'No mail from this account is held.'),
      todo.length ? h('div', { class: 'card' }, h('h2', {}, 'What to do'), h('ul', {}, todo)) : null,
      h('h2', {}, 'Recent logins'),
      recent.length === 0
        ? h('p', { class: 'muted' }, 'No recent decisions for this account (the last few thousand are kept).')
        : h('table', {},
          h('tr', {}, ['when', 'from', 'protocol', 'device', 'place', 'verdict', 'password', 'why'].map((t) => h('th', {}, t))),
          recent.map((r) => h('tr', {},
            h('td', {}, when(r.ts)), h('td', {}, sourceLink(r.ip)), h('td', {}, r.protocol),
            h('td', {}, r.device || h('span', { class: 'muted' }, 'none sent')),
            h('td', {}, FAMILIARITY[r.familiarity] || r.familiarity),
            verdictCell(r.verdict),
            h('td', {}, r.outcome === undefined ? '—' : r.outcome === 'success' ? 'right' : 'wrong'),
            h('td', {}, reasonWords(r.reasons))))),
      strangers.length > 0 ? h('p', {}, `${strangers.length} successful login(s) from places new to this account.`) : null,
      h('h2', {}, 'What Coastguard knows'),
      h('table', {},
        h('tr', {}, h('th', {}, 'familiar places'), h('td', {}, e.familiarity.sources,
          e.familiarity.last_success ? ` (last success ${when(e.familiarity.last_success)})` : '')),
        e.activity ? h('tr', {}, h('th', {}, 'wrong passwords lately'),
          h('td', {}, `${e.activity.distinct_wrong_passwords} distinct, from ${e.activity.distinct_failing_networks} network(s)`)) : null,
        h('tr', {}, h('th', {}, 'breached password'), h('td', {},
          !e.breach ? 'breach guard off' : e.breach.breached ? `yes: seen ${e.breach.breach_count} times, last login with it ${when(e.breach.last_seen)}` : 'not seen')),
        h('tr', {}, h('th', {}, 'allow list'), h('td', {}, e.allowlisted ? 'yes' : 'no'))),
      blocksTable(e.blocks, refresh),
      h('div', { class: 'inline-form' },
        h('button', { class: 'danger', onclick: async () => { await api('POST', '/v1/blocks', { login: e.login, ttl_seconds: 3600 }); toast('Blocked for an hour.'); refresh(); } }, 'Block this account for an hour')),
    );
  }

  async function source(view, ip) {
    const e = await api('GET', '/v1/entities/ip/' + encodeURIComponent(ip));
    const refresh = () => show();
    const recent = [...e.recent_verdicts].reverse();
    const logins = new Set(recent.map((r) => r.login).filter(Boolean));
    view.replaceChildren(
      h('h1', {}, 'Source ', e.ip),
      h('p', {}, e.allowlisted ? 'On an allow list. ' : '',
        e.proven ? 'Several of our users log in from this address successfully: its strangers are refused, its users are not. ' : ''),
      h('table', {},
        h('tr', {}, ['network', 'accounts tried (failed)', 'unknown accounts', 'failures for accounts new to it', 'successes', 'accounts that logged in'].map((t) => h('th', {}, t))),
        e.sources.map((s) => h('tr', {}, h('td', {}, s.network),
          s.tracked === false ? h('td', { class: 'muted', colspan: 5 }, 'nothing recorded')
            : [h('td', { class: 'num' }, s.distinct_failed_logins), h('td', { class: 'num' }, s.distinct_unknown_logins),
              h('td', { class: 'num' }, Math.round(s.unfamiliar_failures)), h('td', { class: 'num' }, Math.round(s.successes)),
              h('td', { class: 'num' }, s.distinct_successful_logins)]))),
      blocksTable(e.blocks, refresh),
      h('div', { class: 'inline-form' },
        h('button', { class: 'danger', onclick: async () => { await api('POST', '/v1/blocks', { ip: e.ip, ttl_seconds: 3600 }); toast('Blocked for an hour.'); refresh(); } }, 'Block this address for an hour'),
        e.allowlisted ? null : h('button', { onclick: async () => { await api('POST', '/v1/allow', { ip: e.ip }); toast('Added to the allow list.'); refresh(); } }, 'Always allow this address')),
      h('h2', {}, `Recent attempts (${logins.size} account(s))`),
      recent.length === 0 ? h('p', { class: 'muted' }, 'No recent decisions for this address.')
        : h('table', {},
          h('tr', {}, ['when', 'account', 'protocol', 'device', 'verdict', 'password', 'why'].map((t) => h('th', {}, t))),
          recent.map((r) => h('tr', {}, h('td', {}, when(r.ts)), h('td', {}, r.login ? accountLink(r.login) : '—'),
            h('td', {}, r.protocol), h('td', {}, r.device || h('span', { class: 'muted' }, 'none sent')),
            verdictCell(r.verdict), h('td', {}, r.outcome === undefined ? '—' : r.outcome === 'success' ? 'right' : 'wrong'),
            h('td', {}, reasonWords(r.reasons))))),
    );
  }

  const BLOCKS_SHOWN = 500;

  // What DELETE /v1/blocks needs to name the block again.
  function target(b) {
    const login = b.subject.split(' from ')[0].replace(/ \(.*\)$/, '');
    if (b.kind === 'login') return { login };
    if (b.kind === 'login_ip') return { login, ip: b.address };
    return b.kind === 'prefix' ? { network: b.address } : { ip: b.address };
  }

  function blocksTable(blocks, after) {
    const active = blocks.filter((b) => b.active);
    if (active.length === 0) return h('p', { class: 'muted' }, 'No blocks in force.');
    return h('table', { class: 'blocks' },
      h('tr', {}, ['blocked', 'kind', 'why', 'offences', 'time left', ''].map((t) => h('th', {}, t))),
      active.map((b) => h('tr', {},
        h('td', {}, b.kind === 'login' ? accountLink(b.subject) : b.kind === 'ip' ? sourceLink(b.subject) : b.subject),
        h('td', {}, b.kind), h('td', {}, REASONS[b.reason] || b.reason), h('td', { class: 'num' }, b.offenses),
        h('td', {}, duration(b.remaining_seconds)),
        h('td', {}, h('button', {
          onclick: async () => {
            const r = await api('DELETE', '/v1/blocks', target(b));
            toast(r.removed ? `Unblocked ${b.subject}.` : `${b.subject} was not blocked.`);
            after();
          },
        }, 'Unblock')))));
  }

  async function held(view) {
    const { suspects } = await api('GET', '/v1/suspects');
    const refresh = () => show();
    view.replaceChildren(
      h('h1', {}, 'Held mail'),
      h('p', { class: 'muted' }, 'Accounts whose mail is held because their latest login looked like someone else\'s. Releasing clears the suspicion; the messages themselves are released in Postfix (postsuper -H).'),
      suspects.length === 0 ? h('p', {}, 'No account\'s mail is held.')
        : h('table', {},
          h('tr', {}, ['account', 'since', 'login from', 'why', ''].map((t) => h('th', {}, t))),
          await Promise.all(suspects.map(async (s) => h('tr', {},
            h('td', {}, accountLink(s.login)), h('td', {}, when(s.since), h('br'), h('span', { class: 'muted' }, ago(s.since))),
            h('td', {}, sourceLink(s.ip)),
            h('td', {}, h('ul', { class: 'reasons' }, s.evidence.map((x) => h('li', {}, EVIDENCE[x] || x)))),
            h('td', {}, await releaseButton(s.login, refresh), ' ',
              h('button', { onclick: () => toast(`Kept: ${s.login}'s mail stays held.`) }, 'Keep')))))),
    );
  }

  async function blocks(view) {
    // A page of the newest: after hours of attack the list can hold a million blocks.
    const [b, allow] = await Promise.all([api('GET', `/v1/blocks?limit=${BLOCKS_SHOWN}`), api('GET', '/v1/allow')]);
    const refresh = () => show();
    const kind = h('select', { 'aria-label': 'what to block' },
      h('option', { value: 'ip' }, 'address'), h('option', { value: 'network' }, 'network'), h('option', { value: 'login' }, 'account'));
    const subject = h('input', { placeholder: '192.0.2.7, 198.51.100.0/24 or user@example.com', 'aria-label': 'subject', size: 36 });
    const ttl = h('select', { 'aria-label': 'for how long' },
      [[900, '15 min'], [3600, '1 hour'], [86400, '1 day'], [604800, '1 week']].map(([v, t]) => h('option', { value: v }, t)));
    const allowInput = h('input', { placeholder: '10.0.0.0/8, 192.0.2.1 or user@example.com', 'aria-label': 'allow', size: 36 });
    const allowBody = (text) => text.includes('@') || !/[.:]/.test(text) ? { login: text } : text.includes('/') ? { network: text } : { ip: text };
    view.replaceChildren(
      h('h1', {}, 'Blocks'),
      h('form', {
        class: 'inline-form', id: 'add-block',
        onsubmit: async (ev) => {
          ev.preventDefault();
          await api('POST', '/v1/blocks', { [kind.value]: subject.value.trim(), ttl_seconds: Number(ttl.value) });
          toast(`Blocked ${subject.value.trim()}.`);
          refresh();
        },
      }, 'Block ', kind, subject, ' for ', ttl, h('button', { type: 'submit', class: 'danger' }, 'Block')),
      h('p', { class: 'muted', id: 'blocks-count' }, b.total > b.blocks.length
        ? `${b.total} blocks in force; the ${b.blocks.length} newest are shown. An address's or an account's own page shows its blocks.`
        : `${b.total} block${b.total === 1 ? '' : 's'} in force.`),
      blocksTable(b.blocks, refresh),
      h('h2', {}, 'Allow lists'),
      h('p', { class: 'muted' }, 'Never refused, never counted against: the office, the monitoring, a partner\'s relay.'),
      h('form', {
        class: 'inline-form', id: 'add-allow',
        onsubmit: async (ev) => {
          ev.preventDefault();
          await api('POST', '/v1/allow', allowBody(allowInput.value.trim()));
          toast(`Allowed ${allowInput.value.trim()}.`);
          refresh();
        },
      }, 'Allow ', allowInput, h('button', { type: 'submit' }, 'Allow')),
      h('table', {},
        h('tr', {}, h('th', {}, 'allowed'), h('th', {}, '')),
        [...allow.networks.map((n) => ['network', n]), ...allow.logins.map((l) => ['login', l])].map(([k, v]) =>
          h('tr', {}, h('td', {}, v), h('td', {}, h('button', {
            onclick: async () => { await api('DELETE', '/v1/allow', allowBody(v)); toast(`Removed ${v}.`); refresh(); },
          }, 'Remove'))))),
    );
  }

  async function forms(view) {
    let events = [];
    try {
      events = (await api('GET', '/v1/forms/events')).events;
    } catch (err) {
      view.replaceChildren(h('h1', {}, 'Form campaigns'), h('p', { class: 'muted' }, String(err.message)));
      return;
    }
    view.replaceChildren(
      h('h1', {}, 'Form campaigns'),
      h('p', { class: 'muted' }, 'One link or text going to many unrelated addresses through a web form.'),
      events.length === 0 ? h('p', {}, 'No campaign found.')
        : h('table', {}, h('tr', {}, ['when', 'form', 'what', 'recipients', 'why'].map((t) => h('th', {}, t))),
          [...events].reverse().map((e) => h('tr', {}, h('td', {}, when(e.ts)), h('td', {}, e.form), h('td', {}, e.key),
            h('td', { class: 'num' }, e.recipients), h('td', {}, e.reason)))),
    );
  }

  async function system(view) {
    const s = await api('GET', '/v1/system');
    const b = s.breach;
    view.replaceChildren(
      h('h1', {}, 'Breach corpus and logs'),
      h('h2', {}, 'Breach corpus'),
      !b.enabled ? h('p', {}, 'The breach guard is off.')
        : h('table', {}, h('tr', {}, ['hashes', 'available', 'count', 'range API'].map((t) => h('th', {}, t))),
          ['sha1', 'ntlm'].map((k) => h('tr', {}, h('td', {}, k.toUpperCase()), h('td', {}, b[k].available ? 'yes' : 'no'),
            h('td', { class: 'num' }, b[k].hashes.toLocaleString()), h('td', {}, b[k].range_api ? 'yes' : 'no')))),
      b.enabled ? h('p', { class: 'muted' }, 'Imported into ', b.directory, ' with coastguard breach import.') : null,
      h('h2', {}, 'Followed logs'),
      s.logs.files.length === 0 && s.logs.journals.length === 0 ? h('p', {}, 'No logs are followed ([[logs]] in the configuration).')
        : h('table', {}, h('tr', {}, ['log', 'read to', 'size', 'behind'].map((t) => h('th', {}, t))),
          s.logs.files.map((f) => h('tr', {}, h('td', {}, f.path), h('td', { class: 'num' }, f.offset),
            h('td', { class: 'num' }, f.size), h('td', { class: 'num' }, f.lag_bytes ? `${f.lag_bytes} bytes` : 'up to date'))),
          s.logs.journals.map((j) => h('tr', {}, h('td', {}, 'journal: ', j.unit), h('td', { class: 'num' }, `${j.entries} entries`), h('td', {}), h('td', {})))),
      s.logs.attempts !== undefined ? h('p', {}, `${s.logs.attempts} login attempts read from logs, ${s.logs.refused} of them from sources refused.`) : null,
    );
  }

  // --- routing ---------------------------------------------------------------------------------

  async function banner() {
    const s = await api('GET', '/v1/service');
    const el = document.getElementById('status');
    el.className = 'status ' + (s.under_attack ? 'attack' : 'calm');
    el.textContent = s.under_attack
      ? `Under attack: failures from unfamiliar places far above the baseline; attack mode until ${when(s.attack_until)}. Strangers are refused, familiar users go on.`
      : 'No attack in progress.';
  }

  async function show() {
    clearTimeout(timer);
    const [, name, arg] = (location.hash || '#/overview').split('/');
    const view = document.getElementById('view');
    document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('current', a.dataset.view === name));
    const views = { overview, account, source, held, blocks, forms, system };
    const fn = views[name] || overview;
    try {
      await Promise.all([banner(), fn(view, arg ? decodeURIComponent(arg) : '')]);
      view.dataset.ready = name || 'overview';
    } catch (err) {
      const el = document.getElementById('status');
      el.className = 'status problem';
      el.textContent = 'Could not load: ' + err.message;
    }
    // Live: the overview and the held list redraw every 10 s; a form being typed in is not
    // redrawn under the operator's fingers.
    if (fn === overview || fn === held || fn === system) timer = setTimeout(show, 10000);
  }

  async function start() {
    csrf = (await api('GET', '/console/session')).csrf;
    document.getElementById('logout-csrf').value = csrf;
    document.getElementById('lookup').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = document.getElementById('lookup-input').value.trim();
      if (!text) return;
      const looksLikeIp = /^[0-9.]+$/.test(text) || (text.includes(':') && !text.includes('@'));
      location.hash = (looksLikeIp ? '#/source/' : '#/account/') + encodeURIComponent(text);
    });
    window.addEventListener('hashchange', show);
    await show();
  }

  start();
})();

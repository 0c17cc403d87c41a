// The "Connect your GitHub Copilot" panel (SPEC §14): shown to a key that uses
// its holder's own Copilot seat. It asks the proxy for a device code
// (POST /seats/link), shows the code and GitHub's page, waits while the proxy
// polls GitHub (GET /seats/link), then shows the linked login. A key on the
// proxy's shared login never sees it. Its own module and style sheet: the page
// only loads them.
import { $, el } from './dom.js';

const STORED_KEY = 'copilot-proxy.dashboard.key';

const panel = {
  node: undefined,
  /** The poll of a running flow; replaced or cleared on every change. */
  timer: undefined,
  /** Bumped on every sign-in and sign-out: answers for an older key are dropped. */
  generation: 0,
};

async function seatApi(method, key) {
  const res = await fetch('/seats/link', {
    method,
    headers: { authorization: `Bearer ${key}` },
    cache: 'no-store',
  }).catch(() => undefined);
  const body = await res?.json().catch(() => undefined);
  return { ok: res?.ok === true, status: res?.status ?? 0, body };
}

function mount() {
  if (panel.node) return panel.node;
  panel.node = el('section', {
    id: 'seat-panel',
    class: 'card seat-panel',
    'aria-live': 'polite',
    'aria-labelledby': 'seat-title',
    hidden: true,
  });
  const content = $('content');
  content.parentNode.insertBefore(panel.node, content);
  return panel.node;
}

function show(...children) {
  const node = mount();
  node.replaceChildren(...children);
  node.hidden = false;
}

function hide() {
  clearTimeout(panel.timer);
  panel.timer = undefined;
  if (panel.node) panel.node.hidden = true;
}

function title(text) {
  return el('h2', { id: 'seat-title', text });
}

function button(text, onClick, primary = false) {
  const node = el('button', {
    type: 'button',
    class: primary ? 'button primary' : 'button',
    text,
  });
  node.addEventListener('click', onClick);
  return node;
}

/** The key's `/usage`: its `seat` says whether it has one of its own. */
async function usageOf(key) {
  const res = await fetch('/usage', {
    headers: { authorization: `Bearer ${key}` },
    cache: 'no-store',
  }).catch(() => undefined);
  return res?.ok ? res.json().catch(() => undefined) : undefined;
}

/** Reads the key's seat and shows what fits: nothing, the offer, the wait, the login. */
async function check() {
  const generation = ++panel.generation;
  clearTimeout(panel.timer);
  const key = sessionStorage.getItem(STORED_KEY);
  if (!key) return hide();
  // A shared key (or a wrong one, which the page reports itself) has no seat to link.
  const seat = (await usageOf(key))?.seat;
  if (generation !== panel.generation) return;
  document.documentElement.dataset.seat =
    typeof seat === 'object' && seat !== null ? 'own' : 'none';
  if (document.documentElement.dataset.seat !== 'own') return hide();
  const { ok, body } = await seatApi('GET', key);
  if (generation !== panel.generation) return;
  if (!ok) return hide();
  render(key, body, generation);
}

function render(key, status, generation, code) {
  switch (status.state) {
    case 'linked':
      return showLinked(key, status.login);
    case 'pending':
      showWaiting(key, code);
      panel.timer = setTimeout(
        () => void poll(key, generation, code),
        Math.max(1, code?.interval ?? 2) * 1000,
      );
      return;
    default:
      return showOffer(key, status);
  }
}

async function poll(key, generation, code) {
  const { ok, body } = await seatApi('GET', key);
  if (generation !== panel.generation) return;
  if (!ok) return hide();
  render(key, body, generation, code);
  if (body.state === 'linked') $('refresh')?.click();
}

function showOffer(key, status) {
  const ended =
    status.state === 'denied'
      ? 'The last connection was refused.'
      : status.state === 'expired'
        ? 'The last code expired before it was approved.'
        : undefined;
  show(
    title('Connect your GitHub Copilot'),
    el('p', {
      text: 'This key uses your own GitHub Copilot seat. Connect your GitHub account once: your requests then go to Copilot as you, on your plan and quota.',
    }),
    ended &&
      el('p', {
        class: 'seat-ended',
        'data-state': status.state,
        text: status.detail ? `${ended} ${status.detail}` : ended,
      }),
    el(
      'div',
      { class: 'seat-actions' },
      button('Connect GitHub Copilot', () => void start(key), true),
    ),
  );
}

async function start(key) {
  const generation = ++panel.generation;
  const { ok, body } = await seatApi('POST', key);
  if (generation !== panel.generation) return;
  if (!ok) {
    show(
      title('Connect your GitHub Copilot'),
      el('p', {
        class: 'seat-ended',
        text:
          body?.error?.message ?? 'The proxy could not start the connection.',
      }),
      el(
        'div',
        { class: 'seat-actions' },
        button('Try again', () => void start(key), true),
      ),
    );
    return;
  }
  render(key, { state: 'pending' }, generation, body);
}

function showWaiting(key, code) {
  if (!code) {
    // A flow started elsewhere (another tab, the CLI): its code is not known here.
    show(
      title('Connect your GitHub Copilot'),
      el('p', {
        class: 'seat-waiting',
        text: 'Waiting for GitHub: a connection was started for this key…',
      }),
      el(
        'div',
        { class: 'seat-actions' },
        button('Start again', () => void start(key)),
      ),
    );
    return;
  }
  const page = el('a', {
    id: 'seat-verify',
    href: code.verification_uri,
    target: '_blank',
    rel: 'noopener noreferrer',
    text: code.verification_uri,
  });
  show(
    title('Connect your GitHub Copilot'),
    el(
      'ol',
      { class: 'seat-steps' },
      el('li', {}, 'Open ', page, ' (signed in to GitHub as yourself).'),
      el('li', {}, 'Enter this code:'),
    ),
    el('p', { id: 'seat-code', class: 'seat-code', text: code.user_code }),
    el('p', {
      class: 'seat-waiting muted',
      text: 'Waiting for you to approve it on GitHub…',
    }),
    el(
      'div',
      { class: 'seat-actions' },
      button('Get a new code', () => void start(key)),
    ),
  );
}

function showLinked(key, login) {
  const plan = el('p', { id: 'seat-plan', class: 'muted' });
  show(
    title('GitHub Copilot connected'),
    el(
      'p',
      {},
      'Your requests use the Copilot seat of ',
      el('strong', { id: 'seat-login', text: login }),
      '.',
    ),
    plan,
    el(
      'div',
      { class: 'seat-actions' },
      button('Disconnect', () => void unlink(key)),
    ),
  );
  void describePlan(key, plan);
}

/** The seat's own plan and premium requests left, from its `/usage`. */
async function describePlan(key, node) {
  const usage = await usageOf(key);
  const copilot = usage?.seatAccount?.copilot;
  if (!copilot?.copilot_plan) return;
  const premium = copilot.quota_snapshots?.premium_interactions;
  const left =
    premium?.unlimited === true
      ? 'premium requests unlimited'
      : typeof premium?.remaining === 'number'
        ? `${premium.remaining} of ${premium.entitlement} premium requests left`
        : undefined;
  node.textContent = [`Plan: ${copilot.copilot_plan}`, left]
    .filter(Boolean)
    .join(' · ');
}

async function unlink(key) {
  const generation = ++panel.generation;
  const { ok, body } = await seatApi('DELETE', key);
  if (generation !== panel.generation) return;
  if (ok) render(key, body, generation);
}

$('key-form')?.addEventListener('submit', () =>
  queueMicrotask(() => void check()),
);
$('sign-out')?.addEventListener('click', () => {
  panel.generation++;
  hide();
});
void check();

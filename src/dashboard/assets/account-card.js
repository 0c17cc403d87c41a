// The Copilot account's quota, for a caller who may read it (readAllUsage, or
// keys off): premium interactions left and their reset date.
import { creditsOf, sum } from './counters.js';
import { $, el, figure } from './dom.js';
import * as format from './format.js';

/** Premium interactions left: GitHub's account info, else the answers' headers. */
function premiumQuota(account) {
  const snapshot = account.copilot?.quota_snapshots?.premium_interactions;
  if (snapshot) {
    return {
      unlimited: snapshot.unlimited === true,
      entitlement: snapshot.entitlement,
      remaining: snapshot.remaining,
      share: snapshot.percent_remaining / 100,
      resets: account.copilot.quota_reset_date,
      source: 'GitHub account info',
    };
  }
  const header = account.quotaSnapshots?.premium_interactions;
  if (!header) return undefined;
  const entitlement = Number(header.fields.ent);
  // `rem` is the share left, in percent; an entitlement of -1 has no limit.
  const share = Number(header.fields.rem) / 100;
  return {
    unlimited: entitlement === -1,
    entitlement,
    remaining: Math.round(entitlement * share * 10) / 10,
    share,
    resets: header.fields.rst,
    source: `the latest answer's headers (${format.time(new Date(header.seenAt))}; they lag real use)`,
  };
}

function quotaParts(quota) {
  if (!quota)
    return [
      el('p', {
        class: 'muted',
        text: 'Copilot has not reported a premium quota yet.',
      }),
    ];
  if (quota.unlimited)
    return [
      el('p', { class: 'quota-big', text: 'Unlimited premium interactions' }),
    ];
  const share = Math.max(0, Math.min(1, quota.share));
  return [
    el('span', { class: 'tile-label', text: 'Premium interactions left' }),
    el(
      'p',
      { class: 'quota-big' },
      figure(
        'strong',
        'premiumRemaining',
        quota.remaining,
        format.decimal(quota.remaining),
      ),
      el('span', {
        class: 'muted',
        text: ` of ${format.decimal(quota.entitlement)}`,
      }),
    ),
    el('meter', {
      min: 0,
      max: 1,
      low: 0.1,
      high: 0.25,
      optimum: 1,
      value: share,
      'aria-label': 'Premium interactions left',
    }),
    el('p', { class: 'muted', text: `${format.percent(share)} left` }),
  ];
}

/**
 * How the proxy's own count relates to GitHub's: GitHub counts every client of
 * the account over its billing cycle; the proxy counts what passed through it
 * this calendar month. Side by side, with what each covers.
 */
function relation(quota, keys) {
  const month = sum(
    ...keys.map((k) => k.periods.find((p) => p.period === 'month')?.totals),
  );
  const proxied = month.premiumRequests;
  const parts = [
    el('span', { class: 'tile-label', text: 'Through this proxy' }),
    el(
      'p',
      { class: 'relation' },
      figure('strong', 'proxyPremium', proxied, format.decimal(proxied)),
      el('span', {
        class: 'muted',
        text: ` premium requests this month (${format.credits(creditsOf(month))} AI credits), all keys`,
      }),
    ),
  ];
  if (quota && !quota.unlimited && Number.isFinite(quota.entitlement)) {
    const usedOnGitHub =
      Math.round((quota.entitlement - quota.remaining) * 10) / 10;
    parts.push(
      el('p', {
        class: 'source',
        'data-field': 'premiumUsedOnGitHub',
        'data-value': usedOnGitHub,
        text: `GitHub counts ${format.decimal(usedOnGitHub)} of ${format.decimal(quota.entitlement)} used this cycle, from every client of the account (editors included), since its last reset; the proxy counts only its own calls, by calendar month. The two differ by what other clients used and where the periods start.`,
      }),
    );
  }
  return parts;
}

export function renderAccount(account, keys = []) {
  $('account-card').hidden = !account;
  $('overview').classList.toggle('with-account', Boolean(account));
  if (!account) return;
  const copilot = account.copilot;
  const quota = premiumQuota(account);
  const plan = [
    copilot?.login,
    copilot?.copilot_plan && `${copilot.copilot_plan} plan`,
  ]
    .filter(Boolean)
    .join(' · ');
  const cooldown = account.cooldown;
  $('account-body').replaceChildren(
    ...(plan ? [el('p', { class: 'muted', text: plan })] : []),
    ...quotaParts(quota),
    ...(quota?.resets
      ? [
          el(
            'p',
            {},
            el('span', { class: 'muted', text: 'Resets ' }),
            el('strong', {
              'data-field': 'resetDate',
              text: format.date(quota.resets),
            }),
          ),
        ]
      : []),
    ...relation(quota, keys),
    cooldown
      ? el('p', {
          class: 'status limited',
          text: `Copilot is limiting the account (${cooldown.limit}): model calls refused for ${Math.ceil(cooldown.retryAfterSeconds / 60)} more min`,
        })
      : el('p', { class: 'status', text: 'No Copilot rate limit in force' }),
    ...(quota
      ? [el('p', { class: 'source', text: `From ${quota.source}.` })]
      : []),
  );
}

/**
 * The STRICT fake Copilot: the lenient fake (`../fake-copilot-api.ts`) that refuses
 * what the real Copilot of late 2026 refuses, with its own bodies and content types,
 * and answers in its shapes (catalogue `COPILOT-QUIRKS.md` §11; rule ids are its ids,
 * in lower case).
 *
 * Start it:
 *
 *     const fake = await startStrictCopilot();                 // every rule on
 *     const fake = await startStrictCopilot({ off: ['m1'] });  // a rule off
 *     const fake = await startStrictCopilot({ rules: { m3: true, 'r1-absent': true } }); // opt-in (§10) rules on
 *     const fake = await new FakeCopilotApi({ strict: { off: ['c4'] } }).start(); // the same
 *     fake.strict!.off('m2'); fake.strict!.on('m2');           // switch while running
 *
 * What reached it: `fake.requests` (method, url, rawHeaders, headers, body as raw
 * bytes, in order), `fake.lastRequest('/v1/messages')`, `fake.bodyOf(record)`;
 * `jsonDiff(sentBody, record.body)` lists the JSON paths that differ (`['store']`).
 * `fake.script(…)` still works: a scripted answer is served once the rules pass.
 * What it decided: `fake.strict!.verdicts` (`{request, path, rule?, status}`; `rule`
 * names the refusing rule, undefined when answered), `fake.strict!.refusedBy('m2')`.
 *
 * Rules (`STRICT_RULES`, each a few lines in `strict-headers.ts`,
 * `strict-messages.ts`, `strict-chat.ts`, `strict-responses.ts`; the first refusal
 * wins; before them the body must be JSON (`g4`: `failed to parse request`) and the
 * model listed (`g6`) and served on the path (`g7`)):
 * - headers: g5 (`X-GitHub-Api-Version` < 2025-05-01 → 466), g14 (opus-4.8 + Claude Code UA, no integration id → 403);
 * - `/v1/messages`: m1 (unknown `anthropic-beta`; count_tokens too), m2, m3 (opt-in),
 *   m4, m5, m6, m7, c4, m9, m10, m10-signature, m11, m15, m16, m17, m18;
 * - `/chat/completions`: c1, c4, c5 (opt-in), c8 (Claude `reasoning_opaque` not issued), c13; `/embeddings`: e1;
 * - `/responses`: r1, r1-absent (opt-in), r2, r3, r4, r5 (gpt-5.5), r6, r7, r8, r10, r11, r12, r14.
 * Bodies: Copilot's `{"error":{"message","code":"invalid_request_body"}}` + newline as
 * `text/plain; charset=utf-8`; the bare `{"message":"…: Extra inputs are not
 * permitted"}` (JSON) for `/v1/messages` schema errors; Anthropic's `{"type":"error",…,
 * "request_id":"req_vrtx_…"}` for m1, m9, m18 and M12.
 *
 * Answers (`strict-*-answer.ts`): Copilot's shapes (chat: no object/created, padding,
 * filter results, empty-choices chunks, usage on a trailing empty-choices chunk;
 * responses: churning ~408-char item ids, `service_tier: "priority"`,
 * `copilot_usage`; messages: `msg_bdrk_` ids, `context_management`, `data: [DONE]`
 * after `message_stop`), `x-quota-snapshot-*` on successes only, `Connection: close`.
 * Asked for by a marker anywhere in the request body, or for every request by
 * `answers` (an option, or `fake.strict!.answers.overflow = true` while running):
 * - `STRICT_OVERFLOW` (`answers.overflow`): M12 on `/v1/messages` (400, Anthropic
 *   shape, "Request body is too large for model context window: …"), C14 on chat and
 *   responses (400 `model_max_prompt_tokens_exceeded`);
 * - `STRICT_FAST_PATH` (`answers.fastPath`): a Responses stream of created,
 *   in_progress and completed only (R15);
 * - `STRICT_NO_SEQ` (`answers.sequenceNumbers: false`): no `sequence_number` (R15);
 * - `STRICT_WHITESPACE`: tool-call arguments (chat, responses) are a `\n\t\r` flood
 *   cut at the token limit (G16: chat `finish_reason: "length"`, responses
 *   `response.incomplete`);
 * - `answers.splitChoices`: a Claude chat answer's tool calls come in choice 1 (C9);
 * - `answers.connectionClose: false`: keep-alive allowed.
 * Reasoning, when the request asks for it: messages `thinking` (enabled/adaptive) →
 * a thinking block with a signature (text `""` when the display is omitted, the
 * default from 4.7); chat Claude/Gemini with `thinking_budget` or `reasoning_effort`
 * → `reasoning_text` + `reasoning_opaque`; responses `reasoning` → a reasoning item
 * (summary when `reasoning.summary` is set, `encrypted_content` when `include` has
 * `reasoning.encrypted_content`). `fake.strict!.ledger` records what it issued and
 * what came back: `ledger.arrivedFrom(i)` lists the reasoning issued on
 * `fake.requests[i]` that a later request sent back byte for byte;
 * `ledger.returnedOn(j)` what request j sent back (`issued` undefined: not the
 * fake's, and m10-signature / c8 / r10 refused it).
 */
import { FakeCopilotApi, FakeOptions } from '../fake-copilot-api';
import type { StrictOptions } from './strict-mode';

export { STRICT_RULES } from './strict-mode';
export type { StrictOptions, StrictVerdict } from './strict-mode';
export type { StrictAnswerSettings } from './strict-answer-kit';
export type { IssuedReasoning, ReturnedReasoning } from './strict-reasoning';
export { ALLOWED_BETAS } from './strict-messages';
export { jsonDiff } from './strict-diff';
export { REQUEST_ID, TEXT_PLAIN } from './strict-refusals';

/** A started strict fake (`new FakeCopilotApi({...others, strict})` on port 0). */
export function startStrictCopilot(
  strict: StrictOptions = {},
  others: Omit<FakeOptions, 'strict'> = {},
): Promise<FakeCopilotApi> {
  return new FakeCopilotApi({ ...others, strict }).start();
}

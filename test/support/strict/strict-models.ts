import { claude, FakeModel, gpt5 } from '../fake-models';

/**
 * The models the strict fake lists besides the lenient fake's (`fake-models.ts`):
 * a Claude at 4.8 (takes inline system messages, M9; G14's 403), and two
 * Responses-only GPTs (gpt-5.5: R5).
 */
export const STRICT_EXTRA_MODELS: FakeModel[] = [
  claude('claude-opus-4.8', 'Claude Opus 4.8', 3, {
    max_context_window_tokens: 1000000,
    max_output_tokens: 64000,
    max_prompt_tokens: 936000,
  }),
  gpt5(
    'gpt-5.4',
    'GPT-5.4',
    { is_premium: true, multiplier: 1 },
    ['/responses', 'ws:/responses'],
    {
      max_context_window_tokens: 400000,
      max_output_tokens: 128000,
      max_prompt_tokens: 272000,
    },
  ),
  gpt5(
    'gpt-5.5',
    'GPT-5.5',
    { is_premium: true, multiplier: 1 },
    ['/responses', 'ws:/responses'],
    {
      max_context_window_tokens: 400000,
      max_output_tokens: 128000,
      max_prompt_tokens: 272000,
    },
  ),
];

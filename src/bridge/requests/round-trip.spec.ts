import type { BridgeNotes, Json } from '../ir';
import chatToolLoop from './__fixtures__/chat-tool-loop.chat.json';
import ccTitle from './__fixtures__/cc-title.messages.json';
import ccToolLoop from './__fixtures__/cc-tool-loop.messages.json';
import codexTitle from './__fixtures__/codex-title.responses.json';
import codexToolLoop from './__fixtures__/codex-tool-loop.responses.json';
import { readChatRequest } from './read-chat-request';
import { readMessagesRequest } from './read-messages-request';
import { readResponsesRequest } from './read-responses-request';
import { writeChatRequest } from './write-chat-request';
import { writeResponsesRequest } from './write-responses-request';

/** Each direction the bridge takes, from a client body to the upstream body. */
function translate(
  read: (body: Json, notes: BridgeNotes) => ReturnType<typeof readChatRequest>,
  write: (
    request: ReturnType<typeof readChatRequest>,
    notes: BridgeNotes,
  ) => Json,
  body: Json,
) {
  const notes: BridgeNotes = { ignored: [] };
  return { body: write(read(body, notes), notes), notes };
}

const PNG_URL = 'data:image/png;base64,iVBORw0KGgo=';

describe('bridge request round trips', () => {
  it('Messages → Chat: a Claude Code tool loop for Gemini', () => {
    const { body, notes } = translate(
      readMessagesRequest,
      writeChatRequest,
      ccToolLoop,
    );
    expect(body).toEqual({
      model: 'gemini-2.5-pro',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 32000,
      reasoning_effort: 'high',
      user: 'user_2f1c_account__session_9a8b',
      tools: [
        {
          type: 'function',
          function: {
            name: 'Bash',
            description: 'Executes a bash command.',
            parameters: ccToolLoop.tools[0].input_schema,
          },
        },
        {
          type: 'function',
          function: {
            name: 'Read',
            description: 'Reads a file.',
            parameters: ccToolLoop.tools[1].input_schema,
          },
        },
      ],
      messages: [
        {
          role: 'system',
          content:
            "You are Claude Code, Anthropic's official CLI for Claude.\n\nYou are an interactive agent that helps users with software engineering tasks.",
        },
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: '<system-reminder>Skills are available.</system-reminder>',
            },
            {
              type: 'text',
              text: '<system-reminder>CLAUDE.md says: use pnpm.</system-reminder>',
            },
            {
              type: 'text',
              text: 'Which files are here, and what does the screenshot show?',
            },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me look.',
          // The signed thinking goes back as it came: reasoning the model cannot verify is Copilot's to refuse (M10).
          reasoning_text: 'I should list the files and look at the screenshot.',
          reasoning_opaque: 'EqQBCkgIBxABGAIiQLmN3Yc0sig==',
          tool_calls: [
            {
              id: 'toolu_01A',
              type: 'function',
              function: {
                name: 'Bash',
                arguments: '{"command":"ls","description":"List files"}',
              },
            },
            {
              id: 'toolu_01B',
              type: 'function',
              function: { name: 'Read', arguments: '{}' },
            },
          ],
        },
        {
          role: 'tool',
          tool_call_id: 'toolu_01A',
          content: 'README.md\npackage.json',
        },
        {
          role: 'tool',
          tool_call_id: 'toolu_01B',
          content: 'screenshot.png (12 KB)',
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Images returned by tool call toolu_01B:' },
            { type: 'image_url', image_url: { url: PNG_URL } },
          ],
        },
        {
          role: 'user',
          content: 'The user switched to plan mode: do not edit files.',
        },
      ],
    });
    expect(notes.ignored).toEqual([
      'context_management',
      'cache_control',
      'x-anthropic-billing-header',
    ]);
  });

  it('Messages → Chat: a Claude model keeps its thinking and budget', () => {
    const { body, notes } = translate(readMessagesRequest, writeChatRequest, {
      ...ccToolLoop,
      model: 'claude-opus-4.6',
    });
    expect(body.thinking_budget).toBe(31999);
    expect(body.reasoning_effort).toBeUndefined();
    expect((body.messages as Json[])[2]).toEqual({
      role: 'assistant',
      content: 'Let me look.',
      reasoning_text: 'I should list the files and look at the screenshot.',
      reasoning_opaque: 'EqQBCkgIBxABGAIiQLmN3Yc0sig==',
      tool_calls: [
        {
          id: 'toolu_01A',
          type: 'function',
          function: {
            name: 'Bash',
            arguments: '{"command":"ls","description":"List files"}',
          },
        },
        {
          id: 'toolu_01B',
          type: 'function',
          function: { name: 'Read', arguments: '{}' },
        },
      ],
    });
    expect(notes.ignored).toEqual([
      'context_management',
      'cache_control',
      'x-anthropic-billing-header',
    ]);
  });

  it('Messages → Chat: a Claude Code sub-agent call (system message in place, effort only)', () => {
    const { body, notes } = translate(readMessagesRequest, writeChatRequest, {
      model: 'claude-haiku-4.5',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>ctx</system-reminder>' },
            {
              type: 'text',
              cache_control: { type: 'ephemeral' },
              text: 'USE_TOOL list the markdown files here',
            },
          ],
        },
        { role: 'system', content: 'You are the Explore agent.' },
      ],
      system: [{ type: 'text', text: 'You are Claude Code.' }],
      tools: [],
      metadata: { user_id: 'u' },
      max_tokens: 32000,
      output_config: { effort: 'high' },
      stream: true,
    });
    expect(body).toEqual({
      model: 'claude-haiku-4.5',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 32000,
      thinking_budget: 31999,
      user: 'u',
      messages: [
        { role: 'system', content: 'You are Claude Code.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>ctx</system-reminder>' },
            { type: 'text', text: 'USE_TOOL list the markdown files here' },
          ],
        },
        { role: 'user', content: 'You are the Explore agent.' },
      ],
    });
    expect(notes.ignored).toEqual(['cache_control']);
  });

  it('Chat → Responses: an SDK tool loop for a Responses-only model', () => {
    const { body, notes } = translate(
      readChatRequest,
      writeResponsesRequest,
      chatToolLoop,
    );
    expect(body).toEqual({
      model: 'gpt-5.1-codex',
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
      max_output_tokens: 4096,
      reasoning: { effort: 'medium' },
      tool_choice: 'auto',
      parallel_tool_calls: true,
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Current weather for a city.',
          parameters: chatToolLoop.tools[0].function.parameters,
          strict: true,
        },
        {
          type: 'function',
          name: 'get_time',
          description: 'Current time.',
          parameters: { type: 'object', properties: {} },
          strict: false,
        },
      ],
      input: [
        {
          type: 'message',
          role: 'system',
          content: [
            { type: 'input_text', text: 'You are a helpful coding assistant.' },
          ],
        },
        {
          type: 'message',
          role: 'developer',
          content: [{ type: 'input_text', text: 'Answer in English.' }],
        },
        {
          type: 'message',
          role: 'user',
          content: [
            {
              type: 'input_text',
              text: "What's the weather in Paris and Tokyo? Here is a chart.",
            },
            { type: 'input_image', image_url: PNG_URL, detail: 'high' },
            {
              type: 'input_image',
              image_url: 'https://example.com/chart.png',
              detail: 'auto',
            },
          ],
        },
        {
          type: 'function_call',
          call_id: 'call_abc',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
        },
        {
          type: 'function_call',
          call_id: 'call_def',
          name: 'get_time',
          arguments: '{}',
        },
        {
          type: 'function_call_output',
          call_id: 'call_abc',
          output: '18°C, cloudy',
        },
        {
          type: 'function_call_output',
          call_id: 'call_def',
          output: '14:05 CET',
        },
        {
          type: 'message',
          role: 'assistant',
          content: [
            {
              type: 'output_text',
              text: 'Paris is 18°C and cloudy; it is 14:05 there.',
            },
          ],
        },
        {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: 'And Tokyo?' }],
        },
      ],
    });
    expect(notes.ignored).toEqual(['store', 'seed', 'user']);
  });

  it('Responses → Chat: a Codex tool loop for Claude', () => {
    const { body, notes } = translate(
      readResponsesRequest,
      writeChatRequest,
      codexToolLoop,
    );
    expect(body).toEqual({
      model: 'claude-sonnet-4.5',
      stream: true,
      stream_options: { include_usage: true },
      thinking_budget: 16384,
      tool_choice: 'auto',
      parallel_tool_calls: true,
      tools: [
        {
          type: 'function',
          function: {
            name: 'exec_command',
            description: 'Runs a command in a PTY.',
            parameters: codexToolLoop.tools[0].parameters,
          },
        },
        {
          type: 'function',
          function: {
            name: 'multi_agent_v1__spawn_agent',
            description: 'Spawns a sub-agent.',
            parameters: {
              type: 'object',
              properties: { message: { type: 'string' } },
            },
          },
        },
        {
          type: 'function',
          function: {
            name: 'multi_agent_v1__wait_agent',
            description: 'Waits for a sub-agent.',
            parameters: { type: 'object', properties: {} },
          },
        },
      ],
      messages: [
        {
          role: 'system',
          content:
            'You are Codex, a coding agent based on GPT-5.\n\n<permissions instructions>sandbox: read-only</permissions instructions>\n\n<collaboration_mode>default</collaboration_mode>',
        },
        {
          role: 'user',
          content:
            '<environment_context><cwd>/repo</cwd></environment_context>',
        },
        {
          role: 'user',
          content: 'USE_TOOL run echo and ask a helper to review',
        },
        {
          role: 'assistant',
          content: 'Running it now.',
          tool_calls: [
            {
              id: 'call_Ex1',
              type: 'function',
              function: {
                name: 'exec_command',
                arguments: '{"cmd":"echo tool-ran"}',
              },
            },
            {
              id: 'call_Sp2',
              type: 'function',
              function: {
                name: 'multi_agent_v1__spawn_agent',
                arguments: '{}',
              },
            },
          ],
        },
        {
          role: 'tool',
          tool_call_id: 'call_Ex1',
          content: 'Process exited with code 0\nOutput:\ntool-ran\n',
        },
        {
          role: 'tool',
          tool_call_id: 'call_Sp2',
          content: 'agent started; its screenshot:',
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Images returned by tool call call_Sp2:' },
            { type: 'image_url', image_url: { url: PNG_URL } },
          ],
        },
        { role: 'assistant', content: 'Both done.' },
        { role: 'user', content: 'thanks' },
      ],
    });
    expect(notes.ignored).toEqual([
      'store',
      'include',
      'prompt_cache_key',
      'client_metadata',
      'input.web_search_call',
      'tools.web_search',
      'reasoning-history',
    ]);
  });

  it('Responses → Chat: the Codex thread-title call for Gemini', () => {
    const { body, notes } = translate(
      readResponsesRequest,
      writeChatRequest,
      codexTitle,
    );
    expect(body).toEqual({
      model: 'gemini-2.5-pro',
      stream: true,
      stream_options: { include_usage: true },
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'codex_output_schema',
          schema: codexTitle.text.format.schema,
          strict: true,
        },
      },
      messages: [
        {
          role: 'system',
          content: 'You are Codex, a coding agent based on GPT-5.',
        },
        {
          role: 'user',
          content: 'Write a title of at most 36 characters for: say hi',
        },
      ],
    });
    expect(notes.ignored).toEqual([
      'store',
      'include',
      'prompt_cache_key',
      'client_metadata',
    ]);
  });

  it('Messages → Responses: a Claude Code tool loop for a Responses-only model', () => {
    const { body, notes } = translate(
      readMessagesRequest,
      writeResponsesRequest,
      { ...ccToolLoop, model: 'gpt-5.1-codex' },
    );
    expect(body).toEqual({
      model: 'gpt-5.1-codex',
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
      max_output_tokens: 32000,
      reasoning: { effort: 'high', summary: 'auto' },
      tools: [
        {
          type: 'function',
          name: 'Bash',
          description: 'Executes a bash command.',
          parameters: ccToolLoop.tools[0].input_schema,
          strict: false,
        },
        {
          type: 'function',
          name: 'Read',
          description: 'Reads a file.',
          parameters: ccToolLoop.tools[1].input_schema,
          strict: false,
        },
      ],
      input: [
        {
          type: 'message',
          role: 'system',
          content: ccToolLoop.system.slice(1).map((block) => ({
            type: 'input_text',
            text: block.text,
          })),
        },
        {
          type: 'message',
          role: 'user',
          content: [
            {
              type: 'input_text',
              text: '<system-reminder>Skills are available.</system-reminder>',
            },
            {
              type: 'input_text',
              text: '<system-reminder>CLAUDE.md says: use pnpm.</system-reminder>',
            },
            {
              type: 'input_text',
              text: 'Which files are here, and what does the screenshot show?',
            },
          ],
        },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Let me look.' }],
        },
        {
          type: 'function_call',
          call_id: 'toolu_01A',
          name: 'Bash',
          arguments: '{"command":"ls","description":"List files"}',
        },
        {
          type: 'function_call',
          call_id: 'toolu_01B',
          name: 'Read',
          arguments: '{}',
        },
        {
          type: 'function_call_output',
          call_id: 'toolu_01A',
          output: 'README.md\npackage.json',
        },
        {
          type: 'function_call_output',
          call_id: 'toolu_01B',
          output: [
            { type: 'input_text', text: 'screenshot.png (12 KB)' },
            { type: 'input_image', image_url: PNG_URL, detail: 'auto' },
          ],
        },
        {
          type: 'message',
          role: 'system',
          content: [
            {
              type: 'input_text',
              text: 'The user switched to plan mode: do not edit files.',
            },
          ],
        },
      ],
    });
    expect(notes.ignored).toEqual([
      'context_management',
      'cache_control',
      'x-anthropic-billing-header',
      'reasoning-history',
      'user',
    ]);
  });

  it('Messages → Responses: the Claude Code title call', () => {
    const { body, notes } = translate(
      readMessagesRequest,
      writeResponsesRequest,
      ccTitle,
    );
    expect(body).toEqual({
      model: 'gpt-5.1-codex',
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
      max_output_tokens: 32000,
      reasoning: { effort: 'high' },
      text: {
        format: {
          type: 'json_schema',
          name: 'output',
          schema: ccTitle.output_config.format.schema,
        },
      },
      input: [
        {
          type: 'message',
          role: 'system',
          content: ccTitle.system.slice(1).map((block) => ({
            type: 'input_text',
            text: block.text,
          })),
        },
        {
          type: 'message',
          role: 'user',
          content: [
            {
              type: 'input_text',
              text: 'Summarize this coding conversation in a short title: explain what a monad is',
            },
          ],
        },
      ],
    });
    expect(notes.ignored).toEqual(['x-anthropic-billing-header', 'user']);
  });

  it('Messages → Responses → back: a reasoning item survives a Claude Code turn', () => {
    const { body } = translate(readMessagesRequest, writeResponsesRequest, {
      model: 'gpt-5.1-codex',
      max_tokens: 1024,
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            {
              type: 'thinking',
              thinking: '**Greeting**',
              signature: 'gAAAAABpZW5j@rs_77',
            },
            { type: 'text', text: 'Hello!' },
          ],
        },
        { role: 'user', content: 'again' },
      ],
    });
    expect((body.input as Json[])[1]).toEqual({
      type: 'reasoning',
      id: 'rs_77',
      summary: [{ type: 'summary_text', text: '**Greeting**' }],
      encrypted_content: 'gAAAAABpZW5j',
    });
  });
});

/**
 * Test support: one direction run end to end on recorded material — a client
 * request written upstream, a recorded upstream stream written back, and a
 * whole upstream answer written back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadFixture,
  replay,
  testIds,
} from '../../answers/__fixtures__/replay';
import type { Direction } from '../../direction';
import type { Api, BridgeNotes, Json } from '../../ir';

/** A whole answer of each upstream API, saying "Hello". */
const PLAIN: Record<Exclude<Api, 'messages'>, (model: string) => Json> = {
  chat: (model) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello' },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  }),
  responses: (model) => ({
    id: 'resp_1',
    object: 'response',
    status: 'completed',
    model,
    output: [
      {
        type: 'message',
        id: 'msg_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hello', annotations: [] }],
      },
    ],
    usage: { input_tokens: 5, output_tokens: 1, total_tokens: 6 },
  }),
};

export function runDirection(
  direction: Direction,
  material: { model: string; request: string; stream: string },
) {
  const context = { model: material.model, ids: testIds(), includeUsage: true };
  const request = JSON.parse(
    readFileSync(
      join(__dirname, '..', '..', 'requests', '__fixtures__', material.request),
      'utf8',
    ),
  ) as Json;
  const notes: BridgeNotes = { ignored: [] };
  const read = direction.readRequest(request, notes);
  read.model = material.model;
  const upstreamBody = direction.writeRequest(read, notes);
  const { output } = replay(
    direction.streamReader(),
    direction.streamWriter(context),
    [loadFixture(material.stream).bytes],
  );
  const upstream = direction.upstream as Exclude<Api, 'messages'>;
  const answer = direction.writeAnswer(
    direction.readAnswer(PLAIN[upstream](material.model)),
    context,
  );
  return { upstreamBody, output, answer };
}

import { readChatAnswer, ChatStreamReader } from '../answers/read-chat-answer';
import {
  ResponsesStreamWriter,
  writeResponsesAnswer,
} from '../answers/write-responses-answer';
import type { Direction } from '../direction';
import { readResponsesRequest } from '../requests/read-responses-request';
import { writeChatRequest } from '../requests/write-chat-request';

/** A Responses client on a model Copilot serves on Chat only. */
export const responsesToChat: Direction = {
  name: 'responses->chat',
  client: 'responses',
  upstream: 'chat',
  readRequest: readResponsesRequest,
  writeRequest: writeChatRequest,
  readAnswer: readChatAnswer,
  streamReader: () => new ChatStreamReader(),
  writeAnswer: writeResponsesAnswer,
  streamWriter: (context) => new ResponsesStreamWriter(context),
};

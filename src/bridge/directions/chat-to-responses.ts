import {
  readResponsesAnswer,
  ResponsesStreamReader,
} from '../answers/read-responses-answer';
import {
  ChatStreamWriter,
  writeChatAnswer,
} from '../answers/write-chat-answer';
import type { Direction } from '../direction';
import { readChatRequest } from '../requests/read-chat-request';
import { writeResponsesRequest } from '../requests/write-responses-request';

/** A Chat client on a model Copilot serves on Responses only. */
export const chatToResponses: Direction = {
  name: 'chat->responses',
  client: 'chat',
  upstream: 'responses',
  readRequest: readChatRequest,
  writeRequest: writeResponsesRequest,
  readAnswer: readResponsesAnswer,
  streamReader: () => new ResponsesStreamReader(),
  writeAnswer: writeChatAnswer,
  streamWriter: (context) => new ChatStreamWriter(context),
};

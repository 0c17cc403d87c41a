import {
  readResponsesAnswer,
  ResponsesStreamReader,
} from '../answers/read-responses-answer';
import {
  MessagesStreamWriter,
  writeMessagesAnswer,
} from '../answers/write-messages-answer';
import type { Direction } from '../direction';
import { readMessagesRequest } from '../requests/read-messages-request';
import { writeResponsesRequest } from '../requests/write-responses-request';

/** A Messages client on a model Copilot serves on Responses only. */
export const messagesToResponses: Direction = {
  name: 'messages->responses',
  client: 'messages',
  upstream: 'responses',
  readRequest: readMessagesRequest,
  writeRequest: writeResponsesRequest,
  readAnswer: readResponsesAnswer,
  streamReader: () => new ResponsesStreamReader(),
  writeAnswer: writeMessagesAnswer,
  streamWriter: (context) => new MessagesStreamWriter(context),
};

import { readChatAnswer, ChatStreamReader } from '../answers/read-chat-answer';
import {
  MessagesStreamWriter,
  writeMessagesAnswer,
} from '../answers/write-messages-answer';
import type { Direction } from '../direction';
import { readMessagesRequest } from '../requests/read-messages-request';
import { writeChatRequest } from '../requests/write-chat-request';

/** A Messages client on a model Copilot serves on Chat only. */
export const messagesToChat: Direction = {
  name: 'messages->chat',
  client: 'messages',
  upstream: 'chat',
  readRequest: readMessagesRequest,
  writeRequest: writeChatRequest,
  readAnswer: readChatAnswer,
  streamReader: () => new ChatStreamReader(),
  writeAnswer: writeMessagesAnswer,
  streamWriter: (context) => new MessagesStreamWriter(context),
};

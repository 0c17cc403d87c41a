/**
 * Test support: the client stream grammars (SPEC §11), checked on a writer's
 * whole output. Each check lists what is wrong (empty when the stream is valid)
 * and rebuilds the answer the client would see, for assertions.
 */

export { checkChatStream, type ChatStream } from './grammar-chat';
export { checkMessagesStream, type MessagesStream } from './grammar-messages';
export {
  checkResponsesStream,
  type ResponsesStream,
} from './grammar-responses';

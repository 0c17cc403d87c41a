import type { WriterContext } from './answers/writer-context';
import type {
  Api,
  BridgeAnswer,
  BridgeNotes,
  BridgeRequest,
  Json,
  StreamReader,
  StreamWriter,
} from './ir';

/**
 * One way across: a client API to an upstream API. The request is read from the
 * client's shape and written in the upstream's; the answer is read from the
 * upstream's and written in the client's — plain, or streamed part by part.
 */
export interface Direction {
  /** `messages->chat`: the log's `bridge` field and the metric's `direction`. */
  readonly name: string;
  readonly client: Api;
  readonly upstream: Api;
  readRequest(body: Json, notes: BridgeNotes): BridgeRequest;
  writeRequest(request: BridgeRequest, notes: BridgeNotes): Json;
  readAnswer(body: Json): BridgeAnswer;
  streamReader(): StreamReader;
  writeAnswer(answer: BridgeAnswer, context: WriterContext): Json;
  streamWriter(context: WriterContext): StreamWriter;
}

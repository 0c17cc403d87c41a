import type { BridgeNotes } from '../ir';

/** What every converter of one request reader shares: the model (for refusals) and the notes. */
export interface ReaderScope {
  readonly model: string;
  readonly notes: BridgeNotes;
}

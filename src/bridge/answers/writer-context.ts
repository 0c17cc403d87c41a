import type { BridgeIds } from '../ir';

/** What a writer needs of the request beyond the answer itself. */
export interface WriterContext {
  /** The served model id, used where the upstream named none. */
  model: string;
  ids: BridgeIds;
  /** Chat clients only get a usage chunk when they asked (`stream_options.include_usage`). */
  includeUsage: boolean;
  /**
   * The tool a called name stands for, as the client declared it (Codex's
   * namespaced tools go up flat as `namespace__name`).
   */
  toolName?: (called: string) => { name: string; namespace?: string };
}

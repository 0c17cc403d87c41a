/**
 * Bytes that all requests together may hold in memory for one purpose (replay
 * copies, bodies read for inspection). Past it, a request does without, so
 * concurrent large uploads cannot hold more memory than this.
 */
export class ByteBudget {
  private held = 0;

  constructor(readonly limitBytes: number) {}

  get heldBytes(): number {
    return this.held;
  }

  tryReserve(bytes: number): boolean {
    if (this.held + bytes > this.limitBytes) return false;
    this.held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.held -= bytes;
  }
}

/**
 * The bytes all requests together may keep for a retry. Past it, a body streams
 * upstream without a copy and loses the retry, so concurrent large uploads cannot
 * hold more memory than this.
 */
export class ReplayBudget {
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

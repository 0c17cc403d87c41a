import { randomBytes } from 'node:crypto';
import type { BridgeIds } from './ir';

/** Ids as the APIs make them: a prefix and 24 random base-62-ish characters. */
export const randomIds: BridgeIds = {
  next: (prefix) =>
    prefix +
    randomBytes(18).toString('base64').replace(/[+/=]/g, '').slice(0, 24),
  now: () => Math.floor(Date.now() / 1000),
};

/** The time, as the usage periods see it: tests swap it (`overrideProvider`). */
export abstract class Clock {
  abstract now(): number;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}

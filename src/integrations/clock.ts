import type { Clock } from '../domain/clock.ts';

/** The real clock: the one place the portal reads the system time (DESIGN §11). */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at `start` and then runs on at the real pace (DESIGN §10, FAKE_NOW). */
export function clockStartingAt(start: Date, realClock: Clock = systemClock): Clock {
  const offset = start.getTime() - realClock.now().getTime();
  return { now: () => new Date(realClock.now().getTime() + offset) };
}

/** A clock that stands still until told to move; for tests. */
export function fixedClock(start: Date): Clock & { set(instant: Date): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(instant: Date) {
      current = new Date(instant);
    },
  };
}

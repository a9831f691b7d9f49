/**
 * The only source of "now" for services; rules are given `now` as an argument. The system clock
 * and the test clocks are in integrations/clock.
 */
export interface Clock {
  now(): Date;
}

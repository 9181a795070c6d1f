// The largest magnitude a Date holds (ECMAScript: 8.64e15 ms either side of 1970). A time
// beyond it is no time at all: formatting one throws ("Invalid time value"). Every time read
// from outside (a usage answer, OpenClaw's records, another machine's rows) is held to it.
export const MAX_TIME_MS = 8.64e15;

/** A finite number a Date can hold. */
export const inDateRange = (value: number): boolean => Number.isFinite(value) && Math.abs(value) <= MAX_TIME_MS;

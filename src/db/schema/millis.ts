/** Timestamps are integer milliseconds since the epoch on both dialects; booleans are 0/1 integers. */
export type Millis = number;

/**
 * Test helpers for code that runs the producer (`@coattail/producer/testing`): read a stream's
 * trades back, poll for a condition. Not part of the production surface.
 */
export { readTrades } from './kinesis.js';
export { waitFor } from './wait.js';
export { captureLogger, type LogEntry } from './capture-logger.js';

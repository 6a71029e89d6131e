import { jest } from '@jest/globals';

// End-to-end tests start servers, replicas and browsers on a loaded two-core machine: a minute per test and hook.
// (Jest takes testTimeout only for the whole run, not per project.)
jest.setTimeout(60_000);

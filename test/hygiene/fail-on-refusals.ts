// jest setupFilesAfterEnv: a test during which the guards refused something fails, even when the code under test caught
// the error (a client that logs and falls back, a retry loop that gives up quietly).
import { takeRefusals } from './guards.cjs';
import { assertNothingRefused } from './refusal-report';

afterEach(() => assertNothingRefused(takeRefusals(), 'during this test'));
afterAll(() => assertNothingRefused(takeRefusals(), 'in this file outside its tests (hooks, background work)'));

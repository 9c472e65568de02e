// Global setup for every workspace's tests: one temporary directory per run, handed to the test workers as
// TMPDIR (so os.tmpdir(), mkdtemp and the servers the harness starts all land in it) and removed at the end,
// so no run leaves files behind in /tmp, even when a test forgets to clean up or fails halfway.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'craftista-test-'));
  // Like /tmp itself: servers the harness runs as another user (PostgreSQL as postgres) make their dirs here.
  chmodSync(root, 0o1777);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}

// Waiting for and stopping the processes a test starts (nodes, the simulator, servers), shared by
// the polkadot.js suite (tests/polkadot-js), the dashboard's browser test (dashboard/test) and the
// throughput harness (benchmarks/throughput). Node's standard library only: each of those has its
// own node_modules.
import { createServer, connect } from 'node:net';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Resolves with the first truthy value `check` returns, polling every `everyMs`; rejects with
// `what` and the last error `check` threw once `timeoutMs` passed.
export async function waitFor (what, check, { timeoutMs = 60_000, everyMs = 1_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`${what}: not within ${timeoutMs / 1000} s${lastError ? ` (last error: ${lastError.message})` : ''}`);
    }
    await sleep(everyMs);
  }
}

// A loopback TCP port nobody listens on right now.
export function freePort () {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Resolves once something accepts TCP connections on the port; rejects after `timeoutMs`, or as
// soon as `child` (the process that should listen) has exited.
export async function waitForPort (port, timeoutMs, child) {
  const exited = () => Boolean(child) && child.exitCode !== null;
  const open = () => new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
  await waitFor(`something listens on port ${port}`, async () => exited() || open(), { timeoutMs, everyMs: 250 });
  if (exited()) throw new Error(`the process exited (${child.exitCode}) before listening on port ${port}`);
}

// Stops a child process (SIGINT, SIGKILL after `graceMs`) and resolves once it exited.
export function stopChild (child, graceMs = 30_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGINT');
  });
}

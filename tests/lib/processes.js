// Waiting for and stopping the processes a test starts (nodes, the simulator, servers), shared by
// the polkadot.js suite (tests/polkadot-js), the dashboard's browser test (dashboard/test) and the
// throughput harness (benchmarks/throughput). Node's standard library only: each of those has its
// own node_modules.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { SIGNED_EXTENSIONS } from '../../dashboard/src/extensions.js';

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

// What spawnListening started and is still running is killed when this process exits, also when
// it is interrupted or terminated (a cancelled run, a test file that timed out): no node outlives
// the test that started it, even one whose start never finished.
const running = new Set();
process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });
for (const signal of ['SIGINT', 'SIGTERM']) {
  // Exits as the default action would, unless the program handles the signal itself.
  process.on(signal, () => { if (process.listenerCount(signal) === 1) process.exit(130); });
}

// Resolves with `promise`'s value, or rejects with `what` once `timeoutMs` passed.
export function within (what, promise, timeoutMs) {
  let timer;
  const late = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// Starts `command` with its output (stdout and stderr) appended to `logPath`, and resolves with
// the child and the port it says it listens on (the first match of `listening` in its log) once
// it says so. Processes are started on port 0 and the OS picks a port no other process holds: a
// port looked up first and bound later can be taken in between by a test running beside.
// Rejects after `timeoutMs`, or as soon as the child has exited.
export async function spawnListening (command, args, logPath, listening, timeoutMs) {
  const log = openSync(logPath, 'a');
  const child = spawn(command, args, { stdio: ['ignore', log, log] });
  closeSync(log);
  running.add(child);
  child.once('exit', () => running.delete(child));
  try {
    const port = await waitFor(`${command} says which port it listens on (log: ${logPath})`, () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`it exited (${child.exitCode ?? child.signalCode})`);
      }
      const match = listening.exec(readFileSync(logPath, 'utf8'));
      return match && Number(match[1]);
    }, { timeoutMs, everyMs: 200 });
    return { child, port };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

// Connects @polkadot/api (`ApiPromise` and `WsProvider` from the caller's own node_modules) to
// the node answering RPC on `port`, with the chain's own transaction extensions; resolves with
// the ready API and its provider, or rejects after `timeoutMs` with the connection closed.
export async function connectApi ({ ApiPromise, WsProvider }, port, timeoutMs = 120_000) {
  const provider = new WsProvider(`ws://127.0.0.1:${port}`, 500);
  try {
    const api = await within('@polkadot/api connects', ApiPromise.create({
      provider, noInitWarn: true, throwOnConnect: false, signedExtensions: SIGNED_EXTENSIONS
    }), timeoutMs);
    return { api, provider };
  } catch (error) {
    await provider.disconnect().catch(() => {});
    throw error;
  }
}

// `valley-node` with `args` on ports the OS picks: resolves with the child and its RPC port.
export const NODE_RPC = /Running JSON-RPC server: addr=127\.0\.0\.1:(\d+)/;
export const spawnNode = (bin, args, logPath, timeoutMs = 180_000) =>
  spawnListening(bin, [...args, '--rpc-port', '0', '--port', '0'], logPath, NODE_RPC, timeoutMs);

// The telematics simulator (scripts/telematics-sim) with `args` on a port the OS picks.
export const spawnSimulator = (script, args, logPath, timeoutMs = 30_000) =>
  spawnListening('python3', [script, '--port', '0', ...args], logPath, /on http:\/\/127\.0\.0\.1:(\d+)/, timeoutMs);

// A loopback TCP port nobody listens on right now (for processes that must be told their port
// before they start, e.g. a network's bootnode; tests running side by side use spawnListening).
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

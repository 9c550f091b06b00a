// Starts real valley-node processes for the tests and connects @polkadot/api to them.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { freePort, stopChild, waitFor, waitForPort } from '../lib/processes.js';

export const NODE_BIN = process.env.NODE_BIN;
if (!NODE_BIN) throw new Error('NODE_BIN must name the valley-node binary (scripts/test sets it)');
// With KEEP_LOGS=1 the temporary directories (node.log, simulator.log) stay after the tests.
const KEEP_LOGS = Boolean(process.env.KEEP_LOGS);
// The development telematics service (docs/committed-mileage.md).
const SIMULATOR = fileURLToPath(new URL('../../scripts/telematics-sim', import.meta.url));

export { freePort, waitFor };

// Starts `valley-node` with `args`; resolves once @polkadot/api is connected and ready.
// `options.keys`: keys put in the node's keystore before it starts, each
// `{ suri, type, scheme = 'sr25519' }` (`valley-node key insert` for `options.chain`, 'dev' by
// default), e.g. `{ suri: '//Ferdie', type: 'orcl' }` for the development chain's oracle operator.
// The node's output is `node.log` in `dir` (kept with KEEP_LOGS=1).
export async function startNode (name, args, { keys = [], chain = 'dev' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `valley-js-${name}-`));
  for (const { suri, type, scheme = 'sr25519' } of keys) {
    execFileSync(NODE_BIN, [
      'key', 'insert', '--chain', chain, '--base-path', dir, '--suri', suri,
      '--key-type', type, '--scheme', scheme
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const logPath = join(dir, 'node.log');
  const log = openSync(logPath, 'a');
  const child = spawn(NODE_BIN, [
    ...args, '--base-path', dir, '--rpc-port', String(rpcPort), '--port', String(p2pPort),
    '--no-prometheus', '--no-telemetry', '--no-mdns'
  ], { stdio: ['ignore', 'ignore', log] });
  closeSync(log);

  let api;
  let provider;
  try {
    await waitForPort(rpcPort, 180_000);
    provider = new WsProvider(`ws://127.0.0.1:${rpcPort}`, 500);
    api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: false });
    await api.isReady;
  } catch (error) {
    await api?.disconnect();
    await stopChild(child);
    throw new Error(`${name}: the node did not come up (log: ${logPath}): ${error.message}`);
  }

  return {
    api,
    // For the node's own RPC methods: `provider.send(method, params)`.
    provider,
    dir,
    log: logPath,
    async stop () {
      await api.disconnect();
      await stopChild(child);
      if (!KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
    }
  };
}

// Starts the telematics simulator (scripts/telematics-sim) on a free port with `args` (e.g.
// ['--cars', '6']); resolves once it answers /health. `get(path)` fetches a path of its JSON API.
// Its output is `simulator.log` in `dir` (kept with KEEP_LOGS=1).
export async function startSimulator (args = []) {
  const dir = mkdtempSync(join(tmpdir(), 'valley-js-telematics-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logPath = join(dir, 'simulator.log');
  const log = openSync(logPath, 'a');
  const child = spawn('python3', [SIMULATOR, '--port', String(port), ...args], { stdio: ['ignore', log, log] });
  closeSync(log);
  let exited = false;
  child.once('exit', () => { exited = true; });

  async function get (path) {
    const response = await fetch(`${url}${path}`);
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    return response.json();
  }

  try {
    await waitFor('the telematics simulator answers /health', async () => {
      if (exited) throw new Error(`it exited (log: ${logPath})`);
      return (await get('/health')).ok;
    }, { timeoutMs: 30_000, everyMs: 200 });
  } catch (error) {
    await stopChild(child);
    throw error;
  }

  return {
    url,
    dir,
    log: logPath,
    get,
    async stop () {
      await stopChild(child, 5_000);
      if (!KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
    }
  };
}

// Signs and sends `tx`; resolves with its events once `done(status)`, rejects on a dispatch
// error (as the chain's named error, e.g. `collectibles.BidTooLow`).
function submit (api, tx, signer, done) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        const decoded = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null;
        reject(new Error(decoded ? `${decoded.section}.${decoded.name}` : dispatchError.toString()));
      } else if (done(status)) {
        resolve(events);
      }
    }).catch(reject);
  });
}

// Resolves once `tx` is in a block of the best chain (on a single `--dev` node, final in
// practice: two blocks sooner than finality).
export const sendAndInclude = (api, tx, signer) => submit(api, tx, signer, (status) => status.isInBlock);

// Resolves once `tx`'s block is finalized.
export const sendAndFinalize = (api, tx, signer) => submit(api, tx, signer, (status) => status.isFinalized);

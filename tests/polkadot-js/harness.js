// Starts real valley-node processes for the tests and connects @polkadot/api to them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as polkadot from '@polkadot/api';
import { connectApi, spawnNode, spawnSimulator, stopChild, waitFor } from '../lib/processes.js';

export const NODE_BIN = process.env.NODE_BIN;
if (!NODE_BIN) throw new Error('NODE_BIN must name the valley-node binary (scripts/test sets it)');
// With KEEP_LOGS=1 the temporary directories (node.log, simulator.log) stay after the tests.
const KEEP_LOGS = Boolean(process.env.KEEP_LOGS);
// The development telematics service (docs/committed-mileage.md).
const SIMULATOR = fileURLToPath(new URL('../../scripts/telematics-sim', import.meta.url));

export { waitFor };

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
  const logPath = join(dir, 'node.log');
  const { child, port: rpcPort } = await spawnNode(NODE_BIN, [
    ...args, '--base-path', dir, '--no-prometheus', '--no-telemetry', '--no-mdns'
  ], logPath).catch((error) => { throw new Error(`${name}: the node did not come up: ${error.message}`); });

  const { api, provider } = await connectApi(polkadot, rpcPort).catch(async (error) => {
    await stopChild(child);
    throw new Error(`${name}: the node did not come up (log: ${logPath}): ${error.message}`);
  });

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

// Starts the telematics simulator (scripts/telematics-sim) on a port the OS picks, with `args` (e.g.
// ['--cars', '6']); resolves once it listens. `get(path)` fetches a path of its JSON API.
// Its output is `simulator.log` in `dir` (kept with KEEP_LOGS=1).
export async function startSimulator (args = []) {
  const dir = mkdtempSync(join(tmpdir(), 'valley-js-telematics-'));
  const logPath = join(dir, 'simulator.log');
  const { child, port } = await spawnSimulator(SIMULATOR, args, logPath);
  const url = `http://127.0.0.1:${port}`;

  async function get (path) {
    const response = await fetch(`${url}${path}`);
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    return response.json();
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

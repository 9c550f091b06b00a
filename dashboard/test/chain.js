// Starts what the browser test needs and stops it again: the telematics simulator, a real
// `valley-node --dev` (Ferdie's oracle key, the simulator's URL, safe RPC with CORS for the page's
// origin only), as tests/polkadot-js/harness.js does.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as polkadot from '@polkadot/api';
import { connectApi, spawnNode, spawnSimulator, stopChild, waitFor } from '../../tests/lib/processes.js';

export const NODE_BIN = process.env.NODE_BIN;
if (!NODE_BIN) throw new Error('NODE_BIN must name the valley-node binary (scripts/test sets it)');
const KEEP_LOGS = Boolean(process.env.KEEP_LOGS);
const SIMULATOR = fileURLToPath(new URL('../../scripts/telematics-sim', import.meta.url));

export { waitFor };

export async function startSimulator (args) {
  const dir = mkdtempSync(join(tmpdir(), 'valley-dash-telematics-'));
  const { child, port } = await spawnSimulator(SIMULATOR, args, join(dir, 'simulator.log'));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child, 5_000);
    if (!KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
  };
  return { url, get: async (path) => (await fetch(`${url}${path}`)).json(), stop };
}

// `--dev` with the simulator's URL and Ferdie's oracle key; RPC reachable from `origin` only.
export async function startDevNode ({ telematicsUrl, origin }) {
  const dir = mkdtempSync(join(tmpdir(), 'valley-dash-node-'));
  execFileSync(NODE_BIN, ['key', 'insert', '--chain', 'dev', '--base-path', dir, '--suri', '//Ferdie',
    '--key-type', 'orcl', '--scheme', 'sr25519'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const logPath = join(dir, 'node.log');
  const { child, port: rpcPort } = await spawnNode(NODE_BIN, [
    '--dev', '--base-path', dir, '--telematics-url', telematicsUrl,
    '--rpc-methods', 'safe', '--rpc-cors', origin, '--no-prometheus', '--no-telemetry', '--no-mdns'
  ], logPath);
  const removeDir = () => { if (!KEEP_LOGS) rmSync(dir, { recursive: true, force: true }); };
  const { api, provider } = await connectApi(polkadot, rpcPort).catch(async (error) => {
    await stopChild(child);
    removeDir();
    throw new Error(`the node did not come up (log: ${logPath}): ${error.message}`);
  });
  const stop = async () => {
    await provider.disconnect().catch(() => {});
    await stopChild(child);
    removeDir();
  };
  return { api, provider, rpcUrl: `ws://127.0.0.1:${rpcPort}`, log: logPath, stop };
}

// Sends `txs` (each `[tx, pair]`) at once, with consecutive nonces per signer; resolves once all
// are in blocks, rejects with the first dispatch error by name.
export async function sendAll (api, txs) {
  const nonces = new Map();
  const pending = [];
  for (const [tx, pair] of txs) {
    if (!nonces.has(pair.address)) nonces.set(pair.address, (await api.rpc.system.accountNextIndex(pair.address)).toNumber());
    const nonce = nonces.get(pair.address);
    nonces.set(pair.address, nonce + 1);
    pending.push(new Promise((resolve, reject) => {
      tx.signAndSend(pair, { nonce }, ({ status, dispatchError, events }) => {
        if (dispatchError) {
          const decoded = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null;
          reject(new Error(decoded ? `${decoded.section}.${decoded.name}` : dispatchError.toString()));
        } else if (status.isInBlock) {
          resolve(events);
        }
      }).catch(reject);
    }));
  }
  return Promise.all(pending);
}

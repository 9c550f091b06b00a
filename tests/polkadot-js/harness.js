// Starts real valley-node processes for the tests and connects @polkadot/api to them.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, openSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';

export const NODE_BIN = process.env.NODE_BIN;
if (!NODE_BIN) throw new Error('NODE_BIN must name the valley-node binary (scripts/test sets it)');

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

// Resolves once something accepts TCP connections on the port.
async function waitForPort (port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
}

// Starts `valley-node` with `args`; resolves once @polkadot/api is connected and ready.
export async function startNode (name, args) {
  const dir = mkdtempSync(join(tmpdir(), `valley-js-${name}-`));
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const log = openSync(join(dir, 'node.log'), 'a');
  const child = spawn(NODE_BIN, [
    ...args, '--base-path', dir, '--rpc-port', String(rpcPort), '--port', String(p2pPort),
    '--no-prometheus', '--no-telemetry', '--no-mdns'
  ], { stdio: ['ignore', 'ignore', log] });

  await waitForPort(rpcPort, 180_000);
  const provider = new WsProvider(`ws://127.0.0.1:${rpcPort}`, 500);
  const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: false });
  await api.isReady;

  return {
    api,
    dir,
    async stop () {
      await api.disconnect();
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

// Signs and sends `tx`; resolves with its events once its block is finalized, rejects on a
// dispatch error.
export function sendAndFinalize (api, tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        const decoded = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null;
        reject(new Error(decoded ? `${decoded.section}.${decoded.name}` : dispatchError.toString()));
      } else if (status.isFinalized) {
        resolve(events);
      }
    }).catch(reject);
  });
}

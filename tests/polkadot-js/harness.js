// Starts real valley-node processes for the tests and connects @polkadot/api to them.
import { spawn, spawnSync } from 'node:child_process';
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

// Connects @polkadot/api to the node serving RPC on `rpcPort`, waiting up to `timeoutMs` for it.
export async function connectApi (rpcPort, timeoutMs = 180_000) {
  await waitForPort(rpcPort, timeoutMs);
  const provider = new WsProvider(`ws://127.0.0.1:${rpcPort}`, 500);
  const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: false });
  await api.isReady;
  return api;
}

// Spawns `valley-node` with `args`, logging to `dir`/node.log; resolves with the child once it
// has exited when `stop` is called.
function spawnNode (dir, args) {
  const log = openSync(join(dir, 'node.log'), 'a');
  const child = spawn(NODE_BIN, [...args, '--no-prometheus', '--no-telemetry', '--no-mdns'],
    { stdio: ['ignore', 'ignore', log] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    child,
    async stop () {
      child.kill('SIGINT');
      await exited;
    }
  };
}

// Starts `valley-node` with `args`; resolves once @polkadot/api is connected and ready.
export async function startNode (name, args) {
  const dir = mkdtempSync(join(tmpdir(), `valley-js-${name}-`));
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const node = spawnNode(dir, [...args, '--base-path', dir, '--rpc-port', String(rpcPort),
    '--port', String(p2pPort)]);
  const api = await connectApi(rpcPort);

  return {
    api,
    dir,
    async stop () {
      await api.disconnect();
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function runNode (args, input) {
  const result = spawnSync(NODE_BIN, args, { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`valley-node ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

// The nine-validator `local` network on loopback, as scripts/start runs it: validator i holds the
// //Validator<i> Aura and GRANDPA keys, and boots from validator 1. Each validator can be stopped
// and started again on its database; `stop` stops them all and removes their databases.
export async function startNetwork (name, count = 9) {
  const root = mkdtempSync(join(tmpdir(), `valley-net-${name}-`));
  const nodeKey = (i) => i.toString(16).padStart(64, '0');
  const bootPeer = runNode(['key', 'inspect-node-key', '--file', '/dev/stdin'], nodeKey(1));
  const validators = [];
  let bootPort;
  for (let i = 1; i <= count; i++) {
    const dir = join(root, `validator-${i}`);
    for (const [type, scheme] of [['aura', 'sr25519'], ['gran', 'ed25519']]) {
      runNode(['key', 'insert', '--chain', 'local', '--base-path', dir, '--suri', `//Validator${i}`,
        '--key-type', type, '--scheme', scheme]);
    }
    const rpcPort = await freePort();
    const p2pPort = await freePort();
    if (i === 1) bootPort = p2pPort;
    const args = ['--chain', 'local', '--validator', '--base-path', dir, '--name', `validator-${i}`,
      '--port', String(p2pPort), '--rpc-port', String(rpcPort), '--allow-private-ip',
      '--node-key', nodeKey(i)];
    if (i > 1) args.push('--bootnodes', `/ip4/127.0.0.1/tcp/${bootPort}/p2p/${bootPeer}`);
    validators.push({ index: i, dir, rpcPort, args, process: null });
  }
  for (const v of validators) v.process = spawnNode(v.dir, v.args);

  return {
    validators,
    // Stops validator `index` (1-based), keeping its database.
    async kill (index) {
      await validators[index - 1].process?.stop();
      validators[index - 1].process = null;
    },
    // Starts validator `index` again on its database.
    restart (index) {
      const v = validators[index - 1];
      v.process = spawnNode(v.dir, v.args);
    },
    // Connects @polkadot/api to validator `index`.
    connect (index) {
      return connectApi(validators[index - 1].rpcPort);
    },
    async stop () {
      await Promise.all(validators.map((v) => v.process?.stop()));
      rmSync(root, { recursive: true, force: true });
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

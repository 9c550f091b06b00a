// End-to-end throughput harness (issue 18). Run through benchmarks/throughput/run; see README.md
// next to it. Starts real valley-node processes (a `--dev` node, the nine-validator `local`
// network), floods them over loopback with signed transactions (bounded in count and time) and
// measures, per load, what the chain included per second, block fullness, submission→inclusion
// and →finality, and the node's CPU and memory.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, closeSync, readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as polkadot from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { connectApi as connect, freePort, sleep, waitForPort } from '../../tests/lib/processes.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const SIMULATOR = join(ROOT, 'scripts', 'telematics-sim');
const NODE_BIN = process.env.NODE_BIN;
if (!NODE_BIN) throw new Error('NODE_BIN must name the valley-node binary (benchmarks/throughput/run sets it)');

// ---------------------------------------------------------------------------------------------
// Options
const opts = {
  network: 'both', // dev | local | both
  duration: 60, // seconds per measured phase
  cars: 10000, // simulator fleet on --dev
  localCars: 1000, // simulator fleet on the nine validators (9 operators propose every car)
  senders: 200, // pre-funded //Load/i accounts
  inFlight: 6000, // transactions submitted and not yet in a block, at most
  perSender: 40, // per sender, at most (the pool's future queue is not used)
  maxTx: 200000, // per phase, at most
  presign: 40000, // transfers signed before a transfer phase starts
  registerTimeout: 600, // seconds to wait for the fleet to be registered and committed
  out: join(ROOT, 'benchmarks', 'results', 'throughput.json'),
  keepLogs: false
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const next = () => { const v = argv[++i]; if (v === undefined) throw new Error(`${a} needs a value`); return v; };
  switch (a) {
    case '--network': opts.network = next(); break;
    case '--duration': opts.duration = Number(next()); break;
    case '--cars': opts.cars = Number(next()); break;
    case '--local-cars': opts.localCars = Number(next()); break;
    case '--senders': opts.senders = Number(next()); break;
    case '--in-flight': opts.inFlight = Number(next()); break;
    case '--max-tx': opts.maxTx = Number(next()); break;
    case '--presign': opts.presign = Number(next()); break;
    case '--register-timeout': opts.registerTimeout = Number(next()); break;
    case '--out': opts.out = next(); break;
    case '--keep-logs': opts.keepLogs = true; break;
    case '--phases': opts.phases = next().split(','); break;
    default: throw new Error(`unknown option ${a} (see benchmarks/throughput/README.md)`);
  }
}
if (!['dev', 'local', 'both'].includes(opts.network)) throw new Error('--network dev|local|both');
const PHASES = opts.phases ?? ['transfers', 'boxes', 'bids', 'oracle', 'transfers+oracle'];

const now = () => performance.timeOrigin + performance.now();
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

// ---------------------------------------------------------------------------------------------
// Processes: every child is recorded and killed on exit, also on failure or Ctrl-C.
const children = new Set();
const tempDirs = [];
function killAll () {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try { child.kill('SIGKILL'); } catch {}
    }
  }
}
process.on('exit', () => {
  killAll();
  if (!opts.keepLogs) for (const d of tempDirs) { try { rmSync(d, { recursive: true, force: true }); } catch {} }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { log(`${sig}: stopping`); process.exit(130); });

function stopChild (child, graceMs = 20_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(timer); children.delete(child); resolve(); });
    child.kill('SIGINT');
  });
}



async function waitFor (what, check, timeoutMs, everyMs = 1000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try { const v = await check(); if (v) return v; } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (${last.message})` : ''}`);
    await sleep(everyMs);
  }
}

// The node binary may be replaced by a rebuild while we run: retry briefly when it is missing.
async function nodeExec (args) {
  for (let i = 0; ; i++) {
    try { return execFileSync(NODE_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] }).toString(); } catch (e) {
      if (i >= 30) throw e;
      await sleep(2000);
    }
  }
}

// Flags every node gets: loopback only, no telemetry; the pool and RPC limits raised so that the
// harness's own bounded flood (not the defaults: 8,192 ready transactions, 1,024 subscriptions a
// connection) is what bounds the load.
const COMMON_FLAGS = ['--no-prometheus', '--no-telemetry', '--no-mdns', '--listen-addr', '/ip4/127.0.0.1/tcp/PORT',
  '--rpc-max-subscriptions-per-connection', '65536', '--rpc-max-connections', '200',
  '--pool-limit', '65536', '--pool-kbytes', '1048576'];

async function startNodeProcess (name, dir, args, keys, chain, p2pPortWanted) {
  for (const { suri, type, scheme } of keys) {
    await nodeExec(['key', 'insert', '--chain', chain, '--base-path', dir, '--suri', suri, '--key-type', type, '--scheme', scheme]);
  }
  const rpcPort = await freePort();
  const p2pPort = p2pPortWanted ?? await freePort();
  const logPath = join(dir, 'node.log');
  const fd = openSync(logPath, 'a');
  const flags = COMMON_FLAGS.map((f) => f.replace('PORT', String(p2pPort)));
  const child = spawn(NODE_BIN, [...args, '--base-path', dir, '--rpc-port', String(rpcPort), ...flags],
    { stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  children.add(child);
  child.once('exit', (code, sig) => { if (!stopping) log(`${name} exited (${code ?? sig}); log: ${logPath}`); });
  return { name, child, pid: child.pid, rpcPort, p2pPort, dir, log: logPath };
}
let stopping = false;

async function connectApi (port, child) {
  await waitForPort(port, 180_000, child);
  return (await connect(polkadot, port)).api;
}

async function startSimulator (port, cars) {
  const dir = mkdtempSync(join(tmpdir(), 'valley-tput-sim-'));
  tempDirs.push(dir);
  const logPath = join(dir, 'simulator.log');
  const fd = openSync(logPath, 'a');
  // Every car drives (no idle ones), one report each 30 s: a car has a weight from its second
  // reading on; fewer readings keep the simulator's (Python) load on the shared cores small.
  const child = spawn('python3', [SIMULATOR, '--port', String(port), '--cars', String(cars), '--tick', '30', '--idle', '0', '--backwards', '0'],
    { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  children.add(child);
  await waitFor('the telematics simulator answers', async () => {
    if (child.exitCode !== null) throw new Error(`it exited (log ${logPath})`);
    const r = await fetch(`http://127.0.0.1:${port}/health`);
    return r.ok;
  }, 120_000, 500);
  return { child, pid: child.pid, log: logPath, stop: () => stopChild(child, 5000) };
}

// ---------------------------------------------------------------------------------------------
// Process CPU and memory from /proc.
function procTicks (pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
  } catch { return NaN; }
}
function procRssMib (pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch { return NaN; }
}
// Samples the processes' RSS every second; `stop()` answers CPU % (100 = one core) and max RSS.
function sampleProcesses (pids) {
  const t0 = now();
  const ticks0 = pids.map(procTicks);
  const maxRss = pids.map(procRssMib);
  const clientCpu0 = process.cpuUsage();
  const timer = setInterval(() => pids.forEach((p, i) => { maxRss[i] = Math.max(maxRss[i], procRssMib(p)); }), 1000);
  return () => {
    clearInterval(timer);
    const secs = (now() - t0) / 1000;
    pids.forEach((p, i) => { maxRss[i] = Math.max(maxRss[i], procRssMib(p)); });
    const cpu = pids.map((p, i) => ((procTicks(p) - ticks0[i]) / CLK_TCK) / secs * 100);
    const c = process.cpuUsage(clientCpu0);
    return { cpu, maxRss, clientCpu: (c.user + c.system) / 1e6 / secs * 100 };
  };
}

// ---------------------------------------------------------------------------------------------
// The chain as seen from the node under load: best and finalized heads with the wall time they
// were first seen.
async function recordHeads (api) {
  const seen = new Map(); // number -> wall ms first seen as a new best head
  const finalizedAt = []; // [number, wall ms]
  const u1 = await api.rpc.chain.subscribeNewHeads((h) => { const n = h.number.toNumber(); if (!seen.has(n)) seen.set(n, now()); });
  const u2 = await api.rpc.chain.subscribeFinalizedHeads((h) => finalizedAt.push([h.number.toNumber(), now()]));
  return {
    seen,
    finalizedAt,
    // Wall time when block `n` was first known final.
    finalTime (n) { const f = finalizedAt.find(([m]) => m >= n); return f ? f[1] : undefined; },
    stop () { u1(); u2(); }
  };
}

// ---------------------------------------------------------------------------------------------
// Submission: signed locally with known nonces, sent with author_submitAndWatchExtrinsic over a
// few WebSocket connections; each transaction's submit, in-block and finalized times recorded.
class Submitter {
  constructor (api, providers) {
    this.api = api;
    this.providers = providers;
    this.rr = 0;
    this.nonces = new Map();
    this.signOpts = {
      blockHash: api.genesisHash, genesisHash: api.genesisHash, runtimeVersion: api.runtimeVersion,
      signedExtensions: api.registry.signedExtensions, version: api.extrinsicType
    };
  }

  async syncNonce (pair) {
    this.nonces.set(pair.address, (await this.api.rpc.system.accountNextIndex(pair.address)).toNumber());
  }

  // Signs `tx` with `pair`'s next nonce (immortal) and submits it. `onDone(rec)` when it is
  // finalized or left the pool; `onInBlock(rec)` once in a block. Resolves with the record once
  // the pool accepted it, rejects when refused (the nonce is not used then).
  submit (tx, pair, kind, hooks = {}) {
    const nonce = hooks.presigned ? tx.nonce.toNumber() : this.nonces.get(pair.address);
    if (!hooks.presigned) tx.sign(pair, { ...this.signOpts, nonce });
    const hex = tx.toHex();
    const provider = this.providers[this.rr++ % this.providers.length];
    const rec = { kind, submit: now(), inBlock: undefined, final: undefined, block: undefined, status: 'submitted' };
    this.nonces.set(pair.address, nonce + 1);
    let subId;
    let ended = false;
    const end = (status) => {
      if (ended) return;
      ended = true;
      rec.status = status;
      if (subId !== undefined) provider.unsubscribe('author_extrinsicUpdate', 'author_unwatchExtrinsic', subId).catch(() => {});
      hooks.onDone?.(rec);
    };
    return provider.subscribe('author_extrinsicUpdate', 'author_submitAndWatchExtrinsic', [hex], (error, update) => {
      if (error) return end('error');
      if (typeof update === 'string') {
        if (['dropped', 'invalid', 'usurped'].includes(update)) {
          if (rec.inBlock === undefined) hooks.onInBlock?.(rec);
          end(update);
        }
        return;
      }
      if (update.inBlock) {
        if (rec.inBlock === undefined) { rec.inBlock = now(); rec.block = update.inBlock; hooks.onInBlock?.(rec); }
      } else if (update.finalized) {
        if (rec.inBlock === undefined) { rec.inBlock = now(); rec.block = update.finalized; hooks.onInBlock?.(rec); }
        rec.final = now();
        end('finalized');
      } else if (update.finalityTimeout || update.dropped || update.invalid || update.usurped) {
        if (rec.inBlock === undefined) hooks.onInBlock?.(rec);
        end(Object.keys(update)[0]);
      }
    }).then((id) => { subId = id; if (ended) provider.unsubscribe('author_extrinsicUpdate', 'author_unwatchExtrinsic', id).catch(() => {}); return rec; },
      (error) => { this.nonces.set(pair.address, nonce); rec.status = 'refused'; rec.error = error.message; throw error; });
  }

  // Sends one transaction and waits for it to be in a block (setup).
  async send (tx, pair) {
    return new Promise((resolve, reject) => {
      this.submit(tx, pair, 'setup', { onInBlock: (rec) => (rec.block ? resolve(rec) : reject(new Error(`setup tx ${rec.status}`))) })
        .catch(reject);
    });
  }

  // Sends many (each [tx, pair]), at most `window` waiting for inclusion; resolves when all are
  // in blocks.
  async sendAll (items, window = 500) {
    let i = 0; let waiting = 0; let failed = 0;
    await new Promise((resolve, reject) => {
      const pump = () => {
        while (waiting < window && i < items.length) {
          const [tx, pair] = items[i++];
          waiting++;
          this.submit(tx, pair, 'setup', { onInBlock: (rec) => { if (!rec.block) failed++; waiting--; pump(); } }).catch(reject);
        }
        if (waiting === 0 && i >= items.length) resolve();
      };
      pump();
    });
    if (failed) throw new Error(`${failed} setup transactions did not get in`);
  }

  // Floods: `make(senderIndex)` answers the next transaction of that sender. Bounded by
  // `durationMs`, `maxTx`, `inFlight` waiting for inclusion (and `perSender` each); offered at
  // most `rate` a second. Resolves with the records once the time is up (records keep
  // filling in as their transactions are finalized).
  // Signs `count` transactions ahead (spread over the senders, from their next nonces), before
  // the clock starts, so that signing does not compete with the node for the cores during the
  // phase; what is not signed ahead is signed when sent.
  presign (senders, make, count) {
    const t = now();
    const each = Math.ceil(count / senders.length);
    const ready = senders.map((pair, s) => {
      let nonce = this.nonces.get(pair.address);
      const list = [];
      for (let k = 0; k < each; k++) { const tx = make(s); tx.sign(pair, { ...this.signOpts, nonce: nonce++ }); list.push(tx); }
      return list;
    });
    log(`  ${each * senders.length} transactions signed ahead in ${round((now() - t) / 1000, 1)} s`);
    return ready;
  }

  async flood ({ senders, make, kind, durationMs, rate = Infinity, inFlight, perSender, maxTx, presigned }) {
    const records = [];
    const ready = presigned ?? senders.map(() => []);
    const waiting = new Array(senders.length).fill(0);
    const resync = new Set();
    let total = 0; let refused = 0; let lastError;
    const start = now();
    let next = 0;
    let stop = false;
    const done = new Promise((resolve) => setTimeout(() => { stop = true; resolve(); }, durationMs));
    const loop = async () => {
      while (!stop) {
        const elapsed = (now() - start) / 1000;
        const allowed = Math.min(maxTx, rate === Infinity ? maxTx : Math.floor(rate * elapsed) + 1);
        let sent = 0;
        let scanned = 0;
        while (!stop && records.length + refused < allowed && total < inFlight && scanned < senders.length && sent < 200) {
          const s = next; next = (next + 1) % senders.length; scanned++;
          if (waiting[s] >= perSender || resync.has(s)) continue;
          const pre = ready[s].shift();
          const tx = pre ?? make(s);
          waiting[s]++; total++; sent++;
          this.submit(tx, senders[s], kind, { presigned: Boolean(pre), onInBlock: () => { waiting[s]--; total--; } })
            .then((rec) => records.push(rec), async (e) => {
              waiting[s]--; total--; refused++; lastError = e.message;
              // A refused transaction leaves a gap if later ones of the sender are in the pool:
              // wait for them, then read the nonce again.
              if (!resync.has(s)) {
                resync.add(s);
                ready[s].length = 0;
                while (waiting[s] > 0) await sleep(200);
                await this.syncNonce(senders[s]).catch(() => {});
                resync.delete(s);
              }
            });
        }
        await sleep(sent > 0 ? 0 : 5);
      }
    };
    await Promise.all([loop(), done]);
    return { records, refused, lastError, start, end: now() };
  }
}

// ---------------------------------------------------------------------------------------------
// Block analysis, after a phase (so that decoding does not load the cores during it).
async function analyseBlocks (api, provider, from, to, maxWeight, maxLength) {
  const blocks = [];
  for (let n = from; n <= to; n++) {
    const hash = await api.rpc.chain.getBlockHash(n);
    const raw = await provider.send('chain_getBlock', [hash.toHex()]);
    const xts = raw.block.extrinsics;
    const length = xts.reduce((s, x) => s + (x.length - 2) / 2, 0);
    const at = await api.at(hash);
    const [weight, events, ts] = await Promise.all([at.query.system.blockWeight(), at.query.system.events(), at.query.timestamp.now()]);
    const ok = new Set();
    const errors = new Map(); // extrinsic index -> its dispatch error by name
    const counts = {};
    let cars = 0; let batchesCommitted = 0;
    for (const { phase, event } of events) {
      if (phase.isApplyExtrinsic && api.events.system.ExtrinsicSuccess.is(event)) ok.add(phase.asApplyExtrinsic.toNumber());
      if (phase.isApplyExtrinsic && api.events.system.ExtrinsicFailed.is(event)) {
        const error = event.data.dispatchError;
        const meta = error.isModule ? api.registry.findMetaError(error.asModule) : null;
        errors.set(phase.asApplyExtrinsic.toNumber(), meta ? `${meta.section}.${meta.name}` : error.type);
      }
      if (api.events.mileage.BatchCommitted.is(event)) { cars += Number(event.data.commitment.count.toBigInt()); batchesCommitted++; }
    }
    xts.forEach((hex, i) => {
      const x = api.createType('Extrinsic', hex);
      const key = `${x.method.section}.${x.method.method}`;
      const c = counts[key] ??= { ok: 0, failed: 0, errors: {} };
      if (ok.has(i)) {
        c.ok++;
      } else {
        c.failed++;
        const name = errors.get(i) ?? 'no ExtrinsicFailed event';
        c.errors[name] = (c.errors[name] ?? 0) + 1;
      }
    });
    const w = ['normal', 'operational', 'mandatory'].reduce((s, k) => s + weight[k].refTime.toBigInt(), 0n);
    blocks.push({ number: n, hash: hash.toHex(), timestamp: ts.toNumber(), weightPct: Number(w * 10000n / maxWeight) / 100, lengthPct: length / maxLength * 100, counts, cars, batchesCommitted, extrinsics: xts.length });
  }
  return blocks;
}

function quantile (sorted, q) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[i]);
}
const latencies = (values) => { const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b); return [quantile(s, 0.5), quantile(s, 0.99)]; };
const round = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
const mean = (a) => (a.length ? a.reduce((s, x) => s + x, 0) / a.length : null);

// ---------------------------------------------------------------------------------------------
// One network: setup, then the phases.
async function runNetwork (network) {
  const label = network === 'dev' ? 'dev' : 'local (9 validators)';
  const simPort = await freePort();
  const telematics = `http://127.0.0.1:${simPort}`;
  const nodes = [];
  const root = mkdtempSync(join(tmpdir(), `valley-tput-${network}-`));
  tempDirs.push(root);
  const rows = [];
  const notes = [];
  let sim;
  const apis = [];
  const providersOpen = [];
  try {
    if (network === 'dev') {
      const dir = join(root, 'dev'); mkdirSync(dir);
      nodes.push(await startNodeProcess('dev node', dir, ['--dev', '--telematics-url', telematics],
        [{ suri: '//Ferdie', type: 'orcl', scheme: 'sr25519' }], 'dev'));
    } else {
      // The nine validators of scripts/start: keys inserted, node keys fixed, every other one a
      // reserved peer; ports chosen now.
      const p2p = []; const peerIds = [];
      for (let i = 1; i <= 9; i++) {
        p2p.push(await freePort());
        const key = i.toString(16).padStart(64, '0');
        const kf = join(root, `node-key-${i}`); writeFileSync(kf, key);
        peerIds.push((await nodeExec(['key', 'inspect-node-key', '--file', kf])).trim());
      }
      for (let i = 1; i <= 9; i++) {
        const dir = join(root, `validator-${i}`); mkdirSync(dir);
        const reserved = [];
        for (let j = 1; j <= 9; j++) if (j !== i) reserved.push(`/ip4/127.0.0.1/tcp/${p2p[j - 1]}/p2p/${peerIds[j - 1]}`);
        const keys = [{ suri: `//Validator${i}`, type: 'aura', scheme: 'sr25519' }, { suri: `//Validator${i}`, type: 'gran', scheme: 'ed25519' },
          { suri: `//Validator${i}`, type: 'orcl', scheme: 'sr25519' }];
        const node = await startNodeProcess(`validator-${i}`, dir, ['--chain', 'local', '--validator', '--name', `validator-${i}`,
          '--node-key', i.toString(16).padStart(64, '0'), '--allow-private-ip', '--telematics-url', telematics, '--reserved-nodes', ...reserved], keys, 'local', p2p[i - 1]);
        nodes.push(node);
      }
    }
    const main = nodes[0];
    log(`${label}: waiting for RPC on ${main.rpcPort}`);
    const api = await connectApi(main.rpcPort, main.child);
    apis.push(api);
    const providers = [];
    for (let i = 0; i < 4; i++) {
      const p = new polkadot.WsProvider(`ws://127.0.0.1:${main.rpcPort}`, false);
      await p.connect(); await p.isReady; providers.push(p); providersOpen.push(p);
    }
    const rawProvider = providers[0];
    await waitFor(`${label}: a finalized block`, async () => (await api.rpc.chain.getFinalizedHead()) && (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber() >= 1, 240_000, 1000);
    log(`${label}: running; finality started`);
    const heads = await recordHeads(api);
    const sub = new Submitter(api, providers);
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const alice = keyring.addFromUri('//Alice');
    const senders = Array.from({ length: opts.senders }, (_, i) => keyring.addFromUri(`//Load/${i}`));
    await sub.syncNonce(alice);
    const maxWeight = api.consts.system.blockWeights.maxBlock.refTime.toBigInt();
    const maxLength = Math.max(...['normal', 'operational', 'mandatory'].map((k) => api.consts.system.blockLength.max[k].toNumber()));

    const UNIT = 10n ** 12n;
    const auctionOf = [];
    if (PHASES.some((p) => p !== 'oracle')) {
    // --- setup: transfers opened, senders funded, crystals, a box, auctions.
    const sudo = (call) => api.tx.sudo.sudo(call);
    log(`${label}: setup (transfers opened by root, ${senders.length} senders funded, crystals awarded, auctions listed)`);
    await sub.send(sudo(api.tx.stone.setTransfersEnabled(true)), alice);
    await sub.send(sudo(api.tx.crystals.addIssuer(alice.address)), alice);
    await sub.send(sudo(api.tx.crystals.setTaskKind(1, { name: 'throughput', crystals: 100_000, egg: null, limit: 1, period: 1_000_000 })), alice);
    await sub.send(sudo(api.tx.crystals.setBoxKind(9, 'Throughput box', 1, [{ prize: { Pieces: 1 }, stock: 1_000_000 }, { prize: 'Nothing', stock: 1_000_000 }])), alice);
    await sub.send(sudo(api.tx.collectibles.setArtist(alice.address, true)), alice);
    const artworks = [];
    for (let a = 0; a * 100 < senders.length; a++) {
      const rec = await sub.send(sudo(api.tx.collectibles.mintArtwork(alice.address,
        { title: `Throughput ${a}`, mediaHash: blake2AsHex(`throughput ${a}`), mediaKind: 'Image', uri: 'ipfs://throughput' },
        [alice.address], [], 100)), alice);
      const events = await (await api.at(rec.block)).query.system.events();
      const minted = events.filter(({ event }) => api.events.collectibles.ArtworkMinted.is(event));
      if (minted.length !== 1) throw new Error('mintArtwork: no ArtworkMinted event');
      artworks.push(minted[0].event.data.artwork.toNumber());
    }
    const setup = [];
    senders.forEach((s, i) => {
      setup.push([api.tx.balances.transferKeepAlive(s.address, 1_000n * UNIT), alice]);
      setup.push([api.tx.crystals.award(s.address, 1, blake2AsHex(`throughput award ${network} ${i}`)), alice]);
      setup.push([api.tx.collectibles.createAuction(artworks[Math.floor(i / 100)], i % 100, UNIT, 1, 14_400 + i, 0, 300_000, 'Artists'), alice]);
    });
    await sub.sendAll(setup, 400);
    // The auctions' ids: from the AuctionCreated events of Alice's listings, in listing order.
    {
      const entries = await api.query.collectibles.auctions.entries();
      const mine = entries.map(([k, v]) => ({ id: k.args[0].toNumber(), a: v.unwrap() }))
        .filter(({ a }) => a.seller.toString() === alice.address).sort((x, y) => x.id - y.id);
      if (mine.length < senders.length) throw new Error(`only ${mine.length} auctions listed`);
      for (let i = 0; i < senders.length; i++) auctionOf.push(mine[i].id);
    }
    await Promise.all(senders.map((s) => sub.syncNonce(s)));
    for (const s of senders) {
      const free = (await api.query.system.account(s.address)).data.free.toBigInt();
      const crystals = (await api.call.crystalsApi.holdings(s.address)).crystals.toNumber();
      if (free < 100n * UNIT || crystals < 1000) throw new Error(`setup: ${s.address} has ${free} and ${crystals} crystals`);
    }
    log(`${label}: setup done`);

    }
    const pids = nodes.map((n) => n.pid);
    const bidAmount = senders.map(() => UNIT);
    const dest = (i) => senders[(i + 1) % senders.length].address;
    const makers = {
      transfers: (i) => api.tx.balances.transferKeepAlive(dest(i), 1_000_000_000n),
      boxes: () => api.tx.crystals.openBox(9),
      bids: (i) => { bidAmount[i] += 1n; return api.tx.collectibles.bid(auctionOf[i], bidAmount[i]); }
    };
    const kindCall = { transfers: 'balances.transferKeepAlive', boxes: 'crystals.openBox', bids: 'collectibles.bid' };
    const loadName = { transfers: 'transfers', boxes: 'box openings', bids: 'bids', oracle: 'oracle path: commitments and claims', 'transfers+oracle': 'transfers with the oracle path' };
    const durationMs = opts.duration * 1000;
    const drainMs = network === 'dev' ? 30_000 : 90_000;
    let transfersAloneTps;

    const measure = async (phase, floodArgs) => {
      log(`${label}: phase "${loadName[phase]}" for ${opts.duration} s`);
      if (floodArgs?.presign) {
        floodArgs.presigned = sub.presign(floodArgs.senders, floodArgs.make, floodArgs.presign);
        await sleep(2000); // the notifications queued while signing are handled before the clock starts
      }
      const stopSampling = sampleProcesses(pids);
      const bestAtStart = Math.max(0, ...heads.seen.keys());
      const t0 = now();
      let result = null;
      if (floodArgs) result = await sub.flood({ ...floodArgs, durationMs, inFlight: opts.inFlight, perSender: opts.perSender, maxTx: opts.maxTx });
      else await sleep(durationMs);
      const t1 = now();
      const usage = stopSampling();
      // Blocks of the phase: those whose timestamp (their slot's start, this machine's clock) is
      // within it, up to the best block when it ended.
      const to = Math.max(...[...heads.seen.entries()].filter(([, t]) => t <= t1).map(([n]) => n));
      let from = to + 1;
      for (let n = to; n > bestAtStart - 5 && n > 0; n--) {
        const ts = (await (await api.at(await api.rpc.chain.getBlockHash(n))).query.timestamp.now()).toNumber();
        if (ts < t0) break;
        if (ts <= t1) from = n;
      }
      if (from > to) throw new Error(`${label}: no block in the phase`);
      // Let the transactions still in the pool get in and be finalized (their latencies count;
      // their blocks after the phase do not count for its throughput).
      if (result) {
        const deadline = now() + drainMs;
        while (now() < deadline && result.records.some((r) => r.status === 'submitted')) await sleep(500);
      }
      await waitFor(`${label}: block ${to} finalized`, () => heads.finalTime(to) !== undefined, 180_000, 500).catch((e) => notes.push(e.message));
      const blocks = await analyseBlocks(api, rawProvider, from, to, maxWeight, maxLength);
      const before = (await (await api.at(await api.rpc.chain.getBlockHash(from - 1))).query.timestamp.now()).toNumber();
      const spanS = (blocks[blocks.length - 1].timestamp - before) / 1000;
      const included = (key) => blocks.reduce((s, b) => s + (b.counts[key]?.ok ?? 0), 0);
      const failedIn = (key) => blocks.reduce((s, b) => s + (b.counts[key]?.failed ?? 0), 0);
      const row = { network: label, load: loadName[phase] };
      const extra = { blocks: `${from}..${to}`, chain_seconds: round(spanS, 1), wall_seconds: round((t1 - t0) / 1000, 1) };
      if (phase === 'oracle' || phase === 'transfers+oracle') {
        const commits = included('mileage.commit'); const claims = included('mileage.claim');
        const cars = blocks.reduce((s, b) => s + b.cars, 0);
        const batches = blocks.reduce((s, b) => s + b.batchesCommitted, 0);
        Object.assign(extra, { mileage_cars_per_s: round(cars / spanS, 1), batches_committed: batches, cars_committed: cars, commitments: commits, claims, oracle_tx_per_s: round((commits + claims) / spanS, 2) });
        if (batches === 0) notes.push(`${label}, ${loadName[phase]}: no batch was accepted in the phase's ${round(spanS, 0)} s of chain time; mileage throughput not measured`);
      }
      if (phase === 'oracle') {
        row.tps = round(extra.oracle_tx_per_s, 2);
        // Latency of the oracle path: from each batch's cut-off (close_ms, chain time) to the block
        // accepting it (its timestamp) and to that block's finality (wall clock as seen).
        const inc = []; const fin = [];
        for (const b of blocks) {
          if (!b.batchesCommitted) continue;
          const closeMs = await batchCloseMs(api, b.hash);
          for (const c of closeMs) {
            inc.push(b.timestamp - c);
            const f = heads.finalTime(b.number); if (f !== undefined) fin.push(f - c);
          }
        }
        row.inclusion_ms = latencies(inc); row.finality_ms = latencies(fin);
        extra.latency_basis = "batch cut-off (close_ms) to the block accepting the batch (its timestamp) and to that block seen final (wall clock)";
      } else {
        const key = kindCall[phase === 'transfers+oracle' ? 'transfers' : phase];
        const n = included(key);
        row.tps = round(n / spanS, 1);
        extra.included = n; extra.failed_in_blocks = failedIn(key);
        // Failed in their blocks, by the chain's named error.
        const byError = {};
        for (const b of blocks) {
          for (const [name, k] of Object.entries(b.counts[key]?.errors ?? {})) byError[name] = (byError[name] ?? 0) + k;
        }
        if (Object.keys(byError).length) extra.failed_by_error = byError;
        // Per block of the phase: included / failed in it.
        extra.per_block = blocks.map((b) => `${b.counts[key]?.ok ?? 0}/${b.counts[key]?.failed ?? 0}`).join(' ');
        extra.submitted = result.records.length; extra.refused_by_pool = result.refused;
        if (result.lastError) extra.last_refusal = result.lastError.slice(0, 200);
        extra.offered_rate = floodArgs.rate === Infinity ? 'flood' : round(floodArgs.rate, 1);
        const recs = result.records;
        row.inclusion_ms = latencies(recs.map((r) => (r.block ? r.inBlock - r.submit : NaN)));
        row.finality_ms = latencies(recs.map((r) => (r.final ? r.final - r.submit : NaN)));
        extra.not_included = recs.filter((r) => !r.block).length;
        extra.not_finalized_after_drain = recs.filter((r) => r.status === 'submitted').length;
        if (phase === 'boxes') extra.limit = `MaxOpensPerBlock = ${api.consts.crystals.maxOpensPerBlock.toString()} a block`;
      }
      row.weight_pct = round(mean(blocks.map((b) => b.weightPct)), 2);
      row.length_pct = round(mean(blocks.map((b) => b.lengthPct)), 3);
      row.cpu_pct = round(usage.cpu[0], 0);
      row.rss_mib = round(usage.maxRss[0], 0);
      if (pids.length > 1) { extra.cpu_pct_all_nodes = round(usage.cpu.reduce((s, x) => s + x, 0), 0); extra.rss_mib_all_nodes = round(usage.maxRss.reduce((s, x) => s + x, 0), 0); }
      if (sim) { extra.simulator_cpu_pct = round(((procTicks(sim.pid) - simTicks0) / CLK_TCK) / ((t1 - t0) / 1000) * 100, 0); }
      extra.harness_cpu_pct = round(usage.clientCpu, 0);
      Object.assign(row, extra);
      rows.push(row);
      log(`${label}: ${row.load}: ${JSON.stringify(row)}`);
      return row;
    };
    let simTicks0 = 0;

    for (const phase of PHASES) {
      if (phase === 'transfers') {
        const r = await measure('transfers', { senders, make: makers.transfers, kind: 'transfers', presign: opts.presign });
        transfersAloneTps = r.tps;
      } else if (phase === 'boxes') {
        // Offered at what the chain can take (MaxOpensPerBlock a block, 95 % of it): beyond,
        // openings fail with BlockFull and only crowd the pool.
        const cap = api.consts.crystals.maxOpensPerBlock.toNumber();
        const slotS = Number(api.consts.aura?.slotDuration?.toString() ?? 6000) / 1000;
        await measure('boxes', { senders, make: makers.boxes, kind: 'boxes', rate: cap / slotS * 0.95 });
      } else if (phase === 'bids') {
        await measure('bids', { senders, make: makers.bids, kind: 'bids' });
      } else if (phase === 'oracle') {
        const cars = network === 'dev' ? opts.cars : opts.localCars;
        log(`${label}: telematics simulator with ${cars} cars; the operators register the fleet by majority`);
        sim = await startSimulator(simPort, cars);
        const t = now();
        await waitFor(`${label}: ${cars} cars registered`, async () => (await api.query.mileage.vehicleCount()).toNumber() >= cars, opts.registerTimeout * 1000, 3000);
        const registered = (now() - t) / 1000;
        // Then a batch with (nearly) every car's weight accepted: the path runs at full size.
        let largest = 0;
        const unsub = await api.query.system.events((events) => {
          for (const { event } of events) {
            if (api.events.mileage.BatchCommitted.is(event)) largest = Math.max(largest, Number(event.data.commitment.count.toBigInt()));
          }
        });
        await waitFor(`${label}: a batch committed with the fleet's weights`, () => largest >= cars * 0.9, opts.registerTimeout * 1000, 1000)
          .catch((e) => { notes.push(`${label}: ${e.message} (largest batch ${largest} cars); measured anyway`); });
        unsub();
        notes.push(`${label}: ${cars} simulated cars registered by the operators' majority in ${round(registered, 0)} s; first full batch after ${round((now() - t) / 1000, 0)} s`);
        simTicks0 = procTicks(sim.pid);
        await measure('oracle', null);
      } else if (phase === 'transfers+oracle') {
        if (!sim) throw new Error('transfers+oracle needs the oracle phase first');
        const rate = transfersAloneTps ?? Infinity;
        simTicks0 = procTicks(sim.pid);
        const r = await measure('transfers+oracle', { senders, make: makers.transfers, kind: 'transfers', rate, presign: Math.min(opts.presign, Math.ceil(rate * opts.duration * 1.1)) });
        if (transfersAloneTps) r.kept_pct = round(r.tps / transfersAloneTps * 100, 1);
      }
    }
    heads.stop();
    return { rows, notes };
  } finally {
    stopping = true;
    for (const a of apis) await a.disconnect().catch(() => {});
    for (const p of providersOpen) await p.disconnect().catch(() => {});
    if (sim) await sim.stop();
    await Promise.all(nodes.map((n) => stopChild(n.child)));
    stopping = false;
    if (opts.keepLogs) log(`${label}: logs kept in ${root}`);
  }
}

// The cut-offs (close_ms) of the batches accepted in block `hash`, from the batch records.
async function batchCloseMs (api, hash) {
  const at = await api.at(hash);
  const out = [];
  for (const { event } of await at.query.system.events()) {
    if (!api.events.mileage.BatchCommitted.is(event)) continue;
    const id = event.data.batch;
    const rec = await at.query.mileage.batches(id);
    const j = JSON.parse(JSON.stringify(rec.toJSON()));
    const close = j?.closeMs ?? j?.close_ms ?? j?.cutoff;
    if (close !== undefined) out.push(Number(close));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
async function main () {
  await cryptoWaitReady();
  const started = now();
  const networks = opts.network === 'both' ? ['dev', 'local'] : [opts.network];
  const all = { rows: [], notes: [] };
  for (const n of networks) {
    try {
      const r = await runNetwork(n);
      all.rows.push(...r.rows); all.notes.push(...r.notes);
    } catch (e) {
      log(`${n}: failed: ${e.stack}`);
      all.notes.push(`${n}: the run failed: ${e.message}`);
    }
  }
  const dev = (load) => all.rows.find((r) => r.network === 'dev' && r.load === load);
  const cpu = cpus();
  const model = cpu[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const result = {
    machine: `${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${model} (the project machine; shared with other work during the run)`,
    date: new Date().toISOString().slice(0, 10),
    command: `benchmarks/throughput/run ${process.argv.slice(2).join(' ')}`.trim(),
    transfers_per_s: dev('transfers')?.tps ?? null,
    transfers_per_s_with_oracle: dev('transfers with the oracle path')?.tps ?? null,
    mileage_cars_per_s: dev('transfers with the oracle path')?.mileage_cars_per_s ?? dev('oracle path: commitments and claims')?.mileage_cars_per_s ?? null,
    runs: all.rows,
    notes: all.notes,
    run_minutes: round((now() - started) / 60000, 1)
  };
  const t = result.transfers_per_s; const tw = result.transfers_per_s_with_oracle; const m = result.mileage_cars_per_s;
  if (t && tw && m) {
    result.p4 = { mileage_cars_per_transfer: round(m / tw, 2), transfers_kept_pct: round(tw / t * 100, 1),
      met: m >= 5 * tw && tw >= 0.9 * t };
  }
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, JSON.stringify(result, null, 2) + '\n');
  // Table.
  const cols = ['network', 'load', 'tps', 'weight_pct', 'length_pct', 'inclusion_ms', 'finality_ms', 'cpu_pct', 'rss_mib'];
  console.log(`\n${cols.join(' | ')}`);
  for (const r of all.rows) console.log(cols.map((c) => (Array.isArray(r[c]) ? r[c].join(' / ') : r[c])).join(' | '));
  console.log(`\ntransfers/s ${t}, with the oracle path ${tw}, cars' mileage/s ${m}${result.p4 ? `; P4: ${JSON.stringify(result.p4)}` : ''}`);
  for (const n of all.notes) console.log(`note: ${n}`);
  console.log(`written: ${opts.out}`);
  if (all.rows.length === 0) process.exitCode = 1;
}

main().catch((e) => { log(e.stack); process.exitCode = 1; }).finally(() => { killAll(); });

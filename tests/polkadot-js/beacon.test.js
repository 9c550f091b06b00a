// The randomness beacon on the nine-validator `local` network: every block carries its author's
// VRF inherent, every validator imports (and so verifies) every authority's blocks, the
// randomness changes every block, and a validator restarted from its database keeps importing
// and authoring.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNetwork } from './harness.js';

const AUTHORITIES = 9;
let network;
let api;

before(async () => {
  network = await startNetwork('beacon');
  api = await network.connect(1);
});

after(async () => {
  await api?.disconnect();
  await network?.stop();
});

// The Aura slot of a header, from its pre-runtime digest.
function slotOf (header) {
  const preRuntime = header.digest.logs.find((log) => log.isPreRuntime && log.asPreRuntime[0].toString() === 'aura');
  assert.ok(preRuntime, `block ${header.number} has an Aura pre-runtime digest`);
  const bytes = preRuntime.asPreRuntime[1].toU8a(true);
  return Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
}

// Resolves with the first new best header (on `api`) for which `predicate` holds.
function waitForHead (api, predicate, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let unsubscribe;
    const timer = setTimeout(() => { unsubscribe?.(); reject(new Error(`${what}: not within ${timeoutMs / 1000} s`)); }, timeoutMs);
    api.rpc.chain.subscribeNewHeads((header) => {
      if (predicate(header)) {
        clearTimeout(timer);
        unsubscribe?.();
        resolve(header);
      }
    }).then((u) => { unsubscribe = u; }).catch(reject);
  });
}

test('every authority\'s blocks carry the beacon\'s VRF and the randomness changes every block', async () => {
  // Every authority authors in turn: wait until each has a block on the chain.
  const authors = new Set();
  await waitForHead(api, (header) => {
    authors.add(slotOf(header) % AUTHORITIES);
    return authors.size === AUTHORITIES && header.number.toNumber() >= 2 * AUTHORITIES;
  }, 300_000, 'blocks by all nine authorities');

  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  const authored = new Set();
  let previous = null;
  for (let n = 1; n <= best; n++) {
    const hash = await api.rpc.chain.getBlockHash(n);
    const { block } = await api.rpc.chain.getBlock(hash);
    authored.add(slotOf(block.header) % AUTHORITIES);
    const inherents = block.extrinsics.filter(({ method }) => method.section === 'beacon');
    assert.equal(inherents.length, 1, `block ${n} has one beacon inherent`);
    assert.equal(inherents[0].method.method, 'setRandomness');
    const [latestBlock, randomness] = await (await api.at(hash)).query.beacon.latest();
    assert.equal(latestBlock.toNumber(), n, `block ${n} has its own randomness`);
    assert.notEqual(randomness.toHex(), previous, `block ${n}'s randomness differs from its parent's`);
    previous = randomness.toHex();
    // The runtime API serves the same value for draws and users.
    const served = await api.call.beaconApi.randomnessOf(n);
    assert.equal(served.unwrap().toHex(), randomness.toHex());
  }
  assert.equal(authored.size, AUTHORITIES, 'all nine authorities authored');

  // Every validator imported — and so verified in its runtime — the same chain.
  const hash = await api.rpc.chain.getBlockHash(best);
  for (let i = 2; i <= AUTHORITIES; i++) {
    const other = await network.connect(i);
    try {
      await waitForHead(other, (header) => header.number.toNumber() >= best, 60_000, `validator ${i} at #${best}`);
      assert.equal((await other.rpc.chain.getBlockHash(best)).toHex(), hash.toHex(), `validator ${i} has the same #${best}`);
    } finally {
      await other.disconnect();
    }
  }
});

test('a validator restarted from its database keeps importing and authoring', async () => {
  const index = 5;
  await network.kill(index);
  const headAtStop = (await api.rpc.chain.getHeader()).number.toNumber();
  // The others go on without it.
  await waitForHead(api, (header) => header.number.toNumber() >= headAtStop + 3, 90_000, 'blocks without validator 5');

  network.restart(index);
  const restarted = await network.connect(index);
  try {
    const target = (await api.rpc.chain.getHeader()).number.toNumber() + 2;
    await waitForHead(restarted, (header) => header.number.toNumber() >= target, 120_000, 'the restarted validator importing');
    // And it authors again: a block in its slot (VRF made over randomness read from its database).
    const own = await waitForHead(api, (header) => slotOf(header) % AUTHORITIES === index - 1, 120_000, 'a block by validator 5');
    const [latestBlock] = await (await api.at(own.hash)).query.beacon.latest();
    assert.equal(latestBlock.toNumber(), own.number.toNumber());
    await waitForHead(restarted, (header) => header.number.toNumber() >= own.number.toNumber(), 60_000,
      'the restarted validator at its own block');
  } finally {
    await restarted.disconnect();
  }
});

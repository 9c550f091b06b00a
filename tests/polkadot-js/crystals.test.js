// Educational mining as its users see it: the admin stocks a blind box and a task kind, an issuer
// awards crystals to a newcomer who holds no Stones at all, the newcomer opens boxes without
// paying a fee, the prizes are drawn at the end of the next block (its finalization phase) from
// the public prize table, and pieces combine into Stones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { startNode, sendAndFinalize } from './harness.js';

let node;
let alice;
let newcomer;
const TASK = 1; // e.g. "sharing ideas"
const BOX = 7;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = keyring.addFromUri('//Alice'); // sudo on the development chain, made a task issuer
  newcomer = keyring.addFromUri('//Crystal-newcomer');
  node = await startNode('crystals', ['--dev']);
});

after(async () => {
  await node?.stop();
});

const named = (api, events, section, method) =>
  events.filter(({ event }) => api.events[section][method].is(event)).map(({ event }) => event.data);

test('a newcomer with only crystals opens blind boxes fee-free and wins from the public table', async () => {
  const { api } = node;
  const sudo = (call) => sendAndFinalize(api, api.tx.sudo.sudo(call), alice);
  await sudo(api.tx.crystals.addIssuer(alice.address));
  await sudo(api.tx.crystals.setTaskKind(TASK, { name: 'sharing ideas', crystals: 50, egg: null, limit: 3, period: 100 }));
  // A blind box for 20 crystals: only pieces and nothing, so that a newcomer without a car can
  // win everything in it.
  const stocked = await sudo(api.tx.crystals.setBoxKind(BOX, 'Energy Cube', 20, [
    { prize: { Pieces: 5 }, stock: 3 },
    { prize: 'Nothing', stock: 1 }
  ]));
  assert.equal(named(api, stocked, 'crystals', 'BoxKindSet').length, 1);
  const [table] = (await api.call.crystalsApi.prizeTables()).filter((t) => t.kind.toNumber() === BOX);
  assert.equal(table.prizes.length, 2);

  // Awards: each reference is paid once.
  const reference = blake2AsHex('idea #1');
  await sendAndFinalize(api, api.tx.crystals.award(newcomer.address, TASK, reference), alice);
  await assert.rejects(
    sendAndFinalize(api, api.tx.crystals.award(newcomer.address, TASK, reference), alice),
    /crystals\.ReferenceUsed/
  );
  await sendAndFinalize(api, api.tx.crystals.award(newcomer.address, TASK, blake2AsHex('idea #2')), alice);
  assert.equal((await api.query.system.account(newcomer.address)).data.free.toBigInt(), 0n, 'no Stones');
  assert.equal((await api.call.crystalsApi.holdings(newcomer.address)).crystals.toNumber(), 100);

  // Four openings for 80 crystals, signed by an account with no Stones: no fee.
  const drawBlocks = new Set();
  for (let i = 0; i < 4; i++) {
    const opened = await sendAndFinalize(api, api.tx.crystals.openBox(BOX), newcomer);
    assert.equal(named(api, opened, 'skipFeelessPayment', 'FeeSkipped').length, 1, 'fee-free');
    const requested = named(api, opened, 'crystals', 'OpenRequested');
    assert.equal(requested.length, 1);
    drawBlocks.add(requested[0].drawsAt.toNumber());
  }

  // Each opening is drawn at the end of the block after its request (on_finalize, with that
  // block's randomness from the beacon).
  const deadline = Date.now() + 60_000;
  let holdings;
  do {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    holdings = await api.call.crystalsApi.holdings(newcomer.address);
  } while (holdings.pending.length > 0 && Date.now() < deadline);
  assert.equal(holdings.pending.length, 0, 'every opening was drawn');
  // The draws are their block's own events, in its finalization phase.
  let draws = 0;
  for (const number of drawBlocks) {
    const records = await (await api.at(await api.rpc.chain.getBlockHash(number))).query.system.events();
    for (const record of records) {
      const { event } = record;
      if (api.events.crystals.BoxOpened.is(event) || api.events.crystals.OpenRefunded.is(event)) {
        assert.ok(record.phase.isFinalization, `a draw in phase ${record.phase.type}`);
        if (event.data.who.eq(newcomer.address)) draws++;
      }
    }
  }
  assert.equal(draws, 4, 'four draws at the end of the blocks after the requests');
  assert.equal(holdings.crystals.toNumber(), 20);
  // Four prizes in stock for four openings: the table is empty now, never below zero.
  const [empty] = (await api.call.crystalsApi.prizeTables()).filter((t) => t.kind.toNumber() === BOX);
  assert.ok(empty.prizes.every((slot) => slot.stock.toNumber() === 0), 'stock used up');
  assert.equal(holdings.pieces.toNumber(), 15, 'three prizes of five pieces');
  // An empty box is not fee-free and the newcomer has no Stones: the pool refuses it.
  await assert.rejects(sendAndFinalize(api, api.tx.crystals.openBox(BOX), newcomer), /Inability to pay|NothingToWin/);
  assert.equal((await api.call.crystalsApi.holdings(newcomer.address)).crystals.toNumber(), 20);

  // 15 pieces make one Stone (10 pieces each), fee-free.
  const combined = await sendAndFinalize(api, api.tx.crystals.combinePieces(), newcomer);
  const [{ stones }] = named(api, combined, 'crystals', 'PiecesCombined');
  assert.equal(stones.toBigInt(), 10n ** 12n);
  assert.equal((await api.query.system.account(newcomer.address)).data.free.toBigInt(), 10n ** 12n);
  assert.equal((await api.call.crystalsApi.holdings(newcomer.address)).pieces.toNumber(), 5);
});

// What a polkadot.js apps user sees first: the chain's token, Stone issuance, transfers bound to
// the account until the admin opens them, and fees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startNode, sendAndFinalize } from './harness.js';

const UNIT = 10n ** 12n;
let node;
let keyring;

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  node = await startNode('dev', ['--dev']);
});

after(async () => {
  await node?.stop();
});

test('the chain presents STONE with 12 decimals', async () => {
  const { api } = node;
  assert.equal((await api.rpc.system.chain()).toString(), 'IM Valley Development');
  assert.deepEqual(api.registry.chainTokens, ['STONE']);
  assert.deepEqual(api.registry.chainDecimals, [12]);
  assert.equal(api.registry.chainSS58, 42);
  assert.equal(api.runtimeVersion.specName.toString(), 'im-valley');
  // polkadot.js decodes every pallet the runtime has from its metadata.
  for (const pallet of ['system', 'balances', 'aura', 'grandpa', 'sudo', 'transactionPayment', 'stone']) {
    assert.ok(api.query[pallet], `${pallet} storage is visible`);
  }
  assert.equal(api.consts.balances.existentialDeposit.toBigInt(), 10n ** 9n);
  // The pools' caps are chain parameters set in genesis: IM Valley's on the development chain.
  assert.equal((await api.query.stone.miningCap()).toBigInt(), 210_000_000n * UNIT);
  assert.equal((await api.query.stone.educationCap()).toBigInt(), 90_000_000n * UNIT);
});

test('mining batches close every two blocks on the dev chain, their reward carried over', async () => {
  const { api } = node;
  const closed = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no batch closed within 90 s')), 90_000);
    api.query.system.events((events) => {
      const batch = events.find(({ event }) => api.events.stone.BatchClosed.is(event));
      if (batch) {
        clearTimeout(timer);
        resolve(batch.event.data);
      }
    }).catch(reject);
  });
  assert.equal(closed.reward.toBigInt(), 500n * UNIT);
  // Nobody has driven on this fresh chain: everything carries over, nothing is minted.
  assert.equal(closed.distributed.toBigInt(), 0n);
  assert.equal(closed.carriedOver.toBigInt(), (closed.index.toBigInt() + 1n) * 500n * UNIT);

  const info = await api.call.stoneApi.stoneInfo();
  assert.ok(info.currentBatch.toBigInt() >= 1n);
  assert.equal(info.currentReward.toBigInt(), 500n * UNIT);
  assert.equal(info.nextHalvingBatch.toBigInt(), 210_000n);
  assert.equal(info.miningRemaining.toBigInt(), 210_000_000n * UNIT);
  assert.equal(info.miningCap.toBigInt(), 210_000_000n * UNIT);
  assert.equal(info.educationCap.toBigInt(), 90_000_000n * UNIT);
  assert.equal(info.batchLength.toBigInt(), 12_000n);
  assert.equal(info.halvingInterval.toBigInt(), 210_000n);
  assert.equal(info.transfersEnabled.isTrue, false);
});

test('transfers are refused until the admin opens them, then cost a fee', async () => {
  const { api } = node;
  const alice = keyring.addFromUri('//Alice');
  const dave = keyring.addFromUri('//Dave');
  const amount = 7n * UNIT;
  const balance = async (who) => (await api.query.system.account(who.address)).data.free.toBigInt();

  await assert.rejects(
    sendAndFinalize(api, api.tx.balances.transferKeepAlive(dave.address, amount), alice),
    /system\.CallFiltered/
  );

  const opened = await sendAndFinalize(api, api.tx.sudo.sudo(api.tx.stone.setTransfersEnabled(true)), alice);
  assert.ok(opened.some(({ event }) => api.events.stone.TransfersSwitched.is(event)));

  const before = { alice: await balance(alice), dave: await balance(dave) };
  const tx = api.tx.balances.transferKeepAlive(dave.address, amount);
  const info = await tx.paymentInfo(alice);
  assert.ok(info.partialFee.toBigInt() > 0n, 'a transfer has a fee');
  const events = await sendAndFinalize(api, tx, alice);
  assert.ok(events.some(({ event }) => api.events.balances.Transfer.is(event)));
  assert.ok(events.some(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event)));
  assert.equal((await balance(dave)) - before.dave, amount);
  assert.ok(before.alice - (await balance(alice)) > amount, 'Alice paid the amount and a fee');
  // The fee was burned and accounted for.
  assert.ok((await api.query.stone.burned()).toBigInt() > 0n);
});

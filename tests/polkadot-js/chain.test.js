// What a polkadot.js apps user sees first: the chain's token, a transfer, and its fee.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startNode, sendAndFinalize } from './harness.js';

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
  for (const pallet of ['system', 'balances', 'aura', 'grandpa', 'sudo', 'transactionPayment']) {
    assert.ok(api.query[pallet], `${pallet} storage is visible`);
  }
  assert.equal(api.consts.balances.existentialDeposit.toBigInt(), 10n ** 9n);
});

test('a transfer signed with @polkadot/api is finalized and charged a fee', async () => {
  const { api } = node;
  const alice = keyring.addFromUri('//Alice');
  const dave = keyring.addFromUri('//Dave');
  const amount = 7n * 10n ** 12n;
  const before = {
    alice: (await api.query.system.account(alice.address)).data.free.toBigInt(),
    dave: (await api.query.system.account(dave.address)).data.free.toBigInt()
  };
  const tx = api.tx.balances.transferKeepAlive(dave.address, amount);
  const info = await tx.paymentInfo(alice);
  assert.ok(info.partialFee.toBigInt() > 0n, 'a transfer has a fee');

  const events = await sendAndFinalize(api, tx, alice);
  assert.ok(events.some(({ event }) => api.events.balances.Transfer.is(event)));
  assert.ok(events.some(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event)));

  const after = {
    alice: (await api.query.system.account(alice.address)).data.free.toBigInt(),
    dave: (await api.query.system.account(dave.address)).data.free.toBigInt()
  };
  assert.equal(after.dave - before.dave, amount);
  assert.ok(before.alice - after.alice > amount, 'Alice paid the amount and a fee');
});

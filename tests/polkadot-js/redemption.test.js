// The reward catalogue as owners and the service desk see it through @polkadot/api: an eligible
// owner redeems the driving package (6,800 STONE + ¥10,000), the desk accepts and fulfils it and
// the Stones are burned (in `stone.burned`); another order is rejected and refunded; an owner
// whose vehicle is too new is refused with the named error; a digital collectible is redeemed
// and the owner holds the NFT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToString } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { startNode, sendAndInclude as send } from './harness.js';

const UNIT = 10n ** 12n;
const DAY_MS = 86_400_000n;
// The development catalogue (runtime/src/genesis_config_presets.rs).
const PACKAGE = 1;
const SCALE_MODEL = 3;
const BADGE = 4;
const BADGE_ARTWORK = 1;
let node;
let k;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  k = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve']
    .map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`)]));
  node = await startNode('redemption', ['--dev']);
});

after(async () => {
  await node?.stop();
});

const named = (api, events, section, method) =>
  events.filter(({ event }) => api.events[section][method].is(event)).map(({ event }) => event.data);

const held = async (api, who) =>
  (await api.query.balances.holds(who))
    .filter((h) => h.id.isRedemption && h.id.asRedemption.isOrder)
    .reduce((sum, h) => sum + h.amount.toBigInt(), 0n);

test('the catalogue: redeem, fulfil and burn; reject and refund; too new a vehicle; a digital collectible', async () => {
  const { api } = node;
  const sudo = (call) => send(api, api.tx.sudo.sudo(call), k.alice);

  // The development catalogue has an item of each category; the package has a money part.
  const catalogue = await api.call.redemptionApi.catalogue(null);
  const categories = new Set(catalogue.map((e) => e.spec.category.toString()));
  assert.deepEqual([...categories].sort(),
    ['DigitalCollectible', 'ExperienceDay', 'LimitedEdition', 'PremiumService', 'Upgrade']);
  const pkg = catalogue.find((e) => e.id.toNumber() === PACKAGE);
  assert.equal(pkg.spec.price.toBigInt(), 6_800n * UNIT);
  assert.equal(u8aToString(pkg.spec.cash.unwrap().currency), 'CNY');
  assert.equal(pkg.spec.cash.unwrap().amount.toBigInt(), 1_000_000n, '¥10,000 in fen');

  // Bob's car was registered 100 days ago (root backdates the registration), Dave's today.
  const register = async (who, name) => {
    const id = blake2AsHex(name);
    await sudo(api.tx.mileage.registerVehicle(id, who.address, null));
    return id;
  };
  const bobsCar = await register(k.bob, 'bob-car');
  await register(k.dave, 'dave-car');
  const vehicle = (await api.query.mileage.vehicles(bobsCar)).unwrap();
  const backdated = api.createType(vehicle.toRawType(), {
    ...vehicle.toJSON(), registeredAt: vehicle.registeredAt.toBigInt() - 100n * DAY_MS
  });
  await sudo(api.tx.system.setStorage([[api.query.mileage.vehicles.key(bobsCar), backdated.toHex()]]));

  // Dave: refused with the named error; the catalogue says why.
  await assert.rejects(send(api, api.tx.redemption.redeem(PACKAGE), k.dave), /redemption\.VehicleTooNew/);
  const forDave = await api.call.redemptionApi.catalogue(k.dave.address);
  assert.ok(forDave.find((e) => e.id.toNumber() === PACKAGE).refusal.unwrap().isVehicleTooNew);

  // Bob redeems the package: 6,800 STONE held, an order for the desk.
  const redeemed = named(api, await send(api, api.tx.redemption.redeem(PACKAGE), k.bob), 'redemption', 'Redeemed');
  const order = redeemed[0].order.toNumber();
  assert.equal(await held(api, k.bob.address), 6_800n * UNIT);
  const waiting = await api.call.redemptionApi.unfinishedOrders();
  assert.ok(waiting.some(([id]) => id.toNumber() === order), 'the desk sees it');

  // The desk (Charlie) accepts and fulfils it: the Stones are burned and counted.
  const burnedBefore = (await api.query.stone.burned()).toBigInt();
  const issuanceBefore = (await api.query.balances.totalIssuance()).toBigInt();
  await send(api, api.tx.redemption.accept(order), k.charlie);
  await assert.rejects(send(api, api.tx.redemption.cancel(order), k.bob), /redemption\.AlreadyAccepted/);
  const fulfilled = named(api, await send(api, api.tx.redemption.fulfil(order), k.charlie), 'redemption', 'OrderFulfilled');
  assert.equal(fulfilled[0].burned.toBigInt(), 6_800n * UNIT);
  assert.equal(await held(api, k.bob.address), 0n);
  const burned = (await api.query.stone.burned()).toBigInt() - burnedBefore;
  assert.ok(burned >= 6_800n * UNIT, 'the Stone pallet counts the burn');
  assert.ok((await api.query.balances.totalIssuance()).toBigInt() <= issuanceBefore - 6_800n * UNIT);
  const history = await api.call.redemptionApi.ordersOf(k.bob.address);
  assert.ok(history[0][1].state.isFulfilled);

  // Another order is rejected and refunded, its stock returned.
  const stockOf = async (id) => (await api.call.redemptionApi.catalogue(null))
    .find((e) => e.id.toNumber() === id).spec.stock.toNumber();
  const stock = await stockOf(SCALE_MODEL);
  const free = async () => (await api.query.system.account(k.bob.address)).data.free.toBigInt();
  const [second] = named(api, await send(api, api.tx.redemption.redeem(SCALE_MODEL), k.bob), 'redemption', 'Redeemed');
  const before = await free();
  const rejected = named(api, await send(api, api.tx.redemption.reject(second.order), k.charlie), 'redemption', 'OrderRejected');
  assert.equal(rejected[0].refunded.toBigInt(), second.price.toBigInt());
  assert.equal(await free(), before + second.price.toBigInt());
  assert.equal(await stockOf(SCALE_MODEL), stock);

  // A digital collectible: handed over in the same call, the price burned.
  const delivered = named(api, await send(api, api.tx.redemption.redeem(BADGE), k.bob), 'redemption', 'CollectibleDelivered');
  assert.equal(delivered.length, 1);
  const edition = delivered[0].edition.toNumber();
  const item = (await api.query.nfts.item(BADGE_ARTWORK, edition)).unwrap();
  assert.equal(item.owner.toString(), k.bob.address, 'the owner holds the NFT');
});

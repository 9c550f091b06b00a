// Mileage mining as its users see it: an oracle operator registers a car and feeds its odometer
// (fee-free), implausible readings are refused with a reason, the next batch is drawn and paid to
// the car's owner, and the runtime API answers the owner's questions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { startNode, sendAndFinalize } from './harness.js';

const UNIT = 10n ** 12n;
let node;
let keyring;
let oracle;
let dave;
// A vehicle id is a hash of the VIN; the VIN itself never goes on chain.
const car = blake2AsHex('LGWEF6A59NH000001');

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  oracle = keyring.addFromUri('//Ferdie'); // the development chains' oracle operator
  dave = keyring.addFromUri('//Dave');
  node = await startNode('mileage', ['--dev']);
});

after(async () => {
  await node?.stop();
});

const free = async (who) => (await node.api.query.system.account(who.address)).data.free.toBigInt();
const named = (api, events, section, method) =>
  events.filter(({ event }) => api.events[section][method].is(event)).map(({ event }) => event.data);

test('the oracle registers a car and feeds its odometer without paying fees', async () => {
  const { api } = node;
  assert.deepEqual((await api.query.oracleMembership.members()).map(String), [oracle.address]);
  const registered = await sendAndFinalize(api, api.tx.mileage.registerVehicle(car, dave.address, null), oracle);
  assert.equal(named(api, registered, 'mileage', 'VehicleRegistered')[0].owner.toString(), dave.address);
  assert.ok((await api.query.mileage.vehiclesOf(dave.address, car)).isSome);

  const before = await free(oracle);
  const fed = await sendAndFinalize(api, api.tx.oracle.feedValues([[car, 12_000]]), oracle);
  const [baseline] = named(api, fed, 'mileage', 'ReadingAccepted');
  assert.equal(baseline.odometer.toNumber(), 12_000);
  assert.equal(baseline.distance.toNumber(), 0);
  assert.equal(await free(oracle), before, 'a valid feed is free');

  // Seconds later: 2 km is within 200 km/h plus the tolerance, 300 km is not, and odometers never
  // go back.
  const more = await sendAndFinalize(api, api.tx.oracle.feedValues([[car, 12_002]]), oracle);
  assert.equal(named(api, more, 'mileage', 'ReadingAccepted')[0].weight.toNumber(), 2);
  const jump = await sendAndFinalize(api, api.tx.oracle.feedValues([[car, 12_302]]), oracle);
  assert.equal(named(api, jump, 'mileage', 'ReadingRejected')[0].reason.toString(), 'ImplausibleIncrement');
  const back = await sendAndFinalize(api, api.tx.oracle.feedValues([[car, 11_000]]), oracle);
  assert.equal(named(api, back, 'mileage', 'ReadingRejected')[0].reason.toString(), 'OdometerDecreased');

  await assert.rejects(
    sendAndFinalize(api, api.tx.oracle.feedValues([[car, 12_003]]), keyring.addFromUri('//Alice')),
    /oracle\.NoPermission/
  );
});

test('the next batch is drawn among the cars that drove and paid to the owner', async () => {
  const { api } = node;
  // The first block with a draw from now on, and Dave's balance just before and in it.
  const found = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no batch drawn within 60 s')), 60_000);
    let done = false;
    api.rpc.chain.subscribeNewHeads(async (header) => {
      const at = await api.at(header.hash);
      const events = await at.query.system.events();
      const drawn = named(api, events, 'mileage', 'BatchDrawn');
      if (drawn.length && !done) {
        done = true;
        clearTimeout(timer);
        const parent = await api.at(header.parentHash);
        resolve({
          drawn: drawn[0],
          won: named(api, events, 'mileage', 'VehicleWon'),
          before: (await parent.query.system.account(dave.address)).data.free.toBigInt(),
          after: (await at.query.system.account(dave.address)).data.free.toBigInt()
        });
      }
    }).catch(reject);
  });
  assert.equal(found.drawn.participants.toNumber(), 1);
  assert.equal(found.won.length, 1);
  assert.equal(found.won[0].vehicle.toHex(), car);
  assert.equal(found.won[0].owner.toString(), dave.address);
  // The batch's 500 STONE, plus whatever carried over while nobody drove.
  const amount = found.won[0].amount.toBigInt();
  assert.ok(amount >= 500n * UNIT);
  assert.equal(found.drawn.paid.toBigInt(), amount);
  assert.equal(found.after - found.before, amount);

  const [last] = await api.call.mileageApi.recentBatches(1);
  assert.equal(last.winners[0].vehicle.toHex(), car);
  assert.equal(last.winners[0].owner.toString(), dave.address);
});

test('an owner can ask for the car\'s weight, share and expected Stones', async () => {
  const { api } = node;
  const estimate = (await api.call.mileageApi.vehicleEstimate(car)).unwrap();
  assert.equal(estimate.owner.toString(), dave.address);
  assert.equal(estimate.odometer.unwrap().toNumber(), 12_002);
  assert.equal(estimate.weight.toNumber(), 2);
  assert.equal(estimate.participants.toNumber(), 1);
  assert.equal(estimate.winnersPerBatch.toNumber(), 1);
  assert.equal(estimate.share.toNumber(), 1_000_000_000); // Perbill: 100%
  assert.equal(estimate.expectedPerBatch.toBigInt(), 500n * UNIT);
  assert.ok((await api.call.mileageApi.vehicleEstimate(blake2AsHex('unknown VIN'))).isNone);
});

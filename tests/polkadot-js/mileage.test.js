// Mileage mining as its users see it (docs/committed-mileage.md): a car maker's telematics service
// (scripts/telematics-sim) and the development chain's oracle operator, Ferdie, whose node runs
// the operator's worker. Per-car readings never go on chain: the worker registers the service's
// fleet by proposals, commits each batch's Merkle-sum root fee-free and proves the drawn winners,
// who are paid; an owner asks the operator's node for its car's leaf and proof (`mileage_proof`,
// signed with the owner's key) and has the runtime check its share against the committed root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { bnToU8a, hexToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { startNode, startSimulator, waitFor } from './harness.js';

const CARS = 6;
// Six cars that all drive (30 times faster than real time: about a kilometre a one-second tick,
// well within the chain's 200 km/h plus 2 km a reading), the last one a faulty unit whose
// odometer sometimes goes backwards. Car 3 (i % 7 == 3) has a reported traffic violation.
const SIMULATOR_ARGS = ['--cars', String(CARS), '--tick', '1', '--idle', '0', '--backwards', '1', '--seed', '3', '--time-scale', '30'];
const VIOLATION_CAR = 3;
const FAULTY_CAR = CARS - 1;
const VIN = (i) => `LIMVALLEY${String(i).padStart(8, '0')}`;
const PROOF_REQUEST_TAG = 'valley/mi/prooff';
const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

let sim;
let node;
let chain;
let fleet; // the service's /fleet
let accounts; // the development accounts by their 0x public key
let ferdie; // the development chain's oracle operator

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  accounts = new Map(DEV_NAMES.map((name) => {
    const pair = keyring.addFromUri(`//${name}`);
    return [u8aToHex(decodeAddress(pair.address)), { name, pair }];
  }));
  ferdie = keyring.addFromUri('//Ferdie');
  sim = await startSimulator(SIMULATOR_ARGS);
  fleet = (await sim.get('/fleet')).vehicles;
  node = await startNode('mileage', ['--dev', '--telematics-url', sim.url], {
    keys: [{ suri: '//Ferdie', type: 'orcl', scheme: 'sr25519' }]
  });
  chain = await recordChain(node.api, ferdie.address);
});

after(async () => {
  chain?.stop();
  await node?.stop();
  await sim?.stop();
});

const named = (api, events, section, method) =>
  events.filter(({ event }) => api.events[section][method].is(event)).map(({ event }) => event.data);

// Every finalized block from the first on, in order: its events and Ferdie's free balance, so
// that the tests can wait for an event and look at the blocks around it.
async function recordChain (api, operator) {
  const blocks = [];
  let queue = Promise.resolve();
  let failure;
  const record = async (upTo) => {
    for (let n = blocks.length + 1; n <= upTo; n++) {
      const hash = await api.rpc.chain.getBlockHash(n);
      const at = await api.at(hash);
      const header = await api.rpc.chain.getHeader(hash);
      blocks.push({
        number: n,
        hash,
        parentHash: header.parentHash,
        events: await at.query.system.events(),
        operatorFree: (await at.query.system.account(operator)).data.free.toBigInt()
      });
    }
  };
  const unsubscribe = await api.rpc.chain.subscribeFinalizedHeads((header) => {
    queue = queue.then(() => record(header.number.toNumber())).catch((error) => { failure = error; });
  });
  return {
    blocks,
    stop: unsubscribe,
    // The records of `section.method` events so far, with their block.
    events (section, method) {
      if (failure) throw failure;
      return blocks.flatMap((block) => named(api, block.events, section, method).map((data) => ({ block, data })));
    },
    // Resolves with the first `section.method` event (with its block) that `filter` accepts.
    waitForEvent (section, method, filter, timeoutMs) {
      return waitFor(`a finalized ${section}.${method} event`, () =>
        this.events(section, method).find(({ data }) => filter(data)), { timeoutMs, everyMs: 500 });
    }
  };
}

// The operator's `mileage_proof` answer for `vehicle`, asked as `signer`: its signature over
// ("valley/mi/prooff", genesis hash, vehicle, last valid time in ms), the SCALE encoding of a
// 16-byte tag, two hashes and a u64.
// A well-behaved client: at most four requests a second (the node takes five a second on one
// connection; `sendProof` sends without waiting).
let lastRequest = 0;
async function requestProof (vehicle, signer, validUntil = Date.now() + 60_000) {
  const wait = lastRequest + 250 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  lastRequest = Date.now();
  return sendProof(vehicle, signer, validUntil);
}

function sendProof (vehicle, signer, validUntil = Date.now() + 60_000) {
  const message = u8aConcat(stringToU8a(PROOF_REQUEST_TAG), node.api.genesisHash.toU8a(), hexToU8a(vehicle),
    bnToU8a(validUntil, { bitLength: 64, isLe: true }));
  assert.equal(message.length, 16 + 32 + 32 + 8);
  return node.provider.send('mileage_proof', [vehicle, validUntil, u8aToHex(signer.sign(message))]);
}

// The service's readings, all of them, oldest first.
async function readings () {
  const all = [];
  for (let after = 0; ;) {
    const page = await sim.get(`/readings?after=${after}&limit=500`);
    all.push(...page.readings);
    if (page.readings.length === 0) return all;
    after = page.next;
  }
}

test('the operator\'s worker registers the service\'s fleet by itself, under keyed ids', async (t) => {
  const { api } = node;
  assert.equal(fleet.length, CARS);
  assert.deepEqual((await api.call.mileageApi.operators()).map(String), [ferdie.address], 'Ferdie is the only operator');
  for (const car of fleet) {
    assert.ok(accounts.has(car.owner), `${car.vehicle} is owned by a development account`);
  }
  assert.equal(fleet.filter((car) => car.behaviour_ppm !== 1_000_000).length, 1);
  assert.equal(fleet[VIOLATION_CAR].behaviour_ppm, 800_000);

  // Nobody registers anything: the worker proposes the fleet, Ferdie's proposals are a majority.
  const registry = await waitFor('the fleet registered', async () => {
    const entries = await api.query.mileage.vehicles.entries();
    const byId = new Map(entries.map(([key, value]) => [key.args[0].toHex(), value.unwrap()]));
    return fleet.every((car) => byId.has(car.vehicle)) && byId;
  }, { timeoutMs: 90_000 });

  assert.equal(registry.size, CARS, 'the fleet and nothing else');
  // By Ferdie's proposals, each a majority of one.
  const registered = await waitFor('the registrations finalized', () => {
    const events = chain.events('mileage', 'VehicleRegistered');
    return events.length >= CARS && events;
  }, { timeoutMs: 30_000 });
  assert.deepEqual(registered.map(({ data }) => data.vehicle.toHex()).sort(), fleet.map((car) => car.vehicle).sort());
  const proposals = chain.events('mileage', 'ChangeProposed').filter(({ data }) => data.change.isRegister);
  assert.equal(proposals.length, CARS);
  for (const { data } of proposals) {
    assert.equal(data.operator.toString(), ferdie.address);
    assert.deepEqual([data.votes.toNumber(), data.needed.toNumber()], [1, 1]);
  }
  assert.equal((await api.query.mileage.vehicleCount()).toNumber(), CARS);
  for (const car of fleet) {
    const vehicle = registry.get(car.vehicle);
    const owner = accounts.get(u8aToHex(vehicle.owner.toU8a()));
    assert.ok(owner, `${car.vehicle}: its owner ${vehicle.owner} is a development account`);
    assert.equal(u8aToHex(decodeAddress(owner.pair.address)), car.owner, `${car.vehicle}: the fleet's owner`);
    assert.equal(vehicle.activation.toNumber(), car.activation_ms);
    assert.ok((await api.query.mileage.vehiclesOf(owner.pair.address, car.vehicle)).isSome);
    // The runtime API the owners' wallets use says the same.
    const info = (await api.call.mileageApi.vehicle(car.vehicle)).unwrap();
    assert.equal(info.owner.toString(), owner.pair.address);
    // No driving record on chain: the behaviour factor stays with the operators.
    assert.ok(!('behaviour' in info.toJSON()), 'no behaviour factor in the registry');
    assert.ok(!('behaviour' in vehicle.toJSON()), 'no behaviour factor in storage');
  }

  // A vehicle id is the service's keyed hash of the VIN: the VIN read off a windshield, or its
  // plain hash, finds nothing on chain.
  const vins = fleet.map((_, i) => VIN(i));
  for (const vin of vins) {
    assert.ok(!registry.has(blake2AsHex(vin)), `${vin}'s plain hash is not a vehicle id`);
    assert.ok((await api.call.mileageApi.vehicle(blake2AsHex(vin))).isNone);
  }
  // Nor anywhere in the chain's state.
  const needles = vins.flatMap((vin) => [u8aToHex(stringToU8a(vin)).slice(2), blake2AsHex(vin).slice(2)]);
  const hex = [];
  for (let startKey; ;) {
    const keys = await api.rpc.state.getKeysPaged('0x', 1000, startKey);
    if (keys.length === 0) break;
    const values = await api.rpc.state.queryStorageAt(keys);
    keys.forEach((key, i) => hex.push(key.toHex().slice(2), values[i].toHex().slice(2)));
    startKey = keys[keys.length - 1];
  }
  assert.ok(hex.length > 0);
  t.diagnostic(`${hex.length / 2} storage entries searched for the VINs`);
  for (const needle of needles) {
    assert.ok(!hex.some((text) => text.includes(needle)), `${needle} appears nowhere in the state`);
  }
});

test('batches are committed fee-free, drawn and paid to the winners\' owners', async (t) => {
  const { api } = node;
  // A batch with winners finishes after their claims: look for the first that did.
  const drawn = await chain.waitForEvent('mileage', 'BatchDrawn', (d) => d.winners.toNumber() > 0, 150_000);
  const batch = drawn.data.batch.toNumber();
  t.diagnostic(`batch ${batch} finished in block ${drawn.block.number}: ${drawn.data.toString()}`);
  const ofBatch = (section, method) =>
    chain.events(section, method).filter(({ data }) => data.batch.toNumber() === batch);

  // The batch's life on chain: closed, Ferdie's root committed and accepted, points drawn.
  const [closed] = ofBatch('mileage', 'BatchClosed');
  assert.ok(closed, `batch ${batch} closed`);
  const commitments = ofBatch('mileage', 'CommitmentSubmitted');
  assert.equal(commitments.length, 1, 'one commitment of the one operator');
  const [committed] = commitments;
  assert.equal(committed.data.operator.toString(), ferdie.address);
  assert.equal(committed.data.agreeing.toNumber(), 1);
  const [accepted] = ofBatch('mileage', 'BatchCommitted');
  assert.ok(accepted.data.commitment.eq(committed.data.commitment), 'the operator\'s root is the batch\'s');
  const commitment = accepted.data.commitment;
  assert.equal(commitment.count.toNumber(), drawn.data.leaves.toNumber());
  assert.ok(commitment.count.toNumber() > 0 && commitment.count.toNumber() <= CARS);
  assert.ok(commitment.total.toBigInt() > 0n);
  const [points] = ofBatch('mileage', 'PointsDrawn');
  assert.ok(points.block.number > accepted.block.number, 'drawn in a later block than the root was accepted');
  const winners = points.data.winners.toNumber();
  assert.ok(winners > 0);
  assert.equal(points.data.perWinner.toBigInt(), closed.data.amount.toBigInt() / BigInt(winners));

  // Each winner's claim paid its owner: the owner's balance in the claim's block grew by the
  // amount (by the amounts, if it won several slots in that block).
  const won = ofBatch('mileage', 'VehicleWon');
  assert.equal(won.length, drawn.data.winners.toNumber());
  let paid = 0n;
  for (const { block, data } of won) {
    assert.equal(data.amount.toBigInt(), points.data.perWinner.toBigInt());
    paid += data.amount.toBigInt();
    const owner = data.owner.toString();
    const vehicle = (await (await api.at(block.hash)).query.mileage.vehicles(data.vehicle)).unwrap();
    assert.equal(vehicle.owner.toString(), owner, 'paid to the vehicle\'s owner');
    const inBlock = named(api, block.events, 'mileage', 'VehicleWon')
      .filter((w) => w.owner.toString() === owner)
      .reduce((sum, w) => sum + w.amount.toBigInt(), 0n);
    const balance = async (hash) => (await (await api.at(hash)).query.system.account(owner)).data.free.toBigInt();
    assert.equal((await balance(block.hash)) - (await balance(block.parentHash)), inBlock,
      `${owner}'s balance in block ${block.number}`);
  }
  assert.equal(drawn.data.paid.toBigInt(), paid);
  t.diagnostic(`won: ${won.map(({ block, data }) => `#${block.number} ${data.toString()}`).join('; ')}`);

  // What polkadot.js apps shows of the last batches lists them.
  const recent = await api.call.mileageApi.recentBatches(5);
  assert.ok(recent.length > 0);
  const outcome = recent.find((b) => b.batch.toNumber() === batch);
  assert.ok(outcome, `batch ${batch} is among the last five`);
  assert.equal(outcome.root.unwrap().toHex(), commitment.root.toHex());
  assert.equal(outcome.leaves.toNumber(), commitment.count.toNumber());
  assert.equal(outcome.amount.toBigInt(), paid);
  assert.deepEqual(
    outcome.winners.map((w) => [w.vehicle.toHex(), w.owner.toString(), w.amount.toBigInt()]),
    won.map(({ data }) => [data.vehicle.toHex(), data.owner.toString(), data.amount.toBigInt()])
  );

  // The operator's commitments (and claims and proposals) cost it nothing: its balance never went
  // down, and no fee was paid by it.
  assert.ok(chain.events('mileage', 'CommitmentSubmitted').length >= 2);
  for (let i = 1; i < chain.blocks.length; i++) {
    const [previous, block] = [chain.blocks[i - 1], chain.blocks[i]];
    assert.ok(block.operatorFree >= previous.operatorFree, `Ferdie's balance dropped in block ${block.number}`);
  }
  assert.deepEqual(
    chain.events('transactionPayment', 'TransactionFeePaid').filter(({ data }) => data.who.toString() === ferdie.address),
    []
  );
  // Nobody else sends transactions here, and the worker's are valid when included.
  assert.deepEqual(chain.events('system', 'ExtrinsicFailed').map(({ block, data }) => `#${block.number}: ${data}`), []);
});

test('an owner fetches its car\'s leaf and proof and the runtime confirms its share', async (t) => {
  const { api } = node;
  // The first car (Alice's) has weight from the first batch on; should it have none in the newest
  // batch, the other drivers' owners ask too.
  const drivers = fleet.filter((_, i) => i !== FAULTY_CAR);
  const { car, owner, answer } = await waitFor('a car with a proof', async () => {
    for (const car of drivers) {
      const owner = accounts.get(car.owner);
      const answer = await requestProof(car.vehicle, owner.pair);
      if (answer.batch !== null) return { car, owner, answer };
    }
  }, { timeoutMs: 90_000, everyMs: 2_000 });

  t.diagnostic(`${owner.name}'s car ${car.vehicle}: ${JSON.stringify(answer)}`);
  assert.equal(answer.leaf.vehicle, car.vehicle);
  assert.ok(answer.leaf.weight > 0);
  assert.deepEqual(answer.rejected, [], `${owner.name}'s car drives plausibly`);
  // The root the proof is for is the one the chain accepted for the batch.
  const accepted = chain.events('mileage', 'BatchCommitted').find(({ data }) => data.batch.toNumber() === answer.batch);
  assert.ok(accepted, `batch ${answer.batch} was accepted`);
  assert.equal(answer.commitment.root, accepted.data.commitment.root.toHex());
  assert.equal(BigInt(answer.commitment.total), accepted.data.commitment.total.toBigInt());
  assert.equal(BigInt(answer.commitment.count), accepted.data.commitment.count.toBigInt());

  // The weight is the car's kilometres by the batch's cut-off as the service reported them
  // (a clean record, no day past the 500 km cap).
  const [closed] = chain.events('mileage', 'BatchClosed').filter(({ data }) => data.batch.toNumber() === answer.batch);
  const own = (await readings()).filter((r) => r.vehicle === car.vehicle && r.received_ms <= closed.data.closeMs.toNumber());
  const km = own[own.length - 1].odometer_km - own[0].odometer_km;
  const expected = km * car.behaviour_ppm / 1_000_000;
  assert.ok(Math.abs(answer.leaf.weight - expected) < 1, `weight ${answer.leaf.weight}: ${km} km by the cut-off`);
  assert.equal(answer.behaviourPpm, car.behaviour_ppm, 'the owner sees its behaviour factor');

  const share = (leaf) => api.call.mileageApi.share(answer.batch, leaf, answer.leafSalt, {
    leafIndex: answer.proof.leafIndex,
    siblings: answer.proof.siblings.map(({ hash, sum }) => ({ hash, sum }))
  });
  const result = await share({ vehicle: answer.leaf.vehicle, weight: answer.leaf.weight });
  assert.ok(result.isOk, `share: ${result.toString()}`);
  const standing = result.asOk;
  t.diagnostic(`share: ${standing.toString()}`);
  assert.equal(standing.batch.toNumber(), answer.batch);
  assert.equal(standing.weight.toNumber(), answer.leaf.weight);
  assert.equal(standing.total.toBigInt(), accepted.data.commitment.total.toBigInt());
  assert.equal(standing.leaves.toBigInt(), accepted.data.commitment.count.toBigInt());
  assert.ok(standing.share.toNumber() > 0);
  const exact = Number(BigInt(answer.leaf.weight) * 1_000_000_000n / standing.total.toBigInt());
  assert.ok(Math.abs(standing.share.toNumber() - exact) <= 1, `share ${standing.share} of weight/total ${exact}`);
  assert.ok(standing.winnersPerBatch.toNumber() >= 1);
  assert.ok(standing.expectedPerBatch.toBigInt() > 0n);

  // Nobody but the owner learns a car's weight; a request past its last valid time, or valid for
  // longer than ten minutes, is refused.
  const stranger = [...accounts.values()].find(({ name }) => name !== owner.name);
  await assert.rejects(requestProof(car.vehicle, stranger.pair), /NotOwner/);
  await assert.rejects(requestProof(car.vehicle, owner.pair, Date.now() - 1_000), /RequestExpired/);
  await assert.rejects(requestProof(car.vehicle, owner.pair, Date.now() + 3_600_000), /ValidityTooLong/);

  // The car with a reported violation weighs 80 % of its kilometres, and its owner is told so by
  // the operator: the factor is applied off chain.
  const violator = fleet[VIOLATION_CAR];
  const violatorOwner = accounts.get(violator.owner);
  const violation = await waitFor('a proof of the car with a violation', async () => {
    const answer = await requestProof(violator.vehicle, violatorOwner.pair);
    return answer.batch !== null && answer;
  }, { timeoutMs: 90_000, everyMs: 2_000 });
  assert.equal(violation.behaviourPpm, 800_000);
  const [violationClosed] = chain.events('mileage', 'BatchClosed').filter(({ data }) => data.batch.toNumber() === violation.batch);
  const driven = (await readings()).filter((r) => r.vehicle === violator.vehicle && r.received_ms <= violationClosed.data.closeMs.toNumber());
  const violatorKm = driven[driven.length - 1].odometer_km - driven[0].odometer_km;
  assert.ok(Math.abs(violation.leaf.weight - violatorKm * 0.8) < 1, `weight ${violation.leaf.weight}: 80 % of ${violatorKm} km`);
  // A VIN's plain hash is no vehicle.
  await assert.rejects(requestProof(blake2AsHex(VIN(0)), owner.pair), /UnknownVehicle/);

  // A flood on one connection: five requests a second are answered, the rest refused in words
  // (the operator's node answers from its worker's snapshot and never waits on the worker).
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const flood = await Promise.allSettled(Array.from({ length: 12 }, () => sendProof(car.vehicle, owner.pair)));
  const refused = flood.filter(({ status, reason }) => status === 'rejected' && /TooManyRequests/.test(reason));
  const answered = flood.filter(({ status, value }) => status === 'fulfilled' && value.batch !== undefined);
  t.diagnostic(`a flood of 12: ${answered.length} answered, ${refused.length} refused`);
  assert.ok(answered.length >= 1 && answered.length <= 10, `${answered.length} of 12 answered`);
  assert.equal(answered.length + refused.length, 12);
  assert.ok(refused.length >= 2);
  await new Promise((resolve) => setTimeout(resolve, 1_100));

  // A forged weight does not verify against the committed root.
  const forged = await share({ vehicle: answer.leaf.vehicle, weight: answer.leaf.weight + 1 });
  assert.ok(forged.isErr, `a forged weight: ${forged.toString()}`);
  assert.ok(forged.asErr.isInvalidProof, `a forged weight: ${forged.asErr.type}`);
});

test('the faulty car\'s owner sees its refused readings with the reason', async (t) => {
  const car = fleet[FAULTY_CAR];
  const owner = accounts.get(car.owner);
  const answer = await waitFor('a refused reading of the faulty car', async () => {
    const answer = await requestProof(car.vehicle, owner.pair);
    return answer.rejected.some((r) => r.reason === 'OdometerDecreased') && answer;
  }, { timeoutMs: 60_000, everyMs: 2_000 });
  t.diagnostic(`refused readings of ${owner.name}'s faulty car: ${JSON.stringify(answer.rejected)}`);

  // Each refused reading is one the service served for this car, and a decrease is below an
  // earlier reading of it.
  const served = new Map((await readings()).filter((r) => r.vehicle === car.vehicle).map((r) => [r.seq, r]));
  for (const refused of answer.rejected) {
    const reading = served.get(refused.seq);
    assert.ok(reading, `seq ${refused.seq} is a reading of the faulty car`);
    assert.equal(refused.odometerKm, reading.odometer_km);
    assert.equal(refused.timestampMs, reading.timestamp_ms);
    if (refused.reason === 'OdometerDecreased') {
      const earlier = [...served.values()].filter((r) => r.seq < refused.seq);
      assert.ok(earlier.some((r) => r.odometer_km > refused.odometerKm), `seq ${refused.seq} went back`);
    }
  }
  assert.ok(answer.rejected.every((r) => ['OdometerDecreased', 'ImplausibleIncrement'].includes(r.reason)));
  // Only the owner sees them.
  await assert.rejects(requestProof(car.vehicle, accounts.get(fleet[0].owner).pair), /NotOwner/);
});

// Registers the telematics simulator's fleet on a development chain, as the car maker registers
// its cars: Ferdie (an oracle operator, so a registrar) registers every car of the service's
// /vehicles that is not registered yet, for the development accounts in turn. `scripts/start`
// runs it so that the oracle workers' readings count and batches have winners.
//
//   node tests/polkadot-js/tools/register-fleet.js [ws://127.0.0.1:9944] [http://127.0.0.1:8787]
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const [endpoint = 'ws://127.0.0.1:9944', service = 'http://127.0.0.1:8787'] = process.argv.slice(2);
const OWNERS = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'];

async function fleet () {
  // The simulator may answer a request with a simulated failure: ask again.
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(`${service}/vehicles`);
      if (response.ok) return await response.json();
      throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      if (attempt === 10) throw new Error(`${service}/vehicles: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

await cryptoWaitReady();
const keyring = new Keyring({ type: 'sr25519' });
const registrar = keyring.addFromUri('//Ferdie');
const owners = OWNERS.map((uri) => keyring.addFromUri(uri).address);
const api = await ApiPromise.create({ provider: new WsProvider(endpoint), noInitWarn: true });

const cars = await fleet();
let nonce = (await api.rpc.system.accountNextIndex(registrar.address)).toNumber();
const pending = [];
for (const [i, car] of cars.entries()) {
  if ((await api.query.mileage.vehicles(car.vehicle)).isSome) continue;
  const owner = owners[i % owners.length];
  pending.push(new Promise((resolve, reject) => {
    api.tx.mileage.registerVehicle(car.vehicle, owner, null)
      .signAndSend(registrar, { nonce: nonce++ }, ({ status, dispatchError }) => {
        if (dispatchError) reject(new Error(`${car.vin}: ${dispatchError.toString()}`));
        else if (status.isInBlock) resolve(car.vin);
      })
      .catch(reject);
  }));
}
const registered = await Promise.all(pending);
console.log(`fleet: ${cars.length} cars, ${registered.length} newly registered, owners ${OWNERS.join(' ')}`);
await api.disconnect();

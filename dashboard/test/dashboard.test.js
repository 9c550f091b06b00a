// The owner dashboard in a real headless Chromium (Debian's, driven by puppeteer-core) against a
// real `valley-node --dev` whose operator worker reads the telematics simulator. The polkadot.js
// extension is replaced by a test extension injected before the page loads: the page's real
// @polkadot/extension-dapp code finds it in `window.injectedWeb3`, and every signature is made
// here, in the test process, with the development keys (they never enter the page). It signs
// raw bytes as the extension does: wrapped in <Bytes>…</Bytes>.
//
// Every check compares what the page shows with what the chain says.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { Keyring } from '@polkadot/keyring';
import { bnToU8a, hexToU8a, stringToU8a, u8aConcat, u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, startSimulator, sendAll, waitFor } from './chain.js';
import { serve } from '../serve.js';

const UNIT = 10n ** 12n;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
const BOX = 7;
const TASK = 1;
const BADGE = 4; // the Founders' Badge: eligibility Anyone, handed over on chain
const PACKAGE = 1; // the NOA package: owners of a car registered 90 days or more
const TOTEM = 0; // "IM Crossing: The New Totem", Alice's
const PIECE_BOX = 8; // one prize: ten Stone pieces, what makes a Stone
const STICKERS = 6; // a desk item anyone may redeem, listed by the admin below

let sim;
let node;
let server;
let browser;
let page;
let profile;
let k;
let auction;
const pageErrors = [];

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  k = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']
    .map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`, { name })]));

  // The page's server on a port the OS picks; the node's RPC answers that origin only.
  server = await serve(0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  // Six cars driving (Alice … Ferdie one each), 30 times faster than real time.
  sim = await startSimulator(['--cars', '6', '--tick', '1', '--idle', '0', '--seed', '3', '--time-scale', '30']);
  node = await startDevNode({ telematicsUrl: sim.url, origin });

  // The admin (Alice) stocks a blind box, makes herself a task issuer and pays Bob 50 crystals
  // for a task; she lists her edition of the New Totem.
  const { api } = node;
  const sudo = (call) => [api.tx.sudo.sudo(call), k.alice];
  const events = await sendAll(api, [
    sudo(api.tx.crystals.addIssuer(k.alice.address)),
    sudo(api.tx.crystals.setTaskKind(TASK, { name: 'sharing ideas', crystals: 50, egg: null, limit: 3, period: 100 })),
    sudo(api.tx.crystals.setBoxKind(BOX, 'Energy Cube', 20, [{ prize: { Pieces: 5 }, stock: 3 }, { prize: 'Nothing', stock: 1 }])),
    sudo(api.tx.crystals.setBoxKind(PIECE_BOX, 'Piece box', 20, [{ prize: { Pieces: 10 }, stock: 1 }])),
    sudo(api.tx.redemption.setItem(STICKERS, {
      name: 'Valley sticker pack', category: 'LimitedEdition', price: UNIT, cash: null, stock: 10, perAccount: 0,
      startsMs: 0, endsMs: null, eligibility: 'Anyone', delivery: 'Desk'
    })),
    [api.tx.crystals.award(k.bob.address, TASK, blake2AsHex('idea #1')), k.alice],
    // While Stone transfers are closed, proceeds go to a charity or approved artists: 30 % to
    // Green Roads, the rest to the artwork's artist (Alice, approved).
    sudo(api.tx.collectibles.setArtist(k.alice.address, true)),
    [api.tx.collectibles.createAuction(TOTEM, 0, 10n * UNIT, UNIT, 600, 0, 300_000, 'Artists'), k.alice]
  ]);
  const created = events.flat().find(({ event }) => api.events.collectibles.AuctionCreated.is(event));
  auction = created.event.data.auction.toNumber();

  profile = mkdtempSync(join(tmpdir(), 'valley-dash-chromium-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    protocolTimeout: 120_000
  });
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
  // Requests the page makes: its own files and the node only.
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin)) pageErrors.push(`unexpected request to ${url}`);
  });
  await injectTestExtension(page, [k.bob, k.alice]);
  await page.setViewport({ width: 1000, height: 900 });
  await page.goto(`${origin}/?rpc=${encodeURIComponent(node.rpcUrl)}`);
  await page.waitForSelector('body[data-refreshed-at]', { timeout: 60_000 });
});

after(async () => {
  await browser?.close().catch(() => {});
  if (profile) rmSync(profile, { recursive: true, force: true });
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  await node?.stop();
  await sim?.stop();
  if (pageErrors.length) console.log(`# the page's errors: ${pageErrors.join(' | ')}`);
});

// A stand-in for the polkadot.js extension, as `window.injectedWeb3['polkadot-js']`: accounts and
// a signer whose signatures are made in this process with the development keys.
async function injectTestExtension (page, pairs) {
  const byAddress = new Map(pairs.map((pair) => [pair.address, pair]));
  let id = 0;
  await page.exposeFunction('__valleyTestAccounts', () =>
    pairs.map((pair) => ({ address: pair.address, name: pair.meta.name, type: 'sr25519' })));
  await page.exposeFunction('__valleyTestSign', (kind, request) => {
    const pair = byAddress.get(request.address);
    if (!pair) throw new Error(`the test extension holds no key of ${request.address}`);
    if (kind === 'payload') {
      const { signature } = node.api.registry.createType('ExtrinsicPayload', request, { version: request.version }).sign(pair);
      return { id: ++id, signature };
    }
    // The extension signs raw bytes wrapped in <Bytes>…</Bytes> (so that no raw signature can
    // pass for a transaction's); so does this one.
    return { id: ++id, signature: u8aToHex(pair.sign(u8aWrapBytes(hexToU8a(request.data)))) };
  });
  await page.evaluateOnNewDocument(() => {
    window.injectedWeb3 = {
      'polkadot-js': {
        version: 'test',
        enable: async () => ({
          accounts: {
            get: () => window.__valleyTestAccounts(),
            subscribe: (cb) => { window.__valleyTestAccounts().then(cb); return () => {}; }
          },
          signer: {
            signPayload: (payload) => window.__valleyTestSign('payload', payload),
            signRaw: (raw) => window.__valleyTestSign('raw', raw)
          }
        })
      }
    };
  });
}

// Reads `data-value` of every element matching `selector` (inside `scope`, if given).
const values = (selector) => page.$$eval(selector, (els) => els.map((el) => el.dataset.value));
const value = async (selector) => (await values(selector))[0];
const textOf = (selector) => page.$eval(selector, (el) => el.textContent.replace(/\s+/g, ' ').trim());

// Waits until the page and the chain agree on `what`: both read again until equal (the chain
// moves while the page refreshes).
async function agree (what, fromPage, fromChain, timeoutMs = 30_000) {
  let last;
  try {
    return await waitFor(what, async () => {
      last = [await fromPage().catch((e) => `(page: ${e.message})`), await fromChain()];
      return JSON.stringify(last[0]) === JSON.stringify(last[1]) && (last[1] ?? true);
    }, { timeoutMs, everyMs: 500 });
  } catch (error) {
    assert.fail(`${what}: the page shows ${JSON.stringify(last?.[0])}, the chain has ${JSON.stringify(last?.[1])}`);
  }
}

async function screenshot (name, { fullPage = true } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

const bobFree = async () => (await node.api.query.system.account(k.bob.address)).data.free.toString();
const bobHeld = async () => (await node.api.query.system.account(k.bob.address)).data.reserved.toString();

// The activity entry of the latest `action`, once its state is one of `states`.
async function entry (action, states, timeoutMs = 60_000) {
  const log = () => page.$eval('#log', (el) => [...el.children].map((li) => `[${li.dataset.action}/${li.dataset.state}] ${li.textContent}`).join(' | '));
  return waitFor(`the page reports ${action} as ${states.join(' or ')}`, () => page.evaluate((action, states) => {
    const li = document.querySelector(`#log li[data-action="${action}"]`);
    return li && states.includes(li.dataset.state)
      ? { state: li.dataset.state, outcome: li.dataset.outcome ?? null, text: li.textContent.replace(/\s+/g, ' ').trim(), request: li.dataset.request ?? null, order: li.dataset.order ?? null }
      : null;
  }, action, states), { timeoutMs, everyMs: 300 }).catch(async (error) => {
    throw new Error(`${error.message}; the activity log: ${await log()}`);
  });
}

// Types into an input and presses a button as a user does, each in one step (the page re-renders
// a section when the chain changes; a click split over a re-render would be lost).
async function type (selector, text) {
  await page.$eval(selector, (el, text) => { el.value = text; el.dispatchEvent(new Event('input', { bubbles: true })); }, text);
}
const click = (selector) => page.$eval(selector, (el) => el.click());

test('the page shows Bob\'s Stones, crystals, boxes, auctions, catalogue and orders as the chain has them', async () => {
  const { api } = node;
  assert.equal(await page.$eval('#account', (el) => el.value), k.bob.address, 'the extension\'s first account is selected');
  await agree('free Stones', () => value('#balance [data-field=free]'), bobFree);
  await agree('held Stones', () => value('#balance [data-field=held]'), bobHeld);
  assert.match(await textOf('#balance .big'), /^[\d,]+(\.\d+)? STONE$/);

  const info = await api.call.stoneApi.stoneInfo();
  assert.equal(await value('#schedule [data-field=mining-remaining]') !== undefined, true);
  await agree('the current batch', () => value('#schedule [data-field=current-batch]'),
    async () => (await api.call.stoneApi.stoneInfo()).currentBatch.toString());
  assert.equal(await value('#schedule [data-field=current-reward]'), info.currentReward.toString());

  await agree('Bob\'s crystals', () => value('#crystals [data-field=crystals]'),
    async () => (await api.call.crystalsApi.holdings(k.bob.address)).crystals.toString());
  assert.equal(await value('#crystals [data-field=crystals]'), '50');
  const [table] = (await api.call.crystalsApi.prizeTables()).filter((t) => t.kind.toNumber() === BOX);
  assert.deepEqual(await values(`#crystals [data-box="${BOX}"] [data-field=stock]`), table.prizes.map((p) => p.stock.toString()));
  // Odds are the stock over what is left: 3 of 4, 1 of 4.
  assert.deepEqual(await page.$$eval(`#crystals [data-box="${BOX}"] [data-field=odds]`, (els) => els.map((el) => el.textContent)), ['75.00 %', '25.00 %']);

  const live = (await api.query.collectibles.auctions(auction)).unwrap();
  assert.equal(await value(`#collectibles tr[data-auction="${auction}"] [data-field=end]`), live.end.toString());
  assert.equal(await value(`#collectibles tr[data-auction="${auction}"] [data-field=highest]`), '0', 'no bid yet');
  assert.equal(await value(`#collectibles tr[data-auction="${auction}"] [data-field=minimum]`), live.reserve.toString());
  assert.match(await textOf(`#collectibles tr[data-auction="${auction}"]`), /IM Crossing: The New Totem/);
  // Bob is one of the New Totem's co-creators.
  assert.match(await textOf('#collectibles'), /Artworks featuring me\s*IM Crossing: The New Totem/);

  const catalogue = await api.call.redemptionApi.catalogue(k.bob.address);
  await agree('the catalogue\'s items, stock and Bob\'s eligibility',
    () => page.$$eval('#catalogue tr[data-item]', (rows) => rows.map((row) => [row.dataset.item,
      row.querySelector('[data-field=stock]').dataset.value, row.querySelector('[data-field=eligibility]').dataset.value])),
    async () => (await api.call.redemptionApi.catalogue(k.bob.address)).map((e) =>
      [e.id.toString(), e.spec.stock.toString(), e.refusal.isSome ? e.refusal.unwrap().type : 'eligible']));
  // A refusal is explained with the chain's own words for it.
  const refused = catalogue.find((e) => e.refusal.isSome);
  const docs = api.errors.redemption[refused.refusal.unwrap().type].meta.docs.join(' ');
  assert.ok(docs.length > 0);
  assert.ok((await textOf(`#catalogue tr[data-item="${refused.id}"]`)).includes(docs), 'the refusal in words');

  assert.equal((await api.call.redemptionApi.ordersOf(k.bob.address)).length, 0);
  assert.ok(await page.$('#orders [data-field=no-orders]'), 'no orders shown');

  // Bob's cars: the operator's worker registers the simulator's fleet by itself.
  const cars = await waitFor('Bob\'s car registered by the operator', async () => {
    const keys = await api.query.mileage.vehiclesOf.keys(k.bob.address);
    return keys.length > 0 && keys.map(({ args }) => args[1].toHex()).sort();
  }, { timeoutMs: 120_000, everyMs: 2_000 });
  await agree('Bob\'s cars', () => page.$$eval('#cars tr[data-vehicle]', (rows) => rows.map((r) => r.dataset.vehicle).sort()), async () => cars);
  for (const car of cars) {
    const vehicle = (await api.call.mileageApi.vehicle(car)).unwrap();
    assert.equal(await value(`#cars tr[data-vehicle="${car}"] [data-field=registered]`), vehicle.registeredAt.toString());
  }
  await screenshot('overview');
});

test('Bob opens a box through the extension and the page shows the prize drawn in the next block', async () => {
  const { api } = node;
  await click(`[data-action=open-box][data-kind="${BOX}"]`);
  const drawn = await entry('open-box', ['inblock', 'finalized'], 60_000).then(() =>
    waitFor('the draw', () => page.evaluate(() => {
      const li = document.querySelector('#log li[data-action="open-box"]');
      return li?.dataset.outcome === 'drawn' && { text: li.textContent.replace(/\s+/g, ' '), request: li.dataset.request };
    }), { timeoutMs: 60_000, everyMs: 300 }));
  const block = Number(/drawn in block #([\d,]+)/.exec(drawn.text)[1].replace(/,/g, ''));
  // The chain's own record of the draw: BoxOpened (or OpenRefunded) in that block, for Bob.
  const records = await (await api.at(await api.rpc.chain.getBlockHash(block))).query.system.events();
  const draw = records.map(({ event }) => event).find((event) =>
    (api.events.crystals.BoxOpened.is(event) || api.events.crystals.OpenRefunded.is(event)) &&
    event.data.who.toString() === k.bob.address && event.data.request.toString() === drawn.request);
  assert.ok(draw, `a draw of Bob's box #${drawn.request} in block #${block}`);
  const prize = api.events.crystals.BoxOpened.is(draw)
    ? (draw.data.prize.isPieces ? `won ${draw.data.prize.asPieces} Stone pieces` : 'won nothing')
    : 'nothing left you could win';
  assert.ok(drawn.text.includes(prize), `the page says "${drawn.text}", the chain: ${prize}`);
  // The panel reads the chain again at the next block.
  await waitFor('the prize among Bob\'s prizes', async () => (await textOf('#crystals')).includes(prize),
    { timeoutMs: 30_000, everyMs: 300 });
  await agree('crystals after the opening', () => value('#crystals [data-field=crystals]'),
    async () => (await api.call.crystalsApi.holdings(k.bob.address)).crystals.toString());
  await agree('Stone pieces after the opening', () => value('#crystals [data-field=pieces]'),
    async () => (await api.call.crystalsApi.holdings(k.bob.address)).pieces.toString());
  const [table] = (await api.call.crystalsApi.prizeTables()).filter((t) => t.kind.toNumber() === BOX);
  await agree('the prize table\'s stock', () => values(`#crystals [data-box="${BOX}"] [data-field=stock]`), async () => table.prizes.map((p) => p.stock.toString()));
});

test('a bid below the reserve is refused in words; Bob\'s bid becomes the highest', async () => {
  const { api } = node;
  const bidInput = `input[data-input="bid-${auction}"]`;
  await type(bidInput, '5');
  await click(`[data-action=bid][data-auction="${auction}"]`);
  const refused = await entry('bid', ['error']);
  const docs = api.errors.collectibles.BidTooLow.meta.docs.join(' ').trim();
  assert.ok(docs.length > 0);
  assert.ok(refused.text.includes(`collectibles.BidTooLow: ${docs}`), `the refusal in words: ${refused.text}`);
  await screenshot('refused-bid', { fullPage: false });

  await type(bidInput, '12.5');
  await click(`[data-action=bid][data-auction="${auction}"]`);
  const placed = await entry('bid', ['inblock', 'finalized']);
  assert.match(placed.text, /in block #|finalized in block #/);
  const highest = (await api.query.collectibles.auctions(auction)).unwrap().highest.unwrap();
  assert.equal(highest.bidder.toString(), k.bob.address);
  assert.equal(highest.amount.toBigInt(), 12_500_000_000_000n);
  await agree('the highest bid', () => value(`#collectibles tr[data-auction="${auction}"] [data-field=highest]`),
    async () => (await api.query.collectibles.auctions(auction)).unwrap().highest.unwrap().amount.toString());
  assert.equal(await textOf(`#collectibles tr[data-auction="${auction}"] [data-field=bidder]`), 'you');
  await agree('the auction\'s end', () => value(`#collectibles tr[data-auction="${auction}"] [data-field=end]`),
    async () => (await api.query.collectibles.auctions(auction)).unwrap().end.toString());
  await agree('Stones held for the bid', () => value('#balance [data-field=held]'), bobHeld);
  await agree('free Stones', () => value('#balance [data-field=free]'), bobFree);
});

test('Bob redeems the Founders\' Badge and sees the order and the collectible; the NOA package is refused in words', async () => {
  const { api } = node;
  await click(`[data-action=redeem][data-item="${BADGE}"]`);
  const redeemed = await entry('redeem', ['inblock', 'finalized']);
  const orders = await api.call.redemptionApi.ordersOf(k.bob.address);
  assert.equal(orders.length, 1);
  const [[id, order]] = orders;
  assert.equal(order.item.toNumber(), BADGE);
  assert.equal(redeemed.order, id.toString(), 'the page names the chain\'s order');
  await agree('Bob\'s orders and their state', () => page.$$eval('#orders tr[data-order]', (rows) =>
    rows.map((r) => [r.dataset.order, r.querySelector('[data-field=state]').dataset.value])),
  async () => (await api.call.redemptionApi.ordersOf(k.bob.address)).map(([i, o]) => [i.toString(), o.state.type]));
  assert.equal(order.state.type, 'Fulfilled', 'a digital collectible is delivered at once');
  assert.match(await textOf(`#orders tr[data-order="${id}"]`), /IM Valley Founders' Badge/);
  // The NFT the catalogue handed over is Bob's, and the page lists it.
  const owned = (await api.query.nfts.account.keys(k.bob.address)).map(({ args }) => `${args[1]}/${args[2]}`);
  assert.equal(owned.length, 1);
  await agree('Bob\'s collectibles', () => page.$$eval('#collectibles [data-edition]', (els) => els.map((el) => el.dataset.edition)), async () => owned);
  await agree('the badge\'s stock', () => value(`#catalogue tr[data-item="${BADGE}"] [data-field=stock]`),
    async () => (await api.call.redemptionApi.catalogue(null)).find((e) => e.id.toNumber() === BADGE).spec.stock.toString());

  // The NOA package needs a car registered 90 days: Bob's is new (or not registered yet).
  const expected = (await api.call.redemptionApi.catalogue(k.bob.address)).find((e) => e.id.toNumber() === PACKAGE).refusal.unwrap().type;
  await click(`[data-action=redeem][data-item="${PACKAGE}"]`);
  const refused = await entry('redeem', ['error']);
  const docs = api.errors.redemption[expected].meta.docs.join(' ').trim();
  assert.ok(refused.text.includes(`redemption.${expected}: ${docs}`), `the refusal in words: ${refused.text}`);
  await screenshot('after-actions');
});

test('Bob checks his car\'s share: the page shows what the operator\'s node and the runtime answer', async (t) => {
  const { api } = node;
  const [car] = await page.$$eval('#cars tr[data-vehicle]', (rows) => rows.map((r) => r.dataset.vehicle));
  assert.ok(car, 'Bob has a car');
  // The operator's proof for the car exists once a batch with it was committed.
  await waitFor('a committed batch with Bob\'s car', async () => {
    const recent = await api.call.mileageApi.recentBatches(20);
    return recent.some((b) => b.root.isSome && b.leaves.toNumber() > 0);
  }, { timeoutMs: 120_000, everyMs: 2_000 });
  await click(`[data-action=share][data-vehicle="${car}"]`);
  const status = await waitFor('the share checked', async () => {
    const v = await value(`#cars tr[data-vehicle="${car}"] [data-field=share-status]`);
    return v && v !== 'pending' && v;
  }, { timeoutMs: 60_000, everyMs: 300 });
  const shown = await textOf(`#cars tr[data-vehicle="${car}"] [data-field=share-cell]`);
  t.diagnostic(`the page: ${status}: ${shown}`);

  // The node answers the request signed as the extension signs it (wrapped in <Bytes>), until
  // its last valid time.
  const request = (validUntil) => {
    const message = u8aConcat(stringToU8a('valley/mi/prooff'), api.genesisHash.toU8a(), hexToU8a(car), bnToU8a(validUntil, { bitLength: 64, isLe: true }));
    return [car, validUntil, u8aToHex(k.bob.sign(u8aWrapBytes(message)))];
  };
  const answer = await node.provider.send('mileage_proof', request(Date.now() + 60_000));
  assert.ok(answer, 'the operator\'s node serves the proof to the owner');
  await assert.rejects(node.provider.send('mileage_proof', request(Date.now() - 1_000)), /RequestExpired/);
  assert.equal(status, 'verified', `the page verified the proof: ${shown}`);
  // The behaviour factor is shown from the operator's answer (never on chain).
  assert.equal(Number(await value(`#cars tr[data-vehicle="${car}"] [data-field=behaviour]`)), answer.behaviourPpm);
  const batch = Number(/batch #(\d+)/.exec(shown)[1]);
  const weight = BigInt(await value(`#cars tr[data-vehicle="${car}"] [data-field=weight]`));
  const share = Number(await value(`#cars tr[data-vehicle="${car}"] [data-field=share]`));
  // The batch is finished (recent) or still in flight with its accepted commitment.
  const finished = (await api.call.mileageApi.recentBatches(144)).find((b) => b.batch.toNumber() === batch);
  const inFlight = (await api.call.mileageApi.batches()).find((b) => b.batch.toNumber() === batch);
  assert.ok(finished?.root.isSome || inFlight?.commitment.isSome, `batch ${batch} has a committed root`);
  const total = BigInt(/of ([\d,]+) \(/.exec(shown)[1].replace(/,/g, ''));
  if (inFlight?.commitment.isSome) {
    assert.equal(total, inFlight.commitment.unwrap()[1].toBigInt(), 'the total is the committed root\'s');
  }
  assert.ok(Math.abs(share - Number(weight * 1_000_000_000n / total)) <= 1, 'the share is the weight over the total');
});

// The block an activity entry says its transaction is in, and that block's events.
async function eventsOf (entryText) {
  const block = Number(/in block #([\d,]+)/.exec(entryText)[1].replace(/,/g, ''));
  const { api } = node;
  return (await (await api.at(await api.rpc.chain.getBlockHash(block))).query.system.events()).map(({ event }) => event);
}

test('Bob combines the pieces he won into a Stone, cancels an order the desk has not accepted and passes his car on to Charlie', async () => {
  const { api } = node;
  const holdings = () => api.call.crystalsApi.holdings(k.bob.address);

  // The piece box's one prize: ten pieces, drawn in the block after the opening.
  await click(`[data-action=open-box][data-kind="${PIECE_BOX}"]`);
  await entry('open-box', ['inblock', 'finalized']);
  await waitFor('the piece box drawn', () => page.evaluate(() =>
    document.querySelector('#log li[data-action="open-box"]')?.dataset.outcome === 'drawn'), { timeoutMs: 60_000, everyMs: 300 });
  const pieces = (await holdings()).pieces.toNumber();
  const perStone = (await api.call.crystalsApi.piecesPerStone()).toNumber();
  assert.ok(pieces >= perStone, `Bob holds ${pieces} pieces, ${perStone} make a Stone`);
  await agree('Stone pieces before combining', () => value('#crystals [data-field=pieces]'), async () => String(pieces));
  assert.equal(await page.$eval('[data-action=combine]', (el) => el.disabled), false, 'the page offers to combine them');
  await click('[data-action=combine]');
  const combinedEntry = await entry('combine', ['inblock', 'finalized']);
  const combined = (await eventsOf(combinedEntry.text)).find((event) =>
    api.events.crystals.PiecesCombined.is(event) && event.data.who.toString() === k.bob.address);
  assert.ok(combined, `PiecesCombined for Bob in the block the page names: ${combinedEntry.text}`);
  const stones = Math.floor(pieces / perStone);
  assert.equal(combined.data.pieces.toNumber(), stones * perStone);
  assert.equal(combined.data.stones.toBigInt(), BigInt(stones) * UNIT);
  assert.ok(combinedEntry.text.includes(`${stones * perStone} pieces became ${stones} STONE`), `the page says: ${combinedEntry.text}`);
  await agree('Stone pieces after combining', () => value('#crystals [data-field=pieces]'),
    async () => (await holdings()).pieces.toString());
  assert.equal((await holdings()).pieces.toNumber(), pieces % perStone);

  // An order for the service desk, cancelled before the desk accepts it: the Stones come back.
  await click(`[data-action=redeem][data-item="${STICKERS}"]`);
  const placed = await entry('redeem', ['inblock', 'finalized']);
  const order = Number(placed.order);
  const stateOf = async () => (await api.call.redemptionApi.ordersOf(k.bob.address)).find(([id]) => id.toNumber() === order)[1].state.type;
  assert.equal(await stateOf(), 'Open');
  await agree('the open order and its Cancel button', () => page.$$eval(`#orders tr[data-order="${order}"] [data-action=cancel]`, (els) => els.length),
    async () => 1);
  const heldBefore = BigInt(await bobHeld());
  await click(`[data-action=cancel][data-order="${order}"]`);
  const cancelledEntry = await entry('cancel', ['inblock', 'finalized']);
  const cancelled = (await eventsOf(cancelledEntry.text)).find((event) =>
    api.events.redemption.OrderCancelled.is(event) && event.data.order.toNumber() === order);
  assert.ok(cancelled, `OrderCancelled in the block the page names: ${cancelledEntry.text}`);
  assert.equal(cancelled.data.refunded.toBigInt(), UNIT);
  assert.equal(BigInt(await bobHeld()), heldBefore - UNIT, 'the held price is released');
  await agree('the order\'s state', () => value(`#orders tr[data-order="${order}"] [data-field=state]`), stateOf);
  assert.equal(await value(`#orders tr[data-order="${order}"] [data-field=state]`), 'Cancelled');

  // Bob sells his car to Charlie: later wins are Charlie's.
  const [car] = await page.$$eval('#cars tr[data-vehicle]', (rows) => rows.map((r) => r.dataset.vehicle));
  assert.ok(car, 'Bob has a car');
  await type(`input[data-input="pass-${car}"]`, 'not an address');
  await click(`[data-action=pass-on][data-vehicle="${car}"]`);
  const refused = await entry('pass-on', ['error']);
  assert.ok(refused.text.includes('"not an address" is not an account address'), `refused in words: ${refused.text}`);
  await type(`input[data-input="pass-${car}"]`, k.charlie.address);
  await click(`[data-action=pass-on][data-vehicle="${car}"]`);
  const passed = await entry('pass-on', ['inblock', 'finalized']);
  const transferred = (await eventsOf(passed.text)).find((event) => api.events.mileage.VehicleTransferred.is(event));
  assert.ok(transferred, `VehicleTransferred in the block the page names: ${passed.text}`);
  assert.equal(transferred.data.vehicle.toHex(), car);
  assert.equal(transferred.data.to.toString(), k.charlie.address);
  assert.equal((await api.call.mileageApi.vehicle(car)).unwrap().owner.toString(), k.charlie.address);
  await agree('Bob\'s cars after the sale', () => page.$$eval('#cars tr[data-vehicle]', (rows) => rows.map((r) => r.dataset.vehicle)),
    async () => (await api.query.mileage.vehiclesOf.keys(k.bob.address)).map(({ args }) => args[1].toHex()));
});

test('on a phone-sized screen the page is one column', async () => {
  // (Only the size: emulating a mobile device would reload the page.)
  await page.setViewport({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const best = Number(await page.$eval('#connection', (el) => el.dataset.best));
  await page.waitForFunction((best) => Number(document.body.dataset.refreshedAt) > best, { timeout: 30_000 }, best);
  assert.match(await textOf('#balance .big'), /^[\d,]+(\.\d+)? STONE$/, 'the page is shown, not reloading');
  const widths = await page.$$eval('main > section', (sections) => sections.map((s) => s.getBoundingClientRect().width));
  const columns = new Set(await page.$$eval('main > section', (sections) => sections.map((s) => Math.round(s.getBoundingClientRect().left))));
  assert.equal(columns.size, 1, 'every section starts at the same left edge');
  assert.ok(widths.every((w) => w <= 390), `no section wider than the screen: ${widths}`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scrolling');
  await screenshot('phone', { fullPage: false });
  assert.deepEqual(pageErrors.filter((e) => !/favicon/.test(e)), [], 'the page logged no errors and fetched nothing but its own files');
});

// The IM Valley owner dashboard: everything an owner has on the chain, live, on one page, and the
// owner's actions signed through the polkadot.js extension. It talks to one node's RPC (default
// ws://127.0.0.1:9944, or ?rpc=ws://…) and to nothing else: no account data leaves the browser.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { web3Enable, web3AccountsSubscribe, web3FromAddress } from '@polkadot/extension-dapp';
import { bnToU8a, hexToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';
import { stone, amountOnly, setSymbol, tokenSymbol, parseStone, percent, count, when, inDuration, short, esc, words } from './format.js';
import { send } from './tx.js';
import { SIGNED_EXTENSIONS } from './extensions.js';

const params = new URLSearchParams(location.search);
const RPC = params.get('rpc') || 'ws://127.0.0.1:9944';
// The owner's proof request: sr25519 over ("valley/mi/prooff", genesis hash, vehicle id, last
// valid time in ms as a little-endian u64); the operator's node refuses it after that time.
const PROOF_REQUEST_TAG = 'valley/mi/prooff';
const PROOF_REQUEST_VALID_MS = 5 * 60 * 1000;
const BLOCK_MS = 6_000;
const RECENT_BATCHES = 10;

const state = {
  api: null,
  provider: null,
  accounts: [],
  address: null,
  best: 0,
  finalized: 0,
  shares: new Map(), // vehicle -> { status, text, share, answer }
  prizes: [], // box prizes drawn for this account while the page is open
  openings: new Map(), // request index -> its activity entry
  vehicles: [] // the account's vehicle ids, as last read
};

const $ = (selector, root = document) => root.querySelector(selector);
const pubkey = (address) => u8aToHex(decodeAddress(String(address)));
const isMe = (address) => state.address !== null && pubkey(address) === pubkey(state.address);
const text = (bytes) => bytes.toUtf8 ? bytes.toUtf8() : String(bytes);

// ---- the activity log: every action's progress and outcome -------------------------------------

function logEntry (action, label) {
  const li = document.createElement('li');
  li.dataset.action = action;
  li.dataset.state = 'signing';
  li.innerHTML = `<strong>${esc(label)}</strong> — <span class="status"></span> <span class="outcome"></span>`;
  $('#log').prepend(li);
  return {
    li,
    update (stateName, message) {
      // Finality comes after an outcome; keep an error or an outcome's state.
      if (li.dataset.state !== 'error') li.dataset.state = stateName;
      $('.status', li).textContent = message;
    },
    outcome (message, stateName) {
      $('.outcome', li).textContent = message;
      if (stateName) li.dataset.outcome = stateName;
    }
  };
}

function note (action, message) {
  const entry = logEntry(action, message);
  entry.update('done', new Date().toLocaleTimeString());
  return entry;
}

// Signs and sends the call `makeTx()` builds as the selected account; `onIncluded(events, entry)`
// reads the outcome from the block's events.
async function act (action, label, makeTx, onIncluded) {
  const entry = logEntry(action, label);
  try {
    const tx = makeTx();
    const { signer } = await web3FromAddress(state.address);
    const { events } = await send(state.api, tx, state.address, signer, (s, message) => entry.update(s, message));
    onIncluded?.(events, entry);
  } catch (error) {
    if (!error?.name || !error?.words) entry.update('error', error?.message ?? String(error));
  }
  refresh();
  return entry;
}

const eventsOf = (events, section, method) =>
  events.filter(({ event }) => state.api.events[section]?.[method]?.is(event)).map(({ event }) => event.data);

// ---- rendering ------------------------------------------------------------------------------------

const rendered = new Map(); // section -> its HTML now: unchanged sections are left alone

// Replaces a section's body, keeping what the owner typed in its inputs.
function render (id, html) {
  const body = $(`#${id} .body`);
  const typed = new Map([...body.querySelectorAll('input[data-input]')].map((i) => [i.dataset.input, i.value]));
  const focused = document.activeElement?.dataset?.input;
  if (rendered.get(id) === html) return;
  rendered.set(id, html);
  body.classList.remove('muted');
  body.innerHTML = html;
  for (const input of body.querySelectorAll('input[data-input]')) {
    if (typed.has(input.dataset.input)) input.value = typed.get(input.dataset.input);
    if (input.dataset.input === focused) input.focus();
  }
}

const renderError = (id, error) => render(id, `<p class="bad">Could not read this from the node: ${esc(error.message ?? error)}</p>`);

const amount = (field, planck) => `<span data-field="${field}" data-value="${BigInt(planck)}">${esc(stone(planck))}</span>`;

function prizeText (prize) {
  if (prize.isStones) return stone(prize.asStones.toBigInt());
  if (prize.isPieces) return `${count(prize.asPieces.toNumber())} Stone pieces`;
  return 'nothing';
}

function errorDocs (section, name) {
  const docs = state.api.errors[section]?.[name]?.meta.docs.map(String).join(' ').trim();
  return docs || words(name);
}

// ---- sections -------------------------------------------------------------------------------------

async function balance () {
  const { api } = state;
  const [account, holds] = await Promise.all([api.query.system.account(state.address), api.query.balances.holds(state.address)]);
  const { free, reserved, frozen } = account.data;
  const holdRows = holds.map((h) => `<tr><td>${esc(words(h.id.type))}: ${esc(words(h.id.value.type ?? h.id.value))}</td><td>${esc(stone(h.amount.toBigInt()))}</td></tr>`).join('');
  render('balance', `
    <div class="big">${amount('free', free.toBigInt())}</div>
    <div class="muted">free to spend</div>
    <dl>
      <dt>Held</dt><dd>${amount('held', reserved.toBigInt())}</dd>
      <dt>Frozen</dt><dd>${amount('frozen', frozen.toBigInt())}</dd>
    </dl>
    ${holds.length ? `<h3>What holds Stones</h3><table><tbody>${holdRows}</tbody></table>` : ''}`);
}

async function schedule () {
  const { api } = state;
  const [info, now] = await Promise.all([api.call.stoneApi.stoneInfo(), api.query.timestamp.now()]);
  const next = info.nextBatchTime.toNumber();
  const toNext = next - now.toNumber();
  render('schedule', `
    <dl>
      <dt>Current batch</dt><dd data-field="current-batch" data-value="${info.currentBatch}">#${count(info.currentBatch.toString())}</dd>
      <dt>It closes</dt><dd>${next ? `in ${inDuration(toNext)} <span class="muted">(${esc(when(next))})</span>` : 'mining has not started'}</dd>
      <dt>Reward</dt><dd>${amount('current-reward', info.currentReward.toBigInt())}${info.carriedOver.toBigInt() > 0n ? ` + ${esc(stone(info.carriedOver.toBigInt()))} carried over` : ''}</dd>
      <dt>Next halving</dt><dd>batch #${count(info.nextHalvingBatch.toString())}, ${esc(when(info.nextHalvingTime.toNumber()))}</dd>
      <dt>Mining pool left</dt><dd>${amount('mining-remaining', info.miningRemaining.toBigInt())}</dd>
      <dt>Education pool left</dt><dd>${amount('education-remaining', info.educationRemaining.toBigInt())}</dd>
      <dt>Transfers</dt><dd>${info.transfersEnabled.isTrue ? 'open' : 'Stones are bound to their account'}</dd>
    </dl>`);
}

async function cars () {
  const { api } = state;
  const keys = await api.query.mileage.vehiclesOf.keys(state.address);
  const ids = keys.map(({ args }) => args[1].toHex());
  state.vehicles = ids;
  const infos = await Promise.all(ids.map((id) => api.call.mileageApi.vehicle(id)));
  if (ids.length === 0) {
    render('cars', '<p class="muted" data-field="no-cars">No car is registered to this account. The car maker registers it when you link it in the IM app.</p>');
    return;
  }
  const rows = ids.map((id, i) => {
    const info = infos[i].unwrap();
    const share = state.shares.get(id);
    return `<tr data-vehicle="${id}">
      <td data-label="Car"><span class="mono" title="${id}">${esc(short(id))}</span></td>
      <td data-label="Mining since">${esc(when(info.activation.toNumber()))}</td>
      <td data-label="Registered" data-field="registered" data-value="${info.registeredAt.toNumber()}">${esc(when(info.registeredAt.toNumber()))}</td>
      <td data-label="Share in the next draw" data-field="share-cell">${shareHtml(share)}
        <div class="row"><button class="secondary" data-action="share" data-vehicle="${id}">${share ? 'Check again' : 'Check my share'}</button></div></td>
      <td data-label="Pass on"><div class="row"><input data-input="pass-${id}" placeholder="new owner's address" size="20"><button class="secondary" data-action="pass-on" data-vehicle="${id}">Pass on</button></div></td>
    </tr>`;
  }).join('');
  render('cars', `<table class="stack"><thead><tr><th>Car</th><th>Mining since</th><th>Registered</th><th>Share in the next draw</th><th>Pass on</th></tr></thead><tbody>${rows}</tbody></table>
    <p class="muted">Your car's weight and driving record stay off chain: "Check my share" asks you to sign a request, the operator's node answers with your car's leaf, proof and behaviour factor, and the chain verifies them against the batch's committed root.</p>`);
}

function shareHtml (share) {
  if (!share) return '<span class="muted">not checked</span>';
  if (share.status === 'pending') return `<span class="warn" data-field="share-status" data-value="pending">${esc(share.text)}</span>`;
  if (share.status === 'error') return `<span class="bad" data-field="share-status" data-value="error">${esc(share.text)}</span>`;
  const rejected = share.answer?.rejected ?? [];
  const notCounted = rejected.length ? `<dt>Readings not counted</dt><dd class="warn" data-field="rejected">${rejected.map((r) => `${esc(words(r.reason))} (${count(r.odometerKm)} km)`).join(', ')}</dd>` : '';
  if (share.status === 'none') return `<span class="muted" data-field="share-status" data-value="none">${esc(share.text)}</span>${notCounted ? `<dl>${notCounted}</dl>` : ''}`;
  const s = share.share;
  const behaviour = share.answer.behaviourPpm;
  return `<dl data-field="share-status" data-value="verified">
    <dt>Verified</dt><dd class="ok">against batch #${s.batch}'s committed root <span class="mono">${esc(short(share.root ?? share.answer.commitment.root))}</span></dd>
    <dt>Weight</dt><dd data-field="weight" data-value="${s.weight}">${count(s.weight.toString())} of ${count(s.total.toString())} (${count(s.leaves.toString())} cars)</dd>
    <dt>Share</dt><dd data-field="share" data-value="${s.share.toNumber()}">${esc(percent(s.share.toNumber()))}</dd>
    <dt>Chance to win</dt><dd data-field="win-chance" data-value="${s.winChance.toNumber()}">${esc(percent(s.winChance.toNumber()))} <span class="muted">(${s.winnersPerBatch} winners a batch)</span></dd>
    <dt>Expected</dt><dd>${amount('expected', s.expectedPerBatch.toBigInt())} a batch</dd>
    ${behaviour === undefined ? '' : `<dt>Behaviour factor</dt><dd data-field="behaviour" data-value="${behaviour}">${esc(percent(behaviour * 1000))} <span class="muted">(traffic violations and claims; applied by the operators, never on chain)</span></dd>`}
    ${notCounted}
  </dl>`;
}

const SHARE_ERRORS = {
  NoRoot: 'The batch has no accepted root (not committed yet, no majority, or too old).',
  InvalidProof: 'The leaf and proof do not verify against the batch\'s accepted root.'
};

async function checkShare (vehicle) {
  const { api, provider } = state;
  const set = (value) => { state.shares.set(vehicle, value); cars().catch((e) => renderError('cars', e)); };
  const entry = logEntry('share', `Share of car ${short(vehicle)}`);
  try {
    set({ status: 'pending', text: 'waiting for your signature of the proof request…' });
    entry.update('signing', 'waiting for your signature of the proof request…');
    const { signer } = await web3FromAddress(state.address);
    const validUntil = Date.now() + PROOF_REQUEST_VALID_MS;
    const message = u8aConcat(stringToU8a(PROOF_REQUEST_TAG), api.genesisHash.toU8a(), hexToU8a(vehicle), bnToU8a(validUntil, { bitLength: 64, isLe: true }));
    const { signature } = await signer.signRaw({ address: state.address, data: u8aToHex(message), type: 'bytes' });
    set({ status: 'pending', text: 'asking the operator\'s node for the proof…' });
    entry.update('pool', 'asking the operator\'s node for the proof…');
    const answer = await provider.send('mileage_proof', [vehicle, validUntil, signature]);
    if (answer.batch === null) {
      const why = 'No proof yet: no batch with this car has been committed by the operator (a new car joins within a few batches).';
      set({ status: 'none', text: why, answer });
      entry.update('done', why);
      return;
    }
    const result = await api.call.mileageApi.share(answer.batch, answer.leaf, answer.leafSalt, {
      leafIndex: answer.proof.leafIndex,
      siblings: answer.proof.siblings.map(({ hash, sum }) => ({ hash, sum }))
    });
    if (result.isErr) {
      const why = `mileageApi.${result.asErr.type}: ${SHARE_ERRORS[result.asErr.type] ?? words(result.asErr.type)}`;
      set({ status: 'error', text: why });
      entry.update('error', why);
      return;
    }
    const recent = await api.call.mileageApi.recentBatches(144);
    const root = recent.find((b) => b.batch.toNumber() === answer.batch)?.root.unwrapOr(null)?.toHex();
    set({ status: 'ok', share: result.asOk, answer, root });
    entry.update('done', `verified against batch #${answer.batch}: share ${percent(result.asOk.share.toNumber())}, chance ${percent(result.asOk.winChance.toNumber())}`);
  } catch (error) {
    const why = String(error?.message ?? error).replace(/^-?\d+:\s*/, '');
    set({ status: 'error', text: why });
    entry.update('error', why);
  }
}

async function batches () {
  const { api } = state;
  const [inFlight, recent] = await Promise.all([api.call.mileageApi.batches(), api.call.mileageApi.recentBatches(RECENT_BATCHES)]);
  let myTotal = 0n;
  const recentRows = recent.map((b) => {
    const mine = b.winners.filter((w) => isMe(w.owner));
    const won = mine.reduce((sum, w) => sum + w.amount.toBigInt(), 0n);
    myTotal += won;
    return `<tr data-batch="${b.batch}" class="${mine.length ? 'win' : ''}">
      <td data-label="Batch">#${count(b.batch.toString())}</td><td data-label="Block">#${count(b.block.toString())}</td>
      <td data-label="Paid">${esc(stone(b.amount.toBigInt()))}</td><td data-label="Cars">${count(b.leaves.toString())}</td>
      <td data-label="Winners">${b.winners.length}${b.root.isNone ? ' <span class="muted">(no committed root: carried over)</span>' : ''}</td>
      <td data-label="My wins" data-field="my-win" data-value="${won}">${mine.length ? `<span class="ok">won ${esc(stone(won))}</span>` : '—'}</td></tr>`;
  }).join('');
  const flightRows = inFlight.map((b) => {
    const until = b.deadline.toNumber();
    const left = Math.max(0, until - state.best);
    const open = b.slots.filter((s) => s.open.isTrue).length;
    const phase = b.phase.isCommitting ? `operators commit (${b.committed.length} so far)` : b.phase.isAccepted ? 'root accepted: points drawn in the next block' : `drawn: ${open} of ${b.slots.length} proofs awaited`;
    return `<tr data-in-flight="${b.batch}"><td data-label="Batch">#${count(b.batch.toString())}</td><td data-label="Carries">${esc(stone(b.amount.toBigInt()))}</td>
      <td data-label="Phase">${esc(phase)}</td><td data-label="Until">block #${count(until)} <progress max="50" value="${Math.max(0, 50 - left)}"></progress></td></tr>`;
  }).join('');
  render('batches', `
    <p>My wins in the last ${recent.length} batches: ${amount('my-wins-total', myTotal)}</p>
    ${inFlight.length ? `<h3>In the draw now</h3><table class="stack"><thead><tr><th>Batch</th><th>Carries</th><th>Phase</th><th>Until</th></tr></thead><tbody>${flightRows}</tbody></table>` : ''}
    <h3>Finished</h3>
    ${recent.length ? `<table class="stack"><thead><tr><th>Batch</th><th>Block</th><th>Paid</th><th>Cars</th><th>Winners</th><th>My wins</th></tr></thead><tbody>${recentRows}</tbody></table>` : '<p class="muted">No batch has finished yet.</p>'}`);
}

async function crystals () {
  const { api } = state;
  const [holdings, tables, perStone, ownsCar] = await Promise.all([
    api.call.crystalsApi.holdings(state.address),
    api.call.crystalsApi.prizeTables(),
    api.call.crystalsApi.piecesPerStone(),
    api.query.mileage.vehiclesOf.keys(state.address).then((keys) => keys.length > 0)
  ]);
  const eggs = new Map(holdings.eggs.map(([kind, n]) => [kind.toNumber(), n.toNumber()]));
  const pieces = holdings.pieces.toNumber();
  const boxes = tables.map((t) => {
    const kind = t.kind.toNumber();
    const winnable = (slot) => !slot.prize.isStones || ownsCar;
    const total = t.prizes.filter(winnable).reduce((sum, slot) => sum + slot.stock.toNumber(), 0);
    const rows = t.prizes.map((slot, i) => {
      const stock = slot.stock.toNumber();
      const odds = winnable(slot) ? (total ? `${(100 * stock / total).toFixed(2)} %` : '0 %') : 'only for car owners';
      return `<tr data-prize-index="${i}"><td data-label="Prize">${esc(prizeText(slot.prize))}</td><td data-label="Left" data-field="stock" data-value="${stock}">${count(stock)}</td><td data-label="Your odds" data-field="odds">${odds}</td></tr>`;
    }).join('');
    const price = t.price.isSome ? `${count(t.price.unwrap().toString())} crystals` : 'eggs only';
    const myEggs = eggs.get(kind) ?? 0;
    return `<div data-box="${kind}">
      <h3>${esc(text(t.name))} <span class="muted">(${price}${myEggs ? `; you hold ${myEggs} egg${myEggs > 1 ? 's' : ''}` : ''})</span></h3>
      <table class="stack"><thead><tr><th>Prize</th><th>Left</th><th>Your odds</th></tr></thead><tbody>${rows}</tbody></table>
      <div class="row"><button data-action="open-box" data-kind="${kind}">${myEggs ? 'Open with an egg' : 'Open a box'}</button></div>
    </div>`;
  }).join('');
  const pending = holdings.pending.map((p) => {
    const at = p.drawsAt.toNumber();
    return `<li data-pending="${p.request}">box #${p.request} (kind ${p.kind}, ${p.withEgg.isTrue ? 'egg' : 'crystals'}): drawn at the end of block #${count(at)} <progress max="2" value="${Math.max(0, 2 - (at - state.best))}"></progress></li>`;
  }).join('');
  const prizes = state.prizes.map((p) => `<li data-prize-request="${p.request}">box #${p.request} (kind ${p.kind}), block #${count(p.block)}: <span class="outcome">${esc(p.text)}</span></li>`).join('');
  render('crystals', `
    <dl>
      <dt>Crystals</dt><dd data-field="crystals" data-value="${holdings.crystals}">${count(holdings.crystals.toString())}</dd>
      <dt>Eggs</dt><dd data-field="eggs">${eggs.size ? [...eggs].map(([k, n]) => `${n} of kind ${k}`).join(', ') : 'none'}</dd>
      <dt>Stone pieces</dt><dd><span data-field="pieces" data-value="${pieces}">${count(pieces)}</span> <span class="muted">(${perStone} make a Stone)</span>
        <button class="secondary" data-action="combine" ${pieces >= perStone.toNumber() ? '' : 'disabled'}>Combine into ${Math.floor(pieces / perStone.toNumber())} Stone(s)</button></dd>
    </dl>
    ${pending ? `<h3>Being drawn</h3><ul>${pending}</ul>` : ''}
    ${prizes ? `<h3>My prizes</h3><ul>${prizes}</ul>` : ''}
    ${boxes || '<p class="muted">No boxes are on offer.</p>'}`);
}

async function collectibles () {
  const { api } = state;
  const [owned, featured, auctions] = await Promise.all([
    api.query.nfts.account.keys(state.address),
    api.query.collectibles.featuredIn.keys(state.address),
    api.query.collectibles.auctions.entries()
  ]);
  const artworkIds = new Set([
    ...owned.map(({ args }) => args[1].toNumber()),
    ...featured.map(({ args }) => args[1].toNumber()),
    ...auctions.map(([, a]) => a.unwrap().artwork.toNumber())
  ]);
  const artworks = new Map(await Promise.all([...artworkIds].map(async (id) => [id, (await api.query.collectibles.artworks(id)).unwrapOr(null)])));
  const title = (id) => (artworks.get(id) ? text(artworks.get(id).title) : `artwork ${id}`);
  const mine = await Promise.all(owned.map(async ({ args }) => {
    const [artwork, edition] = [args[1].toNumber(), args[2].toNumber()];
    const listed = await api.query.collectibles.listed(artwork, edition);
    const art = artworks.get(artwork);
    return `<li data-edition="${artwork}/${edition}"><strong>${esc(title(artwork))}</strong>, edition ${edition + 1} of ${art ? art.editions : '?'}${art ? ` <span class="muted">(${esc(words(art.mediaKind.type))})</span>` : ''}${listed.isSome ? ` — in auction #${listed.unwrap()}` : ''}</li>`;
  }));
  const credits = featured.map(({ args }) => `<li data-featured="${args[1]}">${esc(title(args[1].toNumber()))}</li>`).join('');
  const rows = auctions.sort(([a], [b]) => a.args[0].toNumber() - b.args[0].toNumber()).map(([key, value]) => {
    const id = key.args[0].toNumber();
    const a = value.unwrap();
    const end = a.end.toNumber();
    const highest = a.highest.unwrapOr(null);
    const minimum = highest ? highest.amount.toBigInt() + a.minIncrement.toBigInt() : a.reserve.toBigInt();
    const ended = end < state.best;
    return `<tr data-auction="${id}">
      <td data-label="Auction">#${id}: ${esc(title(a.artwork.toNumber()))}, edition ${a.edition.toNumber() + 1}</td>
      <td data-label="Ends" data-field="end" data-value="${end}">${ended ? 'ended, settling' : `block #${count(end)} (in ~${inDuration((end - state.best) * BLOCK_MS)})`}</td>
      <td data-label="Highest bid">${highest ? `${amount('highest', highest.amount.toBigInt())} by <span data-field="bidder" class="${isMe(highest.bidder) ? 'ok' : ''}">${isMe(highest.bidder) ? 'you' : esc(short(highest.bidder.toString()))}</span>` : `<span data-field="highest" data-value="0">no bid yet</span> (reserve ${esc(stone(a.reserve.toBigInt()))})`}</td>
      <td data-label="Your bid"><div class="row"><input data-input="bid-${id}" inputmode="decimal" size="10" placeholder="${esc(amountOnly(minimum))}"><button data-action="bid" data-auction="${id}">Bid</button></div>
        <span class="muted">at least <span data-field="minimum" data-value="${minimum}">${esc(stone(minimum))}</span></span></td></tr>`;
  }).join('');
  render('collectibles', `
    <h3>My collectibles</h3>${mine.length ? `<ul>${mine.join('')}</ul>` : '<p class="muted">None yet.</p>'}
    ${credits ? `<h3>Artworks featuring me</h3><ul>${credits}</ul>` : ''}
    <h3>Live auctions</h3>
    ${rows ? `<table class="stack"><thead><tr><th>Auction</th><th>Ends</th><th>Highest bid</th><th>Your bid</th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="muted" data-field="no-auctions">No auction is running.</p>'}`);
}

let catalogueNames = new Map();

function eligibilityText (e) {
  return e.isAnyone ? 'anyone' : `owners of a car registered ${e.asVehicleRegisteredDays} days or more`;
}

async function catalogue () {
  const entries = await state.api.call.redemptionApi.catalogue(state.address);
  catalogueNames = new Map(entries.map((e) => [e.id.toNumber(), text(e.spec.name)]));
  const rows = entries.map((e) => {
    const id = e.id.toNumber();
    const s = e.spec;
    const cash = s.cash.unwrapOr(null);
    const refusal = e.refusal.unwrapOr(null);
    return `<tr data-item="${id}">
      <td data-label="Item"><strong>${esc(text(s.name))}</strong><br><span class="muted">${esc(words(s.category.type))}</span></td>
      <td data-label="Price">${amount('price', s.price.toBigInt())}${cash ? ` + ${esc((Number(cash.amount.toBigInt()) / 100).toLocaleString())} ${esc(text(cash.currency.toU8a ? new TextDecoder().decode(cash.currency.toU8a()) : cash.currency))} <span class="muted">(paid off chain)</span>` : ''}</td>
      <td data-label="Stock" data-field="stock" data-value="${s.stock}">${count(s.stock.toString())}</td>
      <td data-label="Who may">${esc(eligibilityText(s.eligibility))}${s.perAccount.toNumber() ? `, ${s.perAccount} per account` : ''}</td>
      <td data-label="You" data-field="eligibility" data-value="${refusal ? refusal.type : 'eligible'}">${refusal ? `<span class="bad">${esc(words(refusal.type))}: ${esc(errorDocs('redemption', refusal.type))}</span>` : '<span class="ok">you can redeem it</span>'}${e.redeemed.toNumber() ? ` <span class="muted">(you have ${e.redeemed})</span>` : ''}</td>
      <td data-label=""><button data-action="redeem" data-item="${id}">Redeem</button></td></tr>`;
  }).join('');
  render('catalogue', rows
    ? `<table class="stack"><thead><tr><th>Item</th><th>Price</th><th>Stock</th><th>Who may</th><th>You</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="muted">The catalogue is empty.</p>');
}

const ORDER_STATES = {
  Open: 'placed, Stones held: the service desk has yet to accept it',
  Accepted: 'accepted by the service desk',
  Fulfilled: 'delivered; the Stones were burned',
  Rejected: 'refused by the desk; Stones released',
  Cancelled: 'cancelled; Stones released',
  Expired: 'not accepted in time; Stones released'
};

async function orders () {
  const list = await state.api.call.redemptionApi.ordersOf(state.address);
  const rows = list.map(([id, o]) => `<tr data-order="${id}">
    <td data-label="Order">#${id}</td>
    <td data-label="Item">${esc(catalogueNames.get(o.item.toNumber()) ?? `item ${o.item}`)}</td>
    <td data-label="Price">${amount('price', o.price.toBigInt())}</td>
    <td data-label="State" data-field="state" data-value="${o.state.type}"><strong>${esc(o.state.type)}</strong>: ${esc(ORDER_STATES[o.state.type] ?? '')}</td>
    <td data-label="Placed">block #${count(o.placedAt.toString())}${o.state.isOpen ? `, expires at #${count(o.expiresAt.toString())}` : ''}</td>
    <td data-label="">${o.state.isOpen ? `<button class="secondary" data-action="cancel" data-order="${id}">Cancel</button>` : ''}</td></tr>`).join('');
  render('orders', rows
    ? `<table class="stack"><thead><tr><th>Order</th><th>Item</th><th>Price</th><th>State</th><th>Placed</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="muted" data-field="no-orders">No orders yet.</p>');
}

// ---- refreshing --------------------------------------------------------------------------------

const SECTIONS = { balance, schedule, cars, batches, crystals, collectibles, catalogue, orders };
let refreshing = null;
let again = false;

async function refresh () {
  if (!state.api || !state.address) return;
  if (refreshing) { again = true; return refreshing; }
  refreshing = (async () => {
    do {
      again = false;
      const address = state.address;
      await catalogue().catch((e) => renderError('catalogue', e));
      await Promise.all(Object.entries(SECTIONS).filter(([id]) => id !== 'catalogue')
        .map(([id, load]) => load().catch((e) => renderError(id, e))));
      if (address !== state.address) again = true;
    } while (again);
    document.body.dataset.refreshedAt = String(state.best);
  })().finally(() => { refreshing = null; });
  return refreshing;
}

// A new block: its events for this account (box prizes, wins, outbids), then every section again.
async function onBlock (header) {
  state.best = header.number.toNumber();
  showConnection();
  if (state.address) {
    try {
      const events = await (await state.api.at(header.hash)).query.system.events();
      for (const { event } of events) {
        const { api } = state;
        if ((api.events.crystals.BoxOpened.is(event) || api.events.crystals.OpenRefunded.is(event)) && isMe(event.data.who)) {
          const request = event.data.request.toString();
          const won = api.events.crystals.BoxOpened.is(event) ? `won ${prizeText(event.data.prize)}` : 'nothing left you could win: your payment was given back';
          if (!state.prizes.some((p) => p.request === request)) {
            state.prizes.unshift({ request, kind: event.data.kind.toString(), block: state.best, text: won });
          }
          state.openings.get(request)?.outcome(`box #${request} drawn in block #${state.best}: ${won}`, 'drawn');
        } else if (api.events.mileage.VehicleWon.is(event) && isMe(event.data.owner)) {
          note('won', `Your car ${short(event.data.vehicle.toHex())} won ${stone(event.data.amount.toBigInt())} in batch #${event.data.batch}`);
        } else if (api.events.collectibles.Outbid.is(event) && isMe(event.data.bidder ?? event.data.who)) {
          note('outbid', `You were outbid in auction #${event.data.auction}; your bid was released`);
        }
      }
    } catch (error) {
      console.warn('events of block', state.best, error);
    }
  }
  refresh();
}

function showConnection () {
  $('#connection').textContent = `${RPC} · block #${count(state.best)} · finalized #${count(state.finalized)}`;
  $('#connection').dataset.best = String(state.best);
}

// ---- actions ---------------------------------------------------------------------------------------

document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button || !state.api || !state.address) return;
  const { api } = state;
  const input = (name) => document.querySelector(`input[data-input="${name}"]`)?.value ?? '';
  switch (button.dataset.action) {
    case 'share':
      checkShare(button.dataset.vehicle);
      break;
    case 'pass-on': {
      const vehicle = button.dataset.vehicle;
      const to = input(`pass-${vehicle}`).trim();
      act('pass-on', `Pass car ${short(vehicle)} on to ${short(to)}`, () => {
        try { decodeAddress(to); } catch { throw new Error(`"${to}" is not an account address`); }
        return api.tx.mileage.transferVehicle(vehicle, to);
      });
      break;
    }
    case 'open-box': {
      const kind = Number(button.dataset.kind);
      act('open-box', `Open a box of kind ${kind}`, () => api.tx.crystals.openBox(kind), (events, entry) => {
        const [requested] = eventsOf(events, 'crystals', 'OpenRequested').filter((d) => isMe(d.who));
        if (!requested) return;
        const request = requested.request.toString();
        entry.li.dataset.request = request;
        if (!state.prizes.some((p) => p.request === request)) {
          entry.outcome(`box #${request}: drawn at the end of block #${requested.drawsAt}…`, 'waiting');
        }
        state.openings.set(request, entry);
        const drawn = state.prizes.find((p) => p.request === request);
        if (drawn) entry.outcome(`box #${request} drawn in block #${drawn.block}: ${drawn.text}`, 'drawn');
      });
      break;
    }
    case 'combine':
      act('combine', 'Combine Stone pieces', () => api.tx.crystals.combinePieces(), (events, entry) => {
        const [combined] = eventsOf(events, 'crystals', 'PiecesCombined');
        if (combined) entry.outcome(`${combined.pieces} pieces became ${stone(combined.stones.toBigInt())}`, 'done');
      });
      break;
    case 'bid': {
      const auction = Number(button.dataset.auction);
      const typed = input(`bid-${auction}`);
      act('bid', `Bid ${typed} ${tokenSymbol()} in auction #${auction}`, () => api.tx.collectibles.bid(auction, parseStone(typed)), (events, entry) => {
        const extended = eventsOf(events, 'collectibles', 'AuctionExtended');
        entry.outcome(`your bid of ${stone(parseStone(typed))} is the highest${extended.length ? `; the auction now ends at block #${extended[0].end}` : ''}`, 'done');
      });
      break;
    }
    case 'redeem': {
      const item = Number(button.dataset.item);
      act('redeem', `Redeem ${catalogueNames.get(item) ?? `item ${item}`}`, () => api.tx.redemption.redeem(item), (events, entry) => {
        const [redeemed] = eventsOf(events, 'redemption', 'Redeemed');
        const [delivered] = eventsOf(events, 'redemption', 'CollectibleDelivered');
        const order = redeemed?.order ?? delivered?.order;
        entry.li.dataset.order = order?.toString() ?? '';
        entry.outcome(delivered
          ? `order #${order}: edition ${delivered.edition.toNumber() + 1} is yours, ${stone(redeemed?.price?.toBigInt() ?? 0n)} burned`
          : `order #${order} placed: ${stone(redeemed.price.toBigInt())} held until the service desk fulfils it`, 'done');
      });
      break;
    }
    case 'cancel': {
      const order = Number(button.dataset.order);
      act('cancel', `Cancel order #${order}`, () => api.tx.redemption.cancel(order), (events, entry) => entry.outcome(`order #${order} cancelled; Stones released`, 'done'));
      break;
    }
  }
});

// ---- start -------------------------------------------------------------------------------------------

function showAccounts () {
  const select = $('#account');
  if (state.accounts.length === 0) {
    select.innerHTML = '<option>no account: add one in the polkadot.js extension</option>';
    select.disabled = true;
    return;
  }
  select.innerHTML = state.accounts.map((a) => `<option value="${esc(a.address)}">${esc(a.meta.name ?? 'account')} — ${esc(short(a.address, 6))}</option>`).join('');
  select.disabled = false;
  if (!state.accounts.some((a) => a.address === state.address)) state.address = state.accounts[0].address;
  select.value = state.address;
  document.body.dataset.account = state.address;
}

$('#account').addEventListener('change', (event) => {
  state.address = event.target.value;
  document.body.dataset.account = state.address;
  state.shares.clear();
  state.prizes = [];
  state.openings.clear();
  rendered.clear();
  for (const id of Object.keys(SECTIONS)) $(`#${id} .body`).innerHTML = '<span class="muted">loading…</span>';
  refresh();
});

async function start () {
  state.provider = new WsProvider(RPC, 2_000);
  state.provider.on('disconnected', () => { $('#connection').textContent = `${RPC}: disconnected, reconnecting…`; });
  const extensions = await web3Enable('IM Valley');
  if (extensions.length === 0) {
    note('extension', 'No polkadot.js extension found (or access was refused): install it and allow this page to see your accounts to sign.');
  } else {
    await web3AccountsSubscribe((accounts) => {
      state.accounts = accounts;
      showAccounts();
      refresh();
    });
  }
  state.api = await ApiPromise.create({ provider: state.provider, noInitWarn: true, signedExtensions: SIGNED_EXTENSIONS });
  setSymbol(state.api.registry.chainTokens[0]);
  document.body.dataset.ready = 'true';
  await state.api.rpc.chain.subscribeFinalizedHeads((header) => { state.finalized = header.number.toNumber(); showConnection(); });
  await state.api.rpc.chain.subscribeNewHeads(onBlock);
}

start().catch((error) => {
  $('#connection').textContent = `could not connect to ${RPC}: ${error.message}`;
});

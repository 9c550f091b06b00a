// Collectibles as collectors, artists and charities see them through @polkadot/api: the genesis
// artwork, the admin minting an artwork with co-creators, an English auction in Stones with held
// bids (the outbid bid released at once, a last-minute bid moving the end), settlement with a
// share to a charity, the winner owning the NFT in `nfts` storage, and a donation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToString } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { startNode, sendAndInclude as send, waitFor } from './harness.js';

const UNIT = 10n ** 12n;
const GREEN_ROADS = 0; // the development chains' charity (Eve's account)
let node;
let k;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  k = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']
    .map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`)]));
  node = await startNode('collectibles', ['--dev']);
});

after(async () => {
  await node?.stop();
});

const named = (api, events, section, method) =>
  events.filter(({ event }) => api.events[section][method].is(event)).map(({ event }) => event.data);

const ownerOf = async (api, collection, item) =>
  (await api.query.nfts.item(collection, item)).unwrap().owner.toString();

const held = async (api, who) =>
  (await api.query.balances.holds(who))
    .filter((h) => h.id.isCollectibles && h.id.asCollectibles.isAuctionBid)
    .reduce((sum, h) => sum + h.amount.toBigInt(), 0n);

const free = async (api, who) => (await api.query.system.account(who)).data.free.toBigInt();

test('the development chain ships "IM Crossing: The New Totem" as its first artwork', async () => {
  const { api } = node;
  const artwork = (await api.query.collectibles.artworks(0)).unwrap();
  assert.equal(u8aToString(artwork.title), 'IM Crossing: The New Totem');
  assert.ok(artwork.mediaKind.isVideo);
  assert.ok(artwork.coCreators.length >= 3, 'owners whose pictures make the totem are credited');
  // Its facts are in the NFT ledger's pallet namespace, which no owner can change.
  const kind = await api.query.nfts.attribute(0, null, 'Pallet', 'media_kind');
  assert.equal(u8aToString(kind.unwrap()[0]), 'video');
  assert.equal(await ownerOf(api, 0, 0), k.alice.address);
  const charity = (await api.query.collectibles.charities(GREEN_ROADS)).unwrap();
  assert.equal(charity.account.toString(), k.eve.address);
  assert.ok(charity.active.isTrue);
});

test('an auction in Stones: held bids, an outbid bid released, a late bid extending, a charity share', async () => {
  const { api } = node;
  const sudo = (call) => send(api, api.tx.sudo.sudo(call), k.alice);

  // The admin approves Dave as an artist and mints his artwork, featuring Charlie and Ferdie,
  // in two editions to Alice.
  await sudo(api.tx.collectibles.setArtist(k.dave.address, true));
  const minted = named(api, await sudo(api.tx.collectibles.mintArtwork(
    k.alice.address,
    { title: 'MOVING ART: Shanghai by night', mediaHash: blake2AsHex('video bytes'), mediaKind: 'Video', uri: 'ipfs://moving-art' },
    [k.dave.address],
    [k.charlie.address, k.ferdie.address],
    2
  )), 'collectibles', 'ArtworkMinted');
  assert.equal(minted.length, 1);
  const artwork = minted[0].artwork.toNumber();
  const featured = await api.query.collectibles.featuredIn.keys(k.charlie.address);
  assert.ok(featured.some(({ args: [, id] }) => id.toNumber() === artwork), 'Charlie is credited');

  // Alice lists edition 0: 30 % to Green Roads, the rest to the artist; ending in 10 blocks.
  const listedEvents = await send(api, api.tx.collectibles.createAuction(
    artwork, 0, 10n * UNIT, UNIT, 10, GREEN_ROADS, 300_000, 'Artists'
  ), k.alice);
  const [created] = named(api, listedEvents, 'collectibles', 'AuctionCreated');
  const auction = created.auction.toNumber();
  const firstEnd = created.end.toNumber();
  // Locked while listed: it cannot be given away (the NFT ledger's lock holds it too).
  await assert.rejects(
    send(api, api.tx.collectibles.transfer(artwork, 0, k.bob.address), k.alice),
    /collectibles\.AlreadyListed/
  );
  assert.equal(api.tx.nfts, undefined, 'the NFT ledger has no calls of its own');
  await assert.rejects(
    send(api, api.tx.collectibles.bid(auction, 9n * UNIT), k.bob),
    /collectibles\.BidTooLow/
  );

  await send(api, api.tx.collectibles.bid(auction, 10n * UNIT), k.bob);
  assert.equal(await held(api, k.bob.address), 10n * UNIT);
  const bobBefore = await free(api, k.bob.address);
  const outbid = await send(api, api.tx.collectibles.bid(auction, 12n * UNIT), k.charlie);
  // The outbid bid is released in the same call.
  assert.equal(named(api, outbid, 'collectibles', 'Outbid').length, 1);
  assert.equal(await held(api, k.bob.address), 0n);
  assert.equal(await free(api, k.bob.address), bobBefore + 10n * UNIT);
  assert.equal(await held(api, k.charlie.address), 12n * UNIT);

  // A bid in the last two minutes moves the end.
  const late = await send(api, api.tx.collectibles.bid(auction, 13n * UNIT), k.bob);
  const [extended] = named(api, late, 'collectibles', 'AuctionExtended');
  assert.ok(extended, 'the end moved');
  const end = extended.end.toNumber();
  assert.ok(end > firstEnd);

  // It settles by itself at the start of the block after its end.
  const daveBefore = await free(api, k.dave.address);
  const eveBefore = await free(api, k.eve.address);
  await waitFor('the auction settled', async () =>
    (await api.query.collectibles.auctions(auction)).isNone, { timeoutMs: 240_000, everyMs: 3_000 });
  assert.equal(await ownerOf(api, artwork, 0), k.bob.address, 'the winner owns the NFT');
  assert.equal(await held(api, k.bob.address), 0n);
  const toCharity = 13n * UNIT * 3n / 10n;
  assert.equal(await free(api, k.eve.address), eveBefore + toCharity);
  assert.equal(await free(api, k.dave.address), daveBefore + 13n * UNIT - toCharity);
  const charity = (await api.query.collectibles.charities(GREEN_ROADS)).unwrap();
  assert.equal(charity.raised.toBigInt(), toCharity);

  // Alice donates the other edition to Green Roads.
  const donated = await send(api, api.tx.collectibles.donate(artwork, 1, GREEN_ROADS), k.alice);
  assert.equal(named(api, donated, 'collectibles', 'Donated').length, 1);
  assert.equal(await ownerOf(api, artwork, 1), k.eve.address);
  assert.equal((await api.query.collectibles.charities(GREEN_ROADS)).unwrap().donations.toNumber(), 1);
});

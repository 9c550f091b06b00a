//! Collectibles: artists the admin approves, artworks minted to owners (each the editions of a
//! collection of `pallet-nfts`, which has no calls of its own in this runtime), charities, English
//! auctions of editions for Stones (held bids, last-minute extensions, settled at the start of the
//! block after their end), donations and transfers of editions, charities' pots paid out.
//!
//! While Stone transfers are closed (the default), an auction's proceeds that are not a charity's
//! may go only to approved artists: auctions are listed mostly with the whole price to a charity,
//! or with the rest to the artwork's artists when the admin approved them all (to a seller that is
//! an approved artist now and then), and sometimes with the rest to a seller that is none
//! (refused while transfers are closed).
//!
//! The state stays small over a run: charities are registered while fewer than
//! `FEW_CHARITIES` are, artworks minted while fewer than `MANY_ARTWORKS` exist (one to three
//! editions, a few co-creators), and auctions mostly end within a minute or a few of being listed.

use frame_support::traits::{fungible::Inspect, tokens::nonfungibles_v2::InspectEnumerable, Get};
use valley_runtime::{
	AccountId, Balance, Balances, BlockNumber, Nfts, Runtime, RuntimeCall, EXISTENTIAL_DEPOSIT,
	MILLI_UNIT, UNIT,
};

use pallet_collectibles::{
	Artists, ArtworkId, ArtworkInput, Artworks, AuctionId, AuctionOf, Auctions, Charities,
	CharityCount, CharityId, Edition, Listed, MediaKind, NextAuctionId, Rest,
};

use crate::{
	actors::{Role, BOB},
	calls::{Attempt, Gen, Kind},
	World,
};

pub const GENS: &[Gen] = &[
	Gen { pallet: "Collectibles", weight: 3, kind: Kind::Admin, make: set_artist },
	Gen { pallet: "Collectibles", weight: 5, kind: Kind::Admin, make: mint_artwork },
	Gen { pallet: "Collectibles", weight: 3, kind: Kind::User, make: mint_by_artist },
	Gen { pallet: "Collectibles", weight: 2, kind: Kind::Admin, make: register_charity },
	Gen { pallet: "Collectibles", weight: 3, kind: Kind::Admin, make: set_charity_active },
	Gen { pallet: "Collectibles", weight: 25, kind: Kind::User, make: create_auction },
	Gen { pallet: "Collectibles", weight: 40, kind: Kind::User, make: bid },
	Gen { pallet: "Collectibles", weight: 3, kind: Kind::User, make: settle },
	Gen { pallet: "Collectibles", weight: 5, kind: Kind::User, make: cancel_auction },
	Gen { pallet: "Collectibles", weight: 5, kind: Kind::User, make: donate },
	Gen { pallet: "Collectibles", weight: 3, kind: Kind::User, make: pay_out_pot },
	Gen { pallet: "Collectibles", weight: 8, kind: Kind::User, make: transfer },
];

/// New charities are registered only while fewer than this many are (of the 256 allowed): the
/// admin's other attempts are refused (an empty or oversized name).
const FEW_CHARITIES: CharityId = 20;

/// New artworks are minted only while fewer than this many exist (they are never burned): the
/// other attempts have one input wrong.
const MANY_ARTWORKS: usize = 100;

/// The most blocks a short auction lasts beyond the shortest duration.
const SHORT: u64 = 40;

type Call = pallet_collectibles::Call<Runtime>;

fn collectibles(call: Call) -> RuntimeCall {
	RuntimeCall::Collectibles(call)
}

fn min_duration() -> BlockNumber {
	<Runtime as pallet_collectibles::Config>::MinDuration::get()
}

fn max_duration() -> BlockNumber {
	<Runtime as pallet_collectibles::Config>::MaxDuration::get()
}

fn string_limit() -> usize {
	<<Runtime as pallet_collectibles::Config>::StringLimit as Get<u32>>::get() as usize
}

/// An account nobody has seen.
fn unseen(w: &mut World) -> AccountId {
	AccountId::from(w.rng.bytes::<32>())
}

/// Up to `n` accounts of the actors of `pool`, none twice.
fn distinct(w: &mut World, mut pool: Vec<usize>, n: usize) -> Vec<AccountId> {
	let mut out = Vec::new();
	while out.len() < n && !pool.is_empty() {
		let i = w.rng.index(pool.len());
		out.push(w.actors.account(pool.swap_remove(i)));
	}
	out
}

// Artists and artworks.

/// The actors the admin approves as artists (and now and then withdraws): Bob and the first three
/// owners. Bob and the first owner are approved in the first block (`setup`).
fn artist_candidates(w: &World) -> Vec<usize> {
	let mut pool = vec![BOB];
	pool.extend(w.owners.iter().take(3));
	pool
}

/// The actors that are approved artists now.
fn approved_actors(w: &World) -> Vec<usize> {
	Artists::<Runtime>::iter_keys().filter_map(|who| w.actors.index_of(&who)).collect()
}

/// An artwork's artists: one or two approved artists (candidates, if none is approved now).
fn artists(w: &mut World) -> Vec<AccountId> {
	let mut pool = approved_actors(w);
	if pool.is_empty() {
		pool = artist_candidates(w);
	}
	let n = if w.rng.percent(70) { 1 } else { 2 };
	distinct(w, pool, n)
}

/// The community members an artwork credits: none to three owners or strangers, none twice.
fn co_creators(w: &mut World) -> Vec<AccountId> {
	let pool: Vec<usize> = w.owners.iter().chain(&w.strangers).copied().collect();
	let n = w.rng.below(4) as usize;
	distinct(w, pool, n)
}

/// Who receives a new artwork's editions: mostly an owner, now and then a development account or
/// any recipient.
fn artwork_owner(w: &mut World) -> AccountId {
	let i = match w.rng.below(10) {
		0..=6 => w.one_of(&w.owners.clone()),
		7..=8 => w.one_of(&w.actors.with_role(Role::Dev)),
		_ => return w.recipient(),
	};
	w.actors.account(i)
}

fn media_kind(w: &mut World) -> MediaKind {
	match w.rng.below(5) {
		0 => MediaKind::Video,
		1 => MediaKind::Image,
		2 => MediaKind::Audio,
		3 => MediaKind::Model,
		_ => MediaKind::Other,
	}
}

/// How many artworks exist: collections `0..n` of `pallet-nfts`, never burned.
fn artwork_count() -> usize {
	Artworks::<Runtime>::iter_keys().count()
}

/// A `mint_artwork` call of one to three editions to `owner`, by `artists`, crediting a few
/// co-creators: valid inputs if `valid` (a title at its bound now and then), otherwise one of
/// them wrong (no artists, too many or twice the same, too many co-creators or twice the same,
/// no editions or too many, an empty or oversized title or URI).
pub(super) fn mint_call(
	w: &mut World,
	owner: AccountId,
	artists: Vec<AccountId>,
	valid: bool,
) -> RuntimeCall {
	let limit = string_limit();
	let mut artists = artists;
	let mut co_creators = co_creators(w);
	let mut editions = w.rng.range(1, 3) as Edition;
	let mut title = if w.rng.one_in(20) {
		vec![b't'; limit]
	} else {
		format!("artwork {}", w.rng.below(1_000_000)).into_bytes()
	};
	let mut uri = format!("ipfs://im-valley/artwork/{}", w.rng.below(1_000_000)).into_bytes();
	if !valid {
		match w.rng.below(10) {
			0 => artists.clear(),
			1 => {
				let max = <<Runtime as pallet_collectibles::Config>::MaxArtists as Get<u32>>::get();
				artists = (0..=max).map(|_| unseen(w)).collect();
			},
			2 => {
				let twice = match artists.first() {
					Some(first) => first.clone(),
					None => unseen(w),
				};
				artists.push(twice.clone());
				artists.push(twice);
			},
			3 => {
				let max =
					<<Runtime as pallet_collectibles::Config>::MaxCoCreators as Get<u32>>::get();
				co_creators = (0..=max).map(|_| unseen(w)).collect();
			},
			4 => {
				let twice = {
					let i = w.one_of(&w.strangers.clone());
					w.actors.account(i)
				};
				co_creators.push(twice.clone());
				co_creators.push(twice);
			},
			5 => editions = 0,
			6 if w.rng.one_in(4) => editions = Edition::MAX,
			6 => {
				editions =
					<<Runtime as pallet_collectibles::Config>::MaxEditions as Get<u32>>::get() + 1
			},
			7 => title.clear(),
			8 => title = vec![b't'; limit + 1],
			_ if w.rng.percent(50) => uri.clear(),
			_ => uri = vec![b'u'; limit + 1],
		}
	}
	let artwork = ArtworkInput { title, media_hash: w.rng.bytes(), media_kind: media_kind(w), uri };
	collectibles(Call::mint_artwork { owner, artwork, artists, co_creators, editions })
}

/// The first block's collectibles (root's calls): Bob and the first owner approved as artists,
/// two charities besides the genesis one (a stranger's account, and one nobody has seen: small
/// shares of it wait in its pot), and six artworks minted to owners by those artists.
pub(super) fn setup(w: &mut World) -> Vec<RuntimeCall> {
	let approved = [w.actors.account(BOB), w.actors.account(w.owners[0])];
	let mut calls: Vec<RuntimeCall> = approved
		.iter()
		.map(|who| collectibles(Call::set_artist { who: who.clone(), approved: true }))
		.collect();
	let stranger = {
		let i = w.one_of(&w.strangers.clone());
		w.actors.account(i)
	};
	let nobody = unseen(w);
	for (n, account) in [stranger, nobody].into_iter().enumerate() {
		let name = format!("charity {n}").into_bytes();
		calls.push(collectibles(Call::register_charity { name, account }));
	}
	for n in 0..6 {
		let owner = {
			let i = w.one_of(&w.owners.clone());
			w.actors.account(i)
		};
		let artists = match n % 3 {
			0 => vec![approved[0].clone()],
			1 => vec![approved[1].clone()],
			_ => approved.to_vec(),
		};
		calls.push(mint_call(w, owner, artists, true));
	}
	calls
}

fn set_artist(w: &mut World) -> Option<Attempt> {
	let who = if w.rng.percent(85) {
		let i = w.one_of(&artist_candidates(w));
		w.actors.account(i)
	} else {
		w.recipient()
	};
	// Mostly approvals, so that most candidates are artists at any time.
	let approved = w.rng.percent(75);
	w.admin(collectibles(Call::set_artist { who, approved }))
}

fn mint_artwork(w: &mut World) -> Option<Attempt> {
	let valid = w.rng.percent(75) && artwork_count() < MANY_ARTWORKS;
	let owner = artwork_owner(w);
	let artists = artists(w);
	let call = mint_call(w, owner, artists, valid);
	w.admin(call)
}

fn mint_by_artist(w: &mut World) -> Option<Attempt> {
	// Mostly an approved artist minting its own work (now and then with another artist), to an
	// owner or itself; now and then an actor that is no artist (`NotArtist`).
	let approved = approved_actors(w);
	let artist = match w.rng.pick(&approved) {
		Some(i) if w.rng.percent(85) => *i,
		_ => w.anyone(),
	};
	let others: Vec<usize> = approved.iter().copied().filter(|i| *i != artist).collect();
	let mut artists = vec![w.actors.account(artist)];
	if w.rng.percent(30) {
		artists.extend(distinct(w, others, 1));
	}
	let owner = if w.rng.percent(30) { w.actors.account(artist) } else { artwork_owner(w) };
	let valid = w.rng.percent(75) && artwork_count() < MANY_ARTWORKS;
	let call = mint_call(w, owner, artists, valid);
	w.by(artist, call)
}

// Charities.

/// The charities that auctions and donations may name now.
fn active_charities() -> Vec<CharityId> {
	Charities::<Runtime>::iter().filter(|(_, c)| c.active).map(|(id, _)| id).collect()
}

/// A charity no auction or donation may name: an inactive one, or one never registered.
fn spoiled_charity(w: &mut World) -> CharityId {
	let inactive: Vec<CharityId> =
		Charities::<Runtime>::iter().filter(|(_, c)| !c.active).map(|(id, _)| id).collect();
	match w.rng.pick(&inactive).copied() {
		Some(id) if w.rng.percent(60) => id,
		_ if w.rng.one_in(10) => CharityId::MAX,
		_ => CharityCount::<Runtime>::get().saturating_add(w.rng.below(3) as CharityId),
	}
}

/// A charity to name: mostly an active one.
fn charity_id(w: &mut World) -> CharityId {
	let active = active_charities();
	match w.rng.pick(&active).copied() {
		Some(id) if w.rng.percent(85) => id,
		_ => spoiled_charity(w),
	}
}

/// A registered charity (active or not), now and then one never registered.
fn registered_charity(w: &mut World) -> CharityId {
	let count = CharityCount::<Runtime>::get();
	if w.rng.one_in(10) {
		count.saturating_add(w.rng.below(3) as CharityId)
	} else {
		w.rng.below(u64::from(count)) as CharityId
	}
}

/// A charity's account: mostly a stranger's (no Stones: a share too small to create it waits in
/// the charity's pot; donated editions stay with an actor that can list them), now and then
/// anyone's, or one nobody has seen.
fn charity_account(w: &mut World) -> AccountId {
	if w.rng.percent(60) {
		let i = w.one_of(&w.strangers.clone());
		w.actors.account(i)
	} else {
		w.recipient()
	}
}

fn register_charity(w: &mut World) -> Option<Attempt> {
	// Only while few are registered (`MaxCharities` is 256 and charities are never removed);
	// beyond, a name that is refused.
	let few = CharityCount::<Runtime>::get() < FEW_CHARITIES;
	let limit = string_limit();
	let name = match (few, w.rng.below(10)) {
		(true, 0) | (false, 0..=4) => Vec::new(),
		(true, 1) | (false, _) => vec![b'c'; limit + 1],
		(true, 2) => vec![b'c'; limit],
		(true, _) => format!("charity {}", w.rng.below(1_000)).into_bytes(),
	};
	let account = charity_account(w);
	w.admin(collectibles(Call::register_charity { name, account }))
}

fn set_charity_active(w: &mut World) -> Option<Attempt> {
	let charity = registered_charity(w);
	// Mostly activations, so that most charities stay active.
	let active = w.rng.percent(70);
	w.admin(collectibles(Call::set_charity_active { charity, active }))
}

fn pay_out_pot(w: &mut World) -> Option<Attempt> {
	// Mostly a charity with a pot (paid once the pot can create its account, or the account
	// exists: `PotTooSmall` otherwise), by anyone.
	let pots: Vec<CharityId> =
		Charities::<Runtime>::iter().filter(|(_, c)| c.pot > 0).map(|(id, _)| id).collect();
	let charity = match w.rng.pick(&pots).copied() {
		Some(id) if w.rng.percent(80) => id,
		_ => registered_charity(w),
	};
	let who = w.anyone();
	w.by(who, collectibles(Call::pay_out_pot { charity }))
}

// Editions and auctions.

/// The editions actor `who` owns, in auctions or not.
fn owned(w: &World, who: usize) -> Vec<(ArtworkId, Edition)> {
	<Nfts as InspectEnumerable<AccountId>>::owned(&w.actors.account(who)).collect()
}

/// An actor owning an edition that is in no auction, and the edition, if any actor has one.
fn free_edition(w: &mut World) -> Option<(usize, ArtworkId, Edition)> {
	let mut holders: Vec<usize> = (0..w.actors.count())
		.filter(|i| {
			<Nfts as InspectEnumerable<AccountId>>::owned(&w.actors.account(*i)).next().is_some()
		})
		.collect();
	while !holders.is_empty() {
		let who = holders.swap_remove(w.rng.index(holders.len()));
		let free: Vec<(ArtworkId, Edition)> = owned(w, who)
			.into_iter()
			.filter(|(artwork, edition)| !Listed::<Runtime>::contains_key(artwork, edition))
			.collect();
		if let Some((artwork, edition)) = w.rng.pick(&free).copied() {
			return Some((who, artwork, edition));
		}
	}
	None
}

/// An artwork: mostly one that exists, now and then one that does not.
fn artwork_id(w: &mut World) -> ArtworkId {
	let count = artwork_count() as u64;
	match w.rng.below(10) {
		0 => (count + w.rng.below(3)) as ArtworkId,
		1 => ArtworkId::MAX,
		_ => w.rng.below(count) as ArtworkId,
	}
}

/// An edition of `artwork`: mostly one that exists, now and then one beyond its editions.
fn edition_id(w: &mut World, artwork: ArtworkId) -> Edition {
	let editions = Artworks::<Runtime>::get(artwork).map_or(1, |a| a.editions);
	match w.rng.below(6) {
		0 => editions,
		1 => Edition::MAX,
		_ => w.rng.below(u64::from(editions)) as Edition,
	}
}

/// An edition and who lists, donates or gives it: mostly an actor with an edition in no auction;
/// now and then the seller of one in an auction (`AlreadyListed`), another actor than its owner
/// (`NotOwner`), or an edition that may not exist.
fn edition_and_owner(w: &mut World) -> (usize, ArtworkId, Edition) {
	match w.rng.below(20) {
		0 => {
			let listed: Vec<(usize, ArtworkId, Edition)> = Auctions::<Runtime>::iter_values()
				.filter_map(|a| w.actors.index_of(&a.seller).map(|i| (i, a.artwork, a.edition)))
				.collect();
			if let Some(found) = w.rng.pick(&listed).copied() {
				return found;
			}
		},
		1 => {
			if let Some((owner, artwork, edition)) = free_edition(w) {
				let count = w.actors.count();
				let other = (owner + 1 + w.rng.index(count - 1)) % count;
				return (other, artwork, edition);
			}
		},
		2 => {
			let who = w.anyone();
			let artwork = artwork_id(w);
			let edition = edition_id(w, artwork);
			return (who, artwork, edition);
		},
		_ => {},
	}
	match free_edition(w) {
		Some(found) => found,
		None => {
			let who = w.anyone();
			let artwork = artwork_id(w);
			(who, artwork, 0)
		},
	}
}

/// An auction's duration in blocks: mostly short (auctions end and settle during the run); now
/// and then longer, at the bounds, or beyond them (`BadDuration`).
fn duration(w: &mut World) -> BlockNumber {
	let (min, max) = (min_duration(), max_duration());
	match w.rng.below(80) {
		0 => min.saturating_sub(1),
		1 => max.saturating_add(1),
		2 => 0,
		3 => w.rng.range(u64::from(min) + SHORT + 1, 300) as BlockNumber,
		4 => min,
		// At the longest: the edition stays locked for the rest of the run, unless cancelled.
		5 if w.rng.one_in(5) => max,
		_ => w.rng.range(u64::from(min), u64::from(min) + SHORT) as BlockNumber,
	}
}

fn create_auction(w: &mut World) -> Option<Attempt> {
	let (seller, artwork, edition) = edition_and_owner(w);
	let seller_account = w.actors.account(seller);
	let open = pallet_stone::TransfersEnabled::<Runtime>::get();
	let artists_approved = Artworks::<Runtime>::get(artwork)
		.is_some_and(|a| a.artists.iter().all(Artists::<Runtime>::contains_key));
	let seller_approved = Artists::<Runtime>::contains_key(&seller_account);
	let active = active_charities();
	let charity = w.rng.pick(&active).copied();
	// Every part of the rest (at most 90 % of the price, split among at most 8 artists) is then
	// far above the minimum balance.
	let mut reserve =
		UNIT * Balance::from(w.rng.range(1, 20)) + MILLI_UNIT * Balance::from(w.rng.below(1_000));
	let mut min_increment = MILLI_UNIT * Balance::from(w.rng.range(1, 2_000));
	let either = if w.rng.percent(50) { Rest::Seller } else { Rest::Artists };
	let share = |w: &mut World| match w.rng.below(4) {
		0 => 0,
		// A charity's share too small to create its account: to its pot, unless it exists.
		1 => w.rng.range(1, 100) as u32,
		_ => w.rng.range(1, 900_000) as u32,
	};
	let dust = |w: &mut World| Balance::from(w.rng.range(0, EXISTENTIAL_DEPOSIT as u64 - 1));
	let (charity, charity_share_ppm, rest) = match w.rng.below(20) {
		// A share to a charity (or none), the rest to the artwork's artists, all approved.
		0..=5 if artists_approved || open => match share(w) {
			0 if w.rng.percent(50) => (None, 0, Rest::Artists),
			ppm => (charity, ppm, Rest::Artists),
		},
		// The rest to the seller: an approved artist (anyone while transfers are open).
		6..=7 if seller_approved || open => (charity, share(w), Rest::Seller),
		// Above 100 % (`BadShare`).
		8 => (charity, w.rng.range(1_000_001, u64::from(u32::MAX)) as u32, either),
		// A share without a charity (`BadShare`).
		9 => (None, w.rng.range(1, 1_000_000) as u32, either),
		// An inactive or unknown charity.
		10 => (Some(spoiled_charity(w)), 1_000_000, either),
		// The rest to a seller that may be no artist (`TransfersClosed` while closed).
		11 => (charity, w.rng.range(0, 900_000) as u32, Rest::Seller),
		// A part of the reserve below the minimum balance (`ReserveTooLow`).
		12 => {
			reserve = dust(w);
			(charity, w.rng.range(0, 500_000) as u32, either)
		},
		// No minimum increment (`ReserveTooLow`).
		13 => {
			min_increment = 0;
			(charity, 1_000_000, either)
		},
		// The whole price to a charity: any seller may, at any reserve. Now and then dust, so
		// that prices too small for the charity's account wait in its pot.
		_ => {
			if w.rng.one_in(8) {
				reserve = dust(w);
				min_increment = Balance::from(w.rng.range(1, EXISTENTIAL_DEPOSIT as u64 / 4));
			}
			(charity, 1_000_000, either)
		},
	};
	let duration = duration(w);
	w.by(
		seller,
		collectibles(Call::create_auction {
			artwork,
			edition,
			reserve,
			min_increment,
			duration,
			charity,
			charity_share_ppm,
			rest,
		}),
	)
}

/// An auction: mostly a live one, now and then one settled or cancelled, or never created.
fn auction_id(w: &mut World) -> AuctionId {
	let live: Vec<AuctionId> = Auctions::<Runtime>::iter_keys().collect();
	let next = NextAuctionId::<Runtime>::get();
	match (w.rng.below(10), w.rng.pick(&live).copied()) {
		(0, _) => next.saturating_add(w.rng.below(3) as AuctionId),
		(1..=2, _) | (_, None) => w.rng.below(u64::from(next)) as AuctionId,
		(_, Some(id)) => id,
	}
}

/// An actor other than `seller` with the free Stones to bid `amount` and pay the fee; any actor
/// if none has.
fn funded(w: &mut World, amount: Balance, seller: Option<usize>) -> usize {
	let rich: Vec<usize> = (0..w.actors.count())
		.filter(|i| Some(*i) != seller)
		.filter(|i| Balances::balance(&w.actors.account(*i)) >= amount.saturating_add(UNIT))
		.collect();
	w.one_of(&rich)
}

fn bid(w: &mut World) -> Option<Attempt> {
	let block = w.block;
	let live: Vec<(AuctionId, AuctionOf<Runtime>)> =
		Auctions::<Runtime>::iter().filter(|(_, a)| a.end >= block).collect();
	let picked = if w.rng.percent(90) { w.rng.pick(&live).cloned() } else { None };
	let Some((auction, a)) = picked else {
		// Settled, cancelled or never created (`UnknownAuction`).
		let auction = auction_id(w);
		let who = w.anyone();
		let amount = w.amount(UNIT);
		return w.by(who, collectibles(Call::bid { auction, amount }));
	};
	let minimum = match &a.highest {
		None => a.reserve,
		Some(highest) => highest.amount.saturating_add(a.min_increment),
	};
	let amount = match w.rng.below(15) {
		// Below the reserve or the increment (`BidTooLow`, unless the minimum is zero).
		0 => minimum.saturating_sub(1),
		// More than anyone holds (`InsufficientStones`).
		1 => Balance::MAX,
		_ => minimum.saturating_add(a.min_increment.saturating_mul(Balance::from(w.rng.below(3)))),
	};
	let seller = w.actors.index_of(&a.seller);
	let highest = a.highest.as_ref().and_then(|b| w.actors.index_of(&b.bidder));
	let bidder = match (w.rng.below(12), seller, highest) {
		// The seller (`SellerCannotBid`).
		(0, Some(seller), _) => seller,
		// The highest bidder raising its bid: the difference is held.
		(1..=2, _, Some(highest)) => highest,
		(3, _, _) => w.anyone(),
		_ => funded(w, amount, seller),
	};
	w.by(bidder, collectibles(Call::bid { auction, amount }))
}

fn settle(w: &mut World) -> Option<Attempt> {
	// Ended auctions settle by themselves at the start of the next block: one is left for this
	// call only when that failed (`SettlementFailed`). Otherwise a live auction
	// (`AuctionNotEnded`) or one gone (`UnknownAuction`).
	let block = w.block;
	let ended: Vec<AuctionId> =
		Auctions::<Runtime>::iter().filter(|(_, a)| a.end < block).map(|(id, _)| id).collect();
	let auction = match w.rng.pick(&ended).copied() {
		Some(id) if w.rng.percent(90) => id,
		_ => auction_id(w),
	};
	let who = w.anyone();
	w.by(who, collectibles(Call::settle { auction }))
}

fn cancel_auction(w: &mut World) -> Option<Attempt> {
	// Mostly the seller of an auction without bids; now and then one with bids (`HasBids`),
	// another actor (`NotSeller`), or an auction gone.
	let auctions: Vec<(AuctionId, AuctionOf<Runtime>)> = Auctions::<Runtime>::iter().collect();
	let of = |bids: bool| -> Vec<(AuctionId, AccountId)> {
		auctions
			.iter()
			.filter(|(_, a)| a.highest.is_some() == bids)
			.map(|(id, a)| (*id, a.seller.clone()))
			.collect()
	};
	let (without, with) = (of(false), of(true));
	let picked = match w.rng.below(10) {
		0..=6 => w.rng.pick(&without).cloned(),
		7 => w.rng.pick(&with).cloned(),
		_ => None,
	};
	let (auction, seller) = match picked {
		Some((id, seller)) => (id, w.actors.index_of(&seller)),
		None => (auction_id(w), None),
	};
	let who = match seller {
		Some(seller) if !w.rng.one_in(8) => seller,
		_ => w.anyone(),
	};
	w.by(who, collectibles(Call::cancel_auction { auction }))
}

fn donate(w: &mut World) -> Option<Attempt> {
	let (who, artwork, edition) = edition_and_owner(w);
	let charity = charity_id(w);
	w.by(who, collectibles(Call::donate { artwork, edition, charity }))
}

fn transfer(w: &mut World) -> Option<Attempt> {
	let (who, artwork, edition) = edition_and_owner(w);
	// Mostly to an actor, so that editions keep moving; now and then to anyone (an edition given
	// to an account nobody has seen is out of the run).
	let to = if w.rng.percent(90) {
		let i = w.anyone();
		w.actors.account(i)
	} else {
		w.recipient()
	};
	w.by(who, collectibles(Call::transfer { artwork, edition, to }))
}

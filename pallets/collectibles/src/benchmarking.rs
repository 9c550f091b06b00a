//! Benchmarks of the collectibles pallet, each in its worst case: the most editions, artists and
//! co-creators; a charity and every artist paid; a bid that releases another and moves the end
//! past full blocks; the most auctions ending in one block.

use alloc::{vec, vec::Vec};

use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		EnsureOrigin, Get, Hooks,
	},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::{One, Saturating};

use crate::{auctions::EXTENSION_PROBES, *};

const SEED: u32 = 0;

fn admin<T: Config>() -> T::RuntimeOrigin {
	T::AdminOrigin::try_successful_origin().expect("the admin origin can be built")
}

/// A Stone amount: `n` times the minimum balance.
fn stones<T: Config>(n: u32) -> BalanceOf<T> {
	T::Currency::minimum_balance().saturating_mul(n.into())
}

fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId {
	let who: T::AccountId = account(name, i, SEED);
	T::Currency::set_balance(&who, stones::<T>(1_000_000));
	who
}

fn text<T: Config>(c: u8) -> Vec<u8> {
	vec![c; T::StringLimit::get() as usize]
}

fn artwork_input<T: Config>() -> ArtworkInput {
	ArtworkInput {
		title: text::<T>(b't'),
		media_hash: [7; 32],
		media_kind: MediaKind::Video,
		uri: text::<T>(b'u'),
	}
}

fn artists<T: Config>(a: u32) -> Vec<T::AccountId> {
	(0..a).map(|i| funded::<T>("artist", i)).collect()
}

/// An artwork of `editions` editions owned by `owner`, by `a` approved, funded artists.
fn artwork<T: Config>(owner: &T::AccountId, editions: u32, a: u32) -> ArtworkId {
	let artists = artists::<T>(a);
	for artist in &artists {
		Artists::<T>::insert(artist, ());
	}
	Pallet::<T>::do_mint_artwork(owner.clone(), artwork_input::<T>(), artists, vec![], editions)
		.expect("a valid artwork")
}

/// A charity whose account exists.
fn charity<T: Config>() -> CharityId {
	let account = funded::<T>("charity", 0);
	Pallet::<T>::do_register_charity(text::<T>(b'c'), account).expect("room for a charity")
}

/// An auction of a new artwork's edition 0 (its rest to `a` artists, half to `charity`),
/// ending `duration` blocks from now, with a bid if `bid`.
fn auction<T: Config>(
	i: u32,
	a: u32,
	duration: BlockNumberFor<T>,
	bid: bool,
	charity: CharityId,
) -> AuctionId {
	let seller = funded::<T>("seller", i);
	let artwork = artwork::<T>(&seller, 1, a);
	let id = Pallet::<T>::do_create_auction(
		seller,
		artwork,
		0,
		stones::<T>(1_000),
		stones::<T>(10),
		duration,
		Some(charity),
		500_000,
		Rest::Artists,
	)
	.expect("a valid auction");
	if bid {
		let bidder = funded::<T>("bidder", i);
		Pallet::<T>::do_bid(bidder, id, stones::<T>(2_001)).expect("a valid bid");
	}
	id
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_artist() -> Result<(), BenchmarkError> {
		let who: T::AccountId = account("artist", 0, SEED);
		let origin = admin::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), true);
		assert!(Artists::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn mint_artwork(
		e: Linear<1, { T::MaxEditions::get() }>,
		c: Linear<0, { T::MaxCoCreators::get() }>,
		a: Linear<1, { T::MaxArtists::get() }>,
	) -> Result<(), BenchmarkError> {
		let owner: T::AccountId = account("owner", 0, SEED);
		let artists = artists::<T>(a);
		let co_creators: Vec<T::AccountId> =
			(0..c).map(|i| account("co-creator", i, SEED)).collect();
		let origin = admin::<T>();
		// The chain may hold artworks already (the development preset ships two).
		let known: Vec<ArtworkId> = Artworks::<T>::iter_keys().collect();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, owner, artwork_input::<T>(), artists, co_creators, e);
		assert!(Artworks::<T>::iter().any(|(id, w)| !known.contains(&id) && w.editions == e));
		Ok(())
	}

	#[benchmark]
	fn register_charity() -> Result<(), BenchmarkError> {
		let account: T::AccountId = account("charity", 0, SEED);
		let before = CharityCount::<T>::get();
		let origin = admin::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, text::<T>(b'n'), account);
		assert_eq!(CharityCount::<T>::get(), before + 1);
		Ok(())
	}

	#[benchmark]
	fn set_charity_active() -> Result<(), BenchmarkError> {
		let id = charity::<T>();
		let origin = admin::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, false);
		assert!(!Charities::<T>::get(id).expect("registered").active);
		Ok(())
	}

	#[benchmark]
	fn create_auction(a: Linear<1, { T::MaxArtists::get() }>) -> Result<(), BenchmarkError> {
		let seller = funded::<T>("seller", 0);
		let work = artwork::<T>(&seller, 1, a);
		let id = charity::<T>();
		let duration = T::MaxDuration::get();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(seller),
			work,
			0,
			stones::<T>(1_000),
			stones::<T>(10),
			duration,
			Some(id),
			500_000,
			Rest::Artists,
		);
		assert!(Listed::<T>::contains_key(work, 0));
		Ok(())
	}

	/// Outbids another bidder in the auction's last block; the blocks it could move to are
	/// full but the last one tried.
	#[benchmark]
	fn bid() -> Result<(), BenchmarkError> {
		let duration = T::MinDuration::get();
		let id = auction::<T>(0, T::MaxArtists::get(), duration, true, charity::<T>());
		let end = Auctions::<T>::get(id).expect("listed").end;
		frame_system::Pallet::<T>::set_block_number(end);
		let mut at = end.saturating_add(T::ExtensionWindow::get());
		let full: BoundedVec<AuctionId, T::MaxEndingPerBlock> =
			BoundedVec::truncate_from(vec![u32::MAX; T::MaxEndingPerBlock::get() as usize]);
		for _ in 1..EXTENSION_PROBES {
			EndingAt::<T>::insert(at, full.clone());
			at = at.saturating_add(One::one());
		}
		let bidder = funded::<T>("bidder", 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(bidder.clone()), id, stones::<T>(3_000));
		let record = Auctions::<T>::get(id).expect("live");
		assert_eq!(record.highest.map(|b| b.bidder), Some(bidder));
		Ok(())
	}

	#[benchmark]
	fn settle(a: Linear<1, { T::MaxArtists::get() }>) -> Result<(), BenchmarkError> {
		let id = auction::<T>(0, a, T::MinDuration::get(), true, charity::<T>());
		let end = Auctions::<T>::get(id).expect("listed").end;
		frame_system::Pallet::<T>::set_block_number(end.saturating_add(One::one()));
		let caller = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);
		assert!(Auctions::<T>::get(id).is_none());
		Ok(())
	}

	#[benchmark]
	fn cancel_auction() -> Result<(), BenchmarkError> {
		let id = auction::<T>(0, 1, T::MinDuration::get(), false, charity::<T>());
		let seller = Auctions::<T>::get(id).expect("listed").seller;
		#[extrinsic_call]
		_(RawOrigin::Signed(seller), id);
		assert!(Auctions::<T>::get(id).is_none());
		Ok(())
	}

	#[benchmark]
	fn donate() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let work = artwork::<T>(&owner, 1, 1);
		let id = charity::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), work, 0, id);
		assert_eq!(Charities::<T>::get(id).expect("registered").donations, 1);
		Ok(())
	}

	#[benchmark]
	fn transfer() -> Result<(), BenchmarkError> {
		let owner = funded::<T>("owner", 0);
		let work = artwork::<T>(&owner, 1, 1);
		let to: T::AccountId = account("to", 0, SEED);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), work, 0, to.clone());
		assert_eq!(Pallet::<T>::owner_of(work, 0).ok(), Some(to));
		Ok(())
	}

	#[benchmark]
	fn pay_out_pot() -> Result<(), BenchmarkError> {
		let id = charity::<T>();
		let pot = stones::<T>(1);
		T::Currency::set_balance(&Pallet::<T>::account(), stones::<T>(2));
		Charities::<T>::mutate(id, |c| {
			if let Some(c) = c {
				c.pot = pot;
				c.raised = pot;
			}
		});
		let caller = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);
		assert_eq!(Charities::<T>::get(id).expect("registered").pot, 0u32.into());
		Ok(())
	}

	/// `n` auctions with bids end in one block, each paying a charity and every artist.
	#[benchmark]
	fn settle_ended(n: Linear<0, { T::MaxEndingPerBlock::get() }>) -> Result<(), BenchmarkError> {
		let duration = T::MinDuration::get();
		let charity = charity::<T>();
		for i in 0..n {
			auction::<T>(i, T::MaxArtists::get(), duration, true, charity);
		}
		// The bids moved the ends (a bid within the extension window): all to the same block.
		let end = Auctions::<T>::iter_values()
			.map(|a| a.end)
			.max()
			.unwrap_or_else(|| frame_system::Pallet::<T>::block_number());
		let next = end.saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(next);
		#[block]
		{
			Pallet::<T>::on_initialize(next);
		}
		assert_eq!(Auctions::<T>::iter().count(), 0);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}

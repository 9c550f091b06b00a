//! Artworks: collections of `pallet-nfts` minted by the admin or approved artists.

use alloc::vec::Vec;

use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::tokens::nonfungibles_v2::{Create, Inspect, Mutate},
};
use pallet_nfts::{CollectionSettings, ItemConfig, MintSettings};

use crate::*;

/// Keys of the facts kept in `pallet-nfts`' pallet namespace (collection attributes, and
/// `edition` on each item).
pub mod keys {
	pub const TITLE: &[u8] = b"title";
	pub const MEDIA_HASH: &[u8] = b"media_hash";
	pub const MEDIA_KIND: &[u8] = b"media_kind";
	pub const URI: &[u8] = b"uri";
	pub const EDITIONS: &[u8] = b"editions";
	pub const EDITION: &[u8] = b"edition";
}

/// A list without repeats, at most `S` long.
fn distinct<T: Config, S: Get<u32>>(
	list: Vec<T::AccountId>,
	too_many: Error<T>,
) -> Result<BoundedVec<T::AccountId, S>, DispatchError> {
	let bounded = BoundedVec::<T::AccountId, S>::try_from(list).map_err(|_| too_many)?;
	let mut sorted: Vec<&T::AccountId> = bounded.iter().collect();
	sorted.sort();
	ensure!(sorted.windows(2).all(|w| w[0] != w[1]), Error::<T>::DuplicateAccount);
	Ok(bounded)
}

/// A non-empty text of at most `StringLimit` bytes.
pub(crate) fn text<T: Config>(bytes: Vec<u8>) -> Result<BoundedVec<u8, T::StringLimit>, Error<T>> {
	ensure!(!bytes.is_empty(), Error::<T>::BadText);
	bytes.try_into().map_err(|_| Error::<T>::BadText)
}

impl<T: Config> Pallet<T> {
	/// Mints an artwork's collection and editions, records it and credits its co-creators.
	/// Checks everything before changing anything.
	pub(crate) fn do_mint_artwork(
		owner: T::AccountId,
		input: ArtworkInput,
		artists: Vec<T::AccountId>,
		co_creators: Vec<T::AccountId>,
		editions: Edition,
	) -> Result<ArtworkId, DispatchError> {
		ensure!(!artists.is_empty(), Error::<T>::NoArtists);
		let artists = distinct::<T, T::MaxArtists>(artists, Error::<T>::TooManyArtists)?;
		let co_creators =
			distinct::<T, T::MaxCoCreators>(co_creators, Error::<T>::TooManyCoCreators)?;
		ensure!((1..=T::MaxEditions::get()).contains(&editions), Error::<T>::BadEditions);
		let title = text::<T>(input.title)?;
		let uri = text::<T>(input.uri)?;

		let account = Self::account();
		let config = CollectionConfigOf::<T> {
			settings: CollectionSettings::all_enabled(),
			max_supply: Some(editions),
			mint_settings: MintSettings::default(),
		};
		// Chain-issued: the runtime sets no collection or item deposit.
		let artwork = T::Nfts::create_collection(&account, &account, &config)?;
		let facts: [(&[u8], Vec<u8>); 5] = [
			(keys::TITLE, title.to_vec()),
			(keys::MEDIA_HASH, input.media_hash.to_vec()),
			(keys::MEDIA_KIND, input.media_kind.name().to_vec()),
			(keys::URI, uri.to_vec()),
			(keys::EDITIONS, editions.encode()),
		];
		for (key, value) in facts {
			T::Nfts::set_collection_attribute(&artwork, key, &value)?;
		}
		T::Nfts::set_collection_metadata(None, &artwork, &uri)?;
		for edition in 0..editions {
			T::Nfts::mint_into(&artwork, &edition, &owner, &ItemConfig::default(), true)?;
			T::Nfts::set_attribute(&artwork, &edition, keys::EDITION, &edition.encode())?;
		}
		for who in &co_creators {
			FeaturedIn::<T>::insert(who, artwork, ());
		}
		let media_hash = input.media_hash;
		Artworks::<T>::insert(
			artwork,
			Artwork {
				title,
				media_hash,
				media_kind: input.media_kind,
				uri,
				artists,
				co_creators,
				editions,
				minted_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		Self::deposit_event(Event::ArtworkMinted { artwork, owner, editions, media_hash });
		Ok(artwork)
	}

	/// The editions of `artwork` that `holder` owns and has not listed, lowest first.
	fn unlisted_editions(
		artwork: ArtworkId,
		holder: &T::AccountId,
	) -> impl Iterator<Item = Edition> + '_ {
		let editions = Artworks::<T>::get(artwork).map_or(0, |record| record.editions);
		(0..editions).filter(move |edition| {
			T::Nfts::owner(&artwork, edition).as_ref() == Some(holder)
				&& !Listed::<T>::contains_key(artwork, edition)
		})
	}

	/// Moves an edition from `from` to `to` in the NFT ledger, with its event.
	pub(crate) fn give(
		artwork: ArtworkId,
		edition: Edition,
		from: T::AccountId,
		to: T::AccountId,
	) -> DispatchResult {
		<T::Nfts as frame_support::traits::tokens::nonfungibles_v2::Transfer<T::AccountId>>::transfer(
			&artwork, &edition, &to,
		)?;
		Self::deposit_event(Event::Transferred { artwork, edition, from, to });
		Ok(())
	}

	/// The owner of an edition of a known artwork.
	pub(crate) fn owner_of(artwork: ArtworkId, edition: Edition) -> Result<T::AccountId, Error<T>> {
		let record = Artworks::<T>::get(artwork).ok_or(Error::<T>::UnknownArtwork)?;
		ensure!(edition < record.editions, Error::<T>::UnknownEdition);
		T::Nfts::owner(&artwork, &edition).ok_or(Error::<T>::UnknownEdition)
	}
}

impl<T: Config> valley_primitives::CollectibleStock<T::AccountId> for Pallet<T> {
	fn available(artwork: u32, holder: &T::AccountId) -> u32 {
		Self::unlisted_editions(artwork, holder).count() as u32
	}

	fn hand_over(
		artwork: u32,
		holder: &T::AccountId,
		to: &T::AccountId,
	) -> Result<u32, DispatchError> {
		ensure!(Artworks::<T>::contains_key(artwork), Error::<T>::UnknownArtwork);
		let edition =
			Self::unlisted_editions(artwork, holder).next().ok_or(Error::<T>::NotOwner)?;
		Self::give(artwork, edition, holder.clone(), to.clone())?;
		Ok(edition)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn worst_case_stock(holder: &T::AccountId) -> u32 {
		let artist: T::AccountId = frame_benchmarking::account("artist", 0, 0);
		let other: T::AccountId = frame_benchmarking::account("collector", 0, 0);
		let editions = T::MaxEditions::get();
		let input = ArtworkInput {
			title: alloc::vec![b't'; 8],
			media_hash: [1; 32],
			media_kind: MediaKind::Image,
			uri: alloc::vec![b'u'; 8],
		};
		let artwork = Self::do_mint_artwork(
			other.clone(),
			input,
			alloc::vec![artist],
			alloc::vec![],
			editions,
		)
		.expect("a valid artwork");
		let last = editions - 1;
		<T::Nfts as frame_support::traits::tokens::nonfungibles_v2::Transfer<T::AccountId>>::transfer(
			&artwork, &last, holder,
		)
		.expect("the collector owns it");
		artwork
	}
}

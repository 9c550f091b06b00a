//! Charities: registered by the admin; they receive auction proceeds and donated editions.

use alloc::vec::Vec;

use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{nonfungibles_v2::Transfer, Preservation, Provenance},
	},
};
use sp_runtime::traits::Zero;

use crate::{artworks::text, *};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_charity(
		name: Vec<u8>,
		account: T::AccountId,
	) -> Result<CharityId, DispatchError> {
		let name = text::<T>(name)?;
		let charity = CharityCount::<T>::get();
		ensure!(charity < T::MaxCharities::get(), Error::<T>::TooManyCharities);
		Charities::<T>::insert(
			charity,
			Charity {
				name,
				account: account.clone(),
				active: true,
				raised: Zero::zero(),
				pot: Zero::zero(),
				donations: 0,
			},
		);
		CharityCount::<T>::put(charity + 1);
		Self::deposit_event(Event::CharityRegistered { charity, account });
		Ok(charity)
	}

	/// An active charity.
	pub(crate) fn active_charity(charity: CharityId) -> Result<CharityOf<T>, Error<T>> {
		let record = Charities::<T>::get(charity).ok_or(Error::<T>::UnknownCharity)?;
		ensure!(record.active, Error::<T>::CharityInactive);
		Ok(record)
	}

	pub(crate) fn do_donate(
		from: T::AccountId,
		artwork: ArtworkId,
		edition: Edition,
		charity: CharityId,
	) -> DispatchResult {
		ensure!(Self::owner_of(artwork, edition)? == from, Error::<T>::NotOwner);
		ensure!(!Listed::<T>::contains_key(artwork, edition), Error::<T>::AlreadyListed);
		let record = Self::active_charity(charity)?;
		T::Nfts::transfer(&artwork, &edition, &record.account)?;
		Charities::<T>::mutate(charity, |c| {
			if let Some(c) = c {
				c.donations = c.donations.saturating_add(1);
			}
		});
		Self::deposit_event(Event::Donated { artwork, edition, from, charity });
		Ok(())
	}

	pub(crate) fn do_pay_out_pot(charity: CharityId) -> DispatchResult {
		let record = Charities::<T>::get(charity).ok_or(Error::<T>::UnknownCharity)?;
		let amount = record.pot;
		ensure!(
			!amount.is_zero()
				&& T::Currency::can_deposit(&record.account, amount, Provenance::Extant)
					.into_result()
					.is_ok(),
			Error::<T>::PotTooSmall
		);
		T::Currency::transfer(&Self::account(), &record.account, amount, Preservation::Preserve)?;
		Charities::<T>::mutate(charity, |c| {
			if let Some(c) = c {
				c.pot = Zero::zero();
			}
		});
		Self::deposit_event(Event::PotPaidOut { charity, amount });
		Ok(())
	}
}

//! Accounts' holdings and the `sufficients` reference that lets an account with only crystals
//! sign.

use frame_support::pallet_prelude::*;
use sp_runtime::traits::Get;

use crate::{pallet::*, types::*};

impl<T: Config> Pallet<T> {
	/// Changes what `who` holds with `f`, keeping the holdings entry and its `sufficients`
	/// reference in step: the entry (and the reference) is created when the account starts to
	/// hold something and removed when it holds nothing any more. Changes nothing if `f` fails.
	pub(crate) fn mutate_holdings<R>(
		who: &T::AccountId,
		f: impl FnOnce(&mut AccountHoldings<T::MaxPendingPerAccount>) -> Result<R, DispatchError>,
	) -> Result<R, DispatchError> {
		let existing = Holdings::<T>::get(who);
		let existed = existing.is_some();
		let mut holdings = existing.unwrap_or_default();
		let result = f(&mut holdings)?;
		match (existed, holdings.is_empty()) {
			(false, true) => {},
			(false, false) => {
				frame_system::Pallet::<T>::inc_sufficients(who);
				Holdings::<T>::insert(who, holdings);
			},
			(true, false) => Holdings::<T>::insert(who, holdings),
			(true, true) => {
				Holdings::<T>::remove(who);
				// The account goes if nothing else keeps it (no Stones): it has nothing left to
				// sign for here.
				let _ = frame_system::Pallet::<T>::dec_sufficients(who);
			},
		}
		Ok(result)
	}

	/// What one Stone piece is worth in the educational pool.
	pub(crate) fn piece_value() -> T::Balance {
		T::StoneUnit::get() / T::PiecesPerStone::get().into()
	}
}

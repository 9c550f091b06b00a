//! Accounts' holdings and the `sufficients` reference that lets an account with only crystals
//! sign, kept for good so that its nonce is never reset.

use frame_support::pallet_prelude::*;
use sp_runtime::traits::Get;

use crate::{pallet::*, types::*};

impl<T: Config> Pallet<T> {
	/// Changes what `who` holds with `f`, keeping the holdings entry in step: created when the
	/// account starts to hold something, removed when it holds nothing any more. The first time
	/// the account holds something it gets its `sufficients` reference, never released. Changes
	/// nothing if `f` fails.
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
				Self::keep_account(who);
				Holdings::<T>::insert(who, holdings);
			},
			(true, false) => Holdings::<T>::insert(who, holdings),
			// The reference stays: the account keeps its nonce.
			(true, true) => Holdings::<T>::remove(who),
		}
		Ok(result)
	}

	/// Gives `who` its `sufficients` reference the first time it holds something here, and keeps
	/// it for good: were it released once the holdings empty, `frame_system` would reap an
	/// account without Stones and reset its nonce to 0, letting its old signed transactions be
	/// replayed.
	fn keep_account(who: &T::AccountId) {
		if !Participants::<T>::contains_key(who) {
			frame_system::Pallet::<T>::inc_sufficients(who);
			Participants::<T>::insert(who, ());
		}
	}

	/// What one Stone piece is worth in the educational pool.
	pub(crate) fn piece_value() -> T::Balance {
		T::StoneUnit::get() / T::PiecesPerStone::get().into()
	}
}

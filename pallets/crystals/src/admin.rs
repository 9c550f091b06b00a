//! The admin's part: task issuers, task kinds, and box kinds with their prize tables (stocked
//! out of the educational pool).

use frame_support::pallet_prelude::*;
use sp_runtime::traits::{Saturating, Zero};
use valley_primitives::EducationPool;

use crate::{odds, pallet::*, types::*};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_add_issuer(issuer: T::AccountId) -> DispatchResult {
		ensure!(!Issuers::<T>::contains_key(&issuer), Error::<T>::AlreadyIssuer);
		Issuers::<T>::insert(&issuer, ());
		Self::deposit_event(Event::IssuerAdded { issuer });
		Ok(())
	}

	pub(crate) fn do_remove_issuer(issuer: T::AccountId) -> DispatchResult {
		ensure!(Issuers::<T>::take(&issuer).is_some(), Error::<T>::NotIssuer);
		Self::deposit_event(Event::IssuerRemoved { issuer });
		Ok(())
	}

	pub(crate) fn do_set_task_kind(
		kind: TaskKindId,
		task: TaskKind<frame_system::pallet_prelude::BlockNumberFor<T>>,
	) -> DispatchResult {
		ensure!(
			(task.crystals > 0 || task.egg.is_some()) && task.limit > 0 && !task.period.is_zero(),
			Error::<T>::InvalidTaskKind
		);
		if let Some(egg) = task.egg {
			ensure!(BoxKinds::<T>::contains_key(egg), Error::<T>::UnknownBoxKind);
		}
		TaskKinds::<T>::insert(kind, &task);
		Self::deposit_event(Event::TaskKindSet { kind, task });
		Ok(())
	}

	pub(crate) fn do_remove_task_kind(kind: TaskKindId) -> DispatchResult {
		ensure!(TaskKinds::<T>::take(kind).is_some(), Error::<T>::UnknownTaskKind);
		Self::deposit_event(Event::TaskKindRemoved { kind });
		Ok(())
	}

	pub(crate) fn do_set_box_kind(
		kind: BoxKindId,
		name: Name,
		price: Option<Crystals>,
		prizes: PrizeTableOf<T>,
	) -> DispatchResult {
		ensure!(price != Some(0), Error::<T>::ZeroPrice);
		// Waiting openings draw from the table they were requested with: an admin change
		// included in their drawing block, whose randomness its author knows, could steer them.
		ensure!(!WaitingOpenings::<T>::contains_key(kind), Error::<T>::OpeningsWaiting);
		ensure!(
			prizes.iter().all(|slot| match slot.prize {
				Prize::Stones(amount) => !amount.is_zero(),
				Prize::Pieces(n) => n > 0,
				Prize::Nothing => true,
			}),
			Error::<T>::ZeroPrize
		);
		let piece = Self::piece_value();
		let old = odds::table_value(&PrizeTables::<T>::get(kind), piece);
		let new = odds::table_value(&prizes, piece);
		if new > old {
			T::Pool::reserve(new - old)?;
		} else if old > new {
			T::Pool::unreserve(old - new)?;
		}
		let reserved = Reserved::<T>::get().saturating_sub(old).saturating_add(new);
		Reserved::<T>::put(reserved);
		BoxKinds::<T>::insert(kind, BoxKind { name, price });
		PrizeTables::<T>::insert(kind, &prizes);
		Self::deposit_event(Event::BoxKindSet { kind, price, prizes, reserved });
		Ok(())
	}

	pub(crate) fn do_remove_box_kind(kind: BoxKindId) -> DispatchResult {
		ensure!(!WaitingOpenings::<T>::contains_key(kind), Error::<T>::OpeningsWaiting);
		ensure!(BoxKinds::<T>::take(kind).is_some(), Error::<T>::UnknownBoxKind);
		let unreserved = odds::table_value(&PrizeTables::<T>::take(kind), Self::piece_value());
		if !unreserved.is_zero() {
			T::Pool::unreserve(unreserved)?;
		}
		Reserved::<T>::mutate(|r| *r = r.saturating_sub(unreserved));
		Self::deposit_event(Event::BoxKindRemoved { kind, unreserved });
		Ok(())
	}
}

//! Awards: crystals and eggs for tasks, once per reference, within each kind's limit per period.

use frame_support::pallet_prelude::*;
use sp_runtime::SaturatedConversion;

use crate::{odds, pallet::*, types::*};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_award(
		issuer: T::AccountId,
		who: T::AccountId,
		task_id: TaskKindId,
		reference: Reference,
	) -> DispatchResult {
		ensure!(Issuers::<T>::contains_key(&issuer), Error::<T>::NotIssuer);
		let task = TaskKinds::<T>::get(task_id).ok_or(Error::<T>::UnknownTaskKind)?;
		ensure!(!UsedReferences::<T>::contains_key(reference), Error::<T>::ReferenceUsed);
		if let Some(egg) = task.egg {
			ensure!(BoxKinds::<T>::contains_key(egg), Error::<T>::UnknownBoxKind);
		}
		let now = frame_system::Pallet::<T>::block_number();
		let period = odds::period_index(now.saturated_into(), task.period.saturated_into());
		let mut count = AwardCounts::<T>::get(&who, task_id);
		if count.period != period {
			count = PeriodCount { period, count: 0 };
		}
		ensure!(count.count < task.limit, Error::<T>::AwardLimitReached);
		count.count = count.count.saturating_add(1);
		let awarded =
			CrystalsAwarded::<T>::get().checked_add(task.crystals).ok_or(Error::<T>::Overflow)?;

		Self::mutate_holdings(&who, |h| {
			h.crystals = h.crystals.checked_add(task.crystals).ok_or(Error::<T>::Overflow)?;
			if task.egg.is_some() {
				h.eggs = h.eggs.checked_add(1).ok_or(Error::<T>::Overflow)?;
			}
			Ok(())
		})?;
		if let Some(egg) = task.egg {
			// Never overflows: the account's total of eggs did not.
			Eggs::<T>::mutate(&who, egg, |n| *n = n.saturating_add(1));
		}
		AwardCounts::<T>::insert(&who, task_id, count);
		UsedReferences::<T>::insert(reference, now);
		CrystalsAwarded::<T>::put(awarded);
		Self::deposit_event(Event::Awarded {
			issuer,
			who,
			task: task_id,
			reference,
			crystals: task.crystals,
			egg: task.egg,
		});
		Ok(())
	}
}

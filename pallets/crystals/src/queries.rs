//! What the runtime API answers: the public prize tables and an account's holdings.

use alloc::vec::Vec;
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_crystals_runtime_api as api;

use crate::{pallet::*, types::*};

impl<T: Config> Pallet<T> {
	/// Every box kind with its prize table and remaining stock, by kind.
	pub fn prize_tables() -> Vec<api::PrizeTable<T::Balance>> {
		let mut tables: Vec<_> = BoxKinds::<T>::iter()
			.map(|(kind, box_kind)| api::PrizeTable {
				kind,
				name: box_kind.name.into_inner(),
				price: box_kind.price,
				prizes: PrizeTables::<T>::get(kind).into_inner(),
			})
			.collect();
		tables.sort_by_key(|t| t.kind);
		tables
	}

	/// What `who` holds: crystals, eggs per kind, pieces and pending openings (oldest first).
	pub fn holdings(who: T::AccountId) -> api::AccountHoldings<BlockNumberFor<T>> {
		let Some(h) = Holdings::<T>::get(&who) else { return Default::default() };
		let mut eggs: Vec<_> = Eggs::<T>::iter_prefix(&who).collect();
		eggs.sort();
		let pending = h
			.pending
			.iter()
			.filter_map(|request| {
				OpenRequests::<T>::get(request).map(|open| api::PendingOpen {
					request: *request,
					kind: open.kind,
					with_egg: open.paid == Payment::Egg,
					draws_at: open.draws_at,
				})
			})
			.collect();
		api::AccountHoldings { crystals: h.crystals, eggs, pieces: h.pieces, pending }
	}
}

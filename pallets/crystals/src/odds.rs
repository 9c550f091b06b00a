//! The pure logic of educational mining, apart from storage: which prizes an opener can win, the
//! weighted pick proportional to remaining stock, what a prize table holds reserved in the pool,
//! and the period of an award.

use sp_runtime::traits::AtLeast32BitUnsigned;

use crate::types::{Prize, PrizeSlot};

/// The index of the period of length `period` that block `now` falls in, periods counted from
/// block 0 (a period of 0 blocks is treated as one endless period).
pub fn period_index(now: u64, period: u64) -> u64 {
	now.checked_div(period).unwrap_or(0)
}

/// The weight of each line of a table for an opener: its remaining stock if the opener can win it
/// (only vehicle owners can win Stones), 0 otherwise.
pub fn weights<Balance>(
	table: &[PrizeSlot<Balance>],
	owns_vehicle: bool,
) -> impl Iterator<Item = u64> + Clone + '_ {
	table.iter().map(move |slot| match slot.prize {
		Prize::Stones(_) if !owns_vehicle => 0,
		_ => u64::from(slot.stock),
	})
}

/// Whether an opener has anything to win in `table`.
pub fn can_win<Balance>(table: &[PrizeSlot<Balance>], owns_vehicle: bool) -> bool {
	weights(table, owns_vehicle).any(|w| w > 0)
}

/// Picks an index with probability proportional to its weight, given a uniformly random value:
/// `None` when every weight is 0. The reduction modulo the total weight is biased by less than
/// `total / 2^128`, nothing for totals below 2^64.
pub fn pick(weights: impl Iterator<Item = u64> + Clone, random: u128) -> Option<usize> {
	let total: u128 = weights.clone().map(u128::from).sum();
	if total == 0 {
		return None;
	}
	let mut r = random % total;
	for (i, w) in weights.enumerate() {
		let w = u128::from(w);
		if r < w {
			return Some(i);
		}
		r -= w;
	}
	None
}

/// A uniformly random `u128` from 32 random bytes.
pub fn random_u128(seed: &[u8; 32]) -> u128 {
	let mut bytes = [0u8; 16];
	bytes.copy_from_slice(&seed[..16]);
	u128::from_le_bytes(bytes)
}

/// What one unit of a prize is worth in the pool: the Stones, the pieces at `piece_value` each,
/// or nothing.
pub fn prize_value<Balance: AtLeast32BitUnsigned + Copy>(
	prize: &Prize<Balance>,
	piece_value: Balance,
) -> Balance {
	match prize {
		Prize::Nothing => Balance::zero(),
		Prize::Stones(amount) => *amount,
		Prize::Pieces(n) => piece_value.saturating_mul(Balance::from(*n)),
	}
}

/// What a whole table is worth in the pool: every line's value times its stock.
pub fn table_value<Balance: AtLeast32BitUnsigned + Copy>(
	table: &[PrizeSlot<Balance>],
	piece_value: Balance,
) -> Balance {
	table.iter().fold(Balance::zero(), |sum, slot| {
		sum.saturating_add(
			prize_value(&slot.prize, piece_value).saturating_mul(Balance::from(slot.stock)),
		)
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	fn slot(prize: Prize<u128>, stock: u32) -> PrizeSlot<u128> {
		PrizeSlot { prize, stock }
	}

	#[test]
	fn period_index_counts_from_block_zero() {
		for (now, period, expected) in [
			(0, 10, 0),
			(9, 10, 0),
			(10, 10, 1),
			(25, 10, 2),
			(7, 1, 7),
			(5, 0, 0),
			(u64::MAX, 1, u64::MAX),
		] {
			assert_eq!(period_index(now, period), expected, "block {now}, period {period}");
		}
	}

	#[test]
	fn pick_walks_the_cumulative_weights() {
		let w = [3u64, 0, 2, 5];
		for (random, expected) in [
			(0, Some(0)),
			(2, Some(0)),
			(3, Some(2)),
			(4, Some(2)),
			(5, Some(3)),
			(9, Some(3)),
			(10, Some(0)),
			// u128::MAX % 10 == 5
			(u128::MAX, Some(3)),
		] {
			assert_eq!(pick(w.iter().copied(), random), expected, "random {random}");
		}
		assert_eq!(pick([0u64, 0].iter().copied(), 7), None);
		assert_eq!(pick([].iter().copied(), 7), None);
		// A line with no stock is never picked.
		for random in 0..100 {
			assert_ne!(pick([1u64, 0, 1].iter().copied(), random), Some(1));
		}
	}

	#[test]
	fn only_vehicle_owners_weigh_stones() {
		let table = [slot(Prize::Stones(5), 2), slot(Prize::Pieces(1), 3), slot(Prize::Nothing, 4)];
		assert_eq!(weights(&table, true).collect::<Vec<_>>(), vec![2, 3, 4]);
		assert_eq!(weights(&table, false).collect::<Vec<_>>(), vec![0, 3, 4]);
		let stones_only = [slot(Prize::Stones(5), 2), slot(Prize::Nothing, 0)];
		assert!(can_win(&stones_only, true));
		assert!(!can_win(&stones_only, false));
		assert!(!can_win::<u128>(&[], true));
	}

	#[test]
	fn values_of_prizes_and_tables() {
		for (prize, expected) in
			[(Prize::Nothing, 0u128), (Prize::Stones(7), 7), (Prize::Pieces(3), 30)]
		{
			assert_eq!(prize_value(&prize, 10), expected);
		}
		let table =
			[slot(Prize::Stones(100), 2), slot(Prize::Pieces(2), 5), slot(Prize::Nothing, 9)];
		assert_eq!(table_value(&table, 10), 200 + 100);
		assert_eq!(table_value::<u128>(&[], 10), 0);
	}

	#[test]
	fn random_u128_reads_the_first_sixteen_bytes() {
		let mut seed = [0u8; 32];
		seed[0] = 1;
		seed[16] = 0xff;
		assert_eq!(random_u128(&seed), 1);
	}
}

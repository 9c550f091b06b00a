//! The batch schedule as pure functions.
//!
//! Batch `i` carries `reward(i) = initial >> (i / halving_interval)`: with IM Valley's numbers
//! (500 STONE, 210,000 batches of ten minutes ≈ 4 years) that is Bitcoin's formula scaled, and the
//! whole schedule sums to 210,000,000 STONE minus less than one STONE of rounding.

use sp_arithmetic::traits::{BaseArithmetic, Unsigned, Zero};

pub use valley_primitives::BatchIndex;

/// The reward of batch `index`: `initial` halved once per `halving_interval` batches.
///
/// A `halving_interval` of zero is treated as one (every batch halves).
pub fn reward<B>(index: BatchIndex, initial: B, halving_interval: BatchIndex) -> B
where
	B: BaseArithmetic + Unsigned + Copy,
{
	let halvings = index / halving_interval.max(1);
	// Shifting by the type's width or more would overflow: everything is gone by then.
	if halvings >= (core::mem::size_of::<B>() * 8) as BatchIndex {
		return Zero::zero();
	}
	initial >> (halvings as u32)
}

/// The index of the first batch of the halving era after the one `index` is in.
pub fn next_halving(index: BatchIndex, halving_interval: BatchIndex) -> BatchIndex {
	let interval = halving_interval.max(1);
	(index / interval).saturating_add(1).saturating_mul(interval)
}

/// The first era (counted from 0) whose batches carry nothing: the bit length of `initial`.
pub fn exhausted_era<B>(initial: B) -> u32
where
	B: BaseArithmetic + Unsigned + Copy,
{
	let mut era = 0;
	let mut reward = initial;
	while !reward.is_zero() {
		reward = reward >> 1u32;
		era += 1;
	}
	era
}

/// The sum of every batch's reward over the whole schedule.
pub fn total<B>(initial: B, halving_interval: BatchIndex) -> B
where
	B: BaseArithmetic + Unsigned + Copy,
{
	let interval = B::try_from(halving_interval.max(1)).unwrap_or_else(|_| B::max_value());
	let mut sum = B::zero();
	let mut era_reward = initial;
	while !era_reward.is_zero() {
		sum = sum.saturating_add(era_reward.saturating_mul(interval));
		era_reward = era_reward >> 1u32;
	}
	sum
}

/// When (in chain time) batch `index` closes: the end of its window.
pub fn close_time(start: u64, batch_length: u64, index: BatchIndex) -> u64 {
	start.saturating_add(batch_length.saturating_mul(index.saturating_add(1)))
}

#[cfg(test)]
mod tests {
	use super::*;

	const UNIT: u128 = 1_000_000_000_000;

	/// A programme's mining pool and schedule: (name, pool, initial reward, halving interval,
	/// the largest initial reward whose schedule fits the pool). The runtime's tests pin its
	/// presets to these numbers.
	const PROGRAMMES: [(&str, u128, u128, BatchIndex, u128); 2] = [
		("im_valley", 210_000_000 * UNIT, 500 * UNIT, 210_000, 500 * UNIT + 11),
		("gofun", 2_800_000_000 * UNIT, 350 * UNIT, 4_000_000, 350 * UNIT + 12),
	];

	#[test]
	fn reward_table() {
		for (name, _, initial, h, _) in PROGRAMMES {
			for (index, expected) in [
				(0, initial),
				(1, initial),
				(h - 1, initial),
				(h, initial / 2),
				(2 * h - 1, initial / 2),
				(2 * h, initial / 4),
				(3 * h, initial / 8),
				// Both initial rewards are below 2^49 planck: era 48 carries one planck, era 49
				// nothing.
				(48 * h, 1),
				(49 * h - 1, 1),
				(49 * h, 0),
				(1_000 * h, 0),
				(BatchIndex::MAX, 0),
			] {
				assert_eq!(reward(index, initial, h), expected, "{name}: batch {index}");
			}
			assert_eq!(exhausted_era(initial), 49, "{name}");
		}
		assert_eq!(reward(630_000, 500 * UNIT, 210_000), 62_500_000_000_000);
		assert_eq!(reward(4_000_000, 350 * UNIT, 4_000_000), 175 * UNIT);
		assert_eq!(reward(8_000_000, 350 * UNIT, 4_000_000), 87_500_000_000_000);
	}

	#[test]
	fn halvings_fall_on_batch_boundaries() {
		for (name, _, initial, h, _) in PROGRAMMES {
			assert_eq!(next_halving(0, h), h, "{name}");
			assert_eq!(next_halving(h - 1, h), h, "{name}");
			assert_eq!(next_halving(h, h), 2 * h, "{name}");
			for era in 0..60u64 {
				let first = era * h;
				assert_eq!(reward(first, initial, h), reward(first + h - 1, initial, h), "{name}");
				assert_eq!(reward(first + h, initial, h), reward(first, initial, h) / 2, "{name}");
			}
		}
	}

	#[test]
	fn whole_schedule_never_exceeds_its_pool_by_less_than_one_token() {
		for (name, cap, initial, h, _) in PROGRAMMES {
			let sum = total(initial, h);
			assert!(sum <= cap, "{name}: never above the pool");
			assert!(cap - sum < UNIT, "{name}: short by {} planck", cap - sum);
			// Σ_k ⌊x / 2^k⌋ = 2x − popcount(x): the rounding loss is exact.
			assert_eq!(cap - sum, h as u128 * initial.count_ones() as u128, "{name}");
		}
		assert_eq!(210_000_000 * UNIT - total(500 * UNIT, 210_000), 4_200_000);
		assert_eq!(2_800_000_000 * UNIT - total(350 * UNIT, 4_000_000), 88_000_000);
	}

	#[test]
	fn the_largest_initial_reward_within_each_pool() {
		for (name, cap, _, h, largest) in PROGRAMMES {
			assert!(total(largest, h) <= cap, "{name}: {largest} fits");
			assert!(total(largest + 1, h) > cap, "{name}: {} does not", largest + 1);
		}
		// GoFun's largest reward releases its pool to the planck.
		assert_eq!(total(350 * UNIT + 12, 4_000_000), 2_800_000_000 * UNIT);
	}

	#[test]
	fn total_is_the_sum_of_every_batch() {
		// Small numbers, summed batch by batch.
		for (initial, interval) in [(500u128, 3u64), (7, 1), (1, 10), (0, 5), (1024, 2)] {
			let by_batch: u128 = (0..(interval * 140)).map(|i| reward(i, initial, interval)).sum();
			assert_eq!(total(initial, interval), by_batch, "{initial} / {interval}");
		}
	}

	#[test]
	fn close_times() {
		assert_eq!(close_time(1_000, 600_000, 0), 601_000);
		assert_eq!(close_time(1_000, 600_000, 2), 1_801_000);
		assert_eq!(close_time(u64::MAX - 1, 600_000, 2), u64::MAX);
	}
}

//! The on-chain rules of mileage mining as pure functions: how many operators make a majority,
//! how many winners a batch has. (The plausibility rules of readings are applied off chain, by
//! every operator alike: `valley-operator`.)

use sp_runtime::Perbill;

/// How many of `operators` make a majority: ⌊K/2⌋ + 1.
pub fn quorum(operators: u32) -> u32 {
	operators / 2 + 1
}

/// How many winners a batch with `leaves` vehicles of positive weight draws: `share` of them
/// rounded up, at least one, at most `max_winners`.
pub fn winners_for(leaves: u64, share: Perbill, max_winners: u32) -> u32 {
	if leaves == 0 {
		return 0;
	}
	let leaves = leaves.min(u32::MAX as u64) as u32;
	share.mul_ceil(leaves).max(1).min(max_winners).min(leaves)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_majority_is_more_than_half_of_the_current_operators() {
		for (k, q) in [(0, 1), (1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (8, 5), (9, 5), (16, 9)] {
			assert_eq!(quorum(k), q, "K = {k}");
			// Two disjoint groups can never both reach it.
			assert!(2 * quorum(k) > k);
		}
	}

	#[test]
	fn winners_are_a_share_of_the_leaves_within_bounds() {
		let share = Perbill::from_percent(10);
		for (leaves, winners) in [
			(0, 0),
			(1, 1),
			(9, 1),
			(10, 1),
			(11, 2),
			(20, 2),
			(999, 100),
			(1_000, 100),
			(u64::MAX, 100),
		] {
			assert_eq!(winners_for(leaves, share, 100), winners, "{leaves} leaves");
		}
		assert_eq!(winners_for(5, Perbill::one(), 100), 5);
	}
}

//! The on-chain rules of mileage mining as pure functions: how many operators make a majority,
//! how many winners a batch has. (The plausibility rules of readings are applied off chain, by
//! every operator alike: `valley-operator`.)

use sp_runtime::Perbill;

/// How many of `operators` must agree: a majority (⌊K/2⌋ + 1), and never fewer than
/// `min_operators` — so that no root or registry change is accepted on the say of one operator
/// while a chain has only a few (a bootstrap). Fewer operators than `min_operators` accept
/// nothing: batches carry over until there are enough.
pub fn quorum(operators: u32, min_operators: u32) -> u32 {
	(operators / 2 + 1).max(min_operators)
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
			assert_eq!(quorum(k, 1), q, "K = {k}");
			// Two disjoint groups can never both reach it.
			assert!(2 * quorum(k, 1) > k);
		}
	}

	#[test]
	fn never_fewer_than_the_minimum_of_operators_agree() {
		// (operators, minimum, quorum): below the minimum nothing can be accepted.
		for (k, min, q) in [(1, 5, 5), (4, 5, 5), (5, 5, 5), (9, 5, 5), (10, 5, 6), (7, 4, 4)] {
			assert_eq!(quorum(k, min), q, "K = {k}, min = {min}");
			assert!(quorum(k, min) >= min);
		}
		assert!(quorum(1, 5) > 1, "one bootstrap operator accepts nothing");
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

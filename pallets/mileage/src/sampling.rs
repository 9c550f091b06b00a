//! The draw trees and weighted sampling without replacement, as pure functions over any node
//! store (storage in the pallet, vectors in tests).
//!
//! Each day of the window has a Fenwick tree over vehicle slots `1..=capacity` (`capacity` a power
//! of two). A vehicle's weight is the sum of its leaves in the window's trees. Adding weight walks
//! one tree upwards ([`update_path`]); drawing a vehicle picks a tree by its total and walks it
//! downwards ([`search`]): both visit `log2(capacity) + 1` nodes at most, whatever the number of
//! vehicles. Vehicles already drawn are left out of later draws by subtracting their weights from
//! the sums on the way down, so nothing is written while drawing.

use alloc::vec::Vec;
use codec::Encode;

use crate::types::{Day, Slot};

/// The nodes to update, from the leaf up, when the weight at `slot` changes.
pub fn update_path(capacity: u32, slot: Slot) -> impl Iterator<Item = u32> {
	let mut next = slot;
	core::iter::from_fn(move || {
		if next == 0 || next > capacity {
			return None;
		}
		let node = next;
		next = next.checked_add(next & next.wrapping_neg()).unwrap_or(0);
		Some(node)
	})
}

/// The sum of the leaves `1..=slot`: the prefix `slot` of the tree.
pub fn prefix_sum(slot: Slot, mut node: impl FnMut(u32) -> u64) -> u64 {
	let mut sum = 0u64;
	let mut i = slot;
	while i > 0 {
		sum = sum.saturating_add(node(i));
		i &= i - 1;
	}
	sum
}

/// Weights left out of a search: sorted by slot, each with the running total up to it.
#[derive(Default, Debug)]
pub struct Excluded {
	slots: Vec<Slot>,
	running: Vec<u64>,
}

impl Excluded {
	/// From `(slot, weight)` pairs in any order.
	pub fn new(mut weights: Vec<(Slot, u64)>) -> Self {
		weights.retain(|(_, w)| *w > 0);
		weights.sort_unstable_by_key(|(slot, _)| *slot);
		let mut total = 0u64;
		let running = weights
			.iter()
			.map(|(_, w)| {
				total = total.saturating_add(*w);
				total
			})
			.collect();
		Self { slots: weights.into_iter().map(|(slot, _)| slot).collect(), running }
	}

	/// The excluded weight in slots `1..=slot`.
	fn up_to(&self, slot: Slot) -> u64 {
		match self.slots.partition_point(|s| *s <= slot) {
			0 => 0,
			n => self.running[n - 1],
		}
	}

	/// The excluded weight in slots `after+1..=upto`.
	pub fn between(&self, after: Slot, upto: Slot) -> u64 {
		self.up_to(upto).saturating_sub(self.up_to(after))
	}
}

/// The slot in which the `target`-th unit of the tree's weight lies (counting from 0), leaving out
/// `excluded`: the smallest slot whose prefix sum exceeds `target`. `target` must be below the
/// tree's total less the excluded weight; reads `log2(capacity)` nodes.
pub fn search(
	capacity: u32,
	mut target: u64,
	excluded: &Excluded,
	mut node: impl FnMut(u32) -> u64,
) -> Slot {
	let mut pos: Slot = 0;
	// The node `capacity` covers the whole tree; the descent starts one level below it.
	let mut step = capacity / 2;
	while step > 0 {
		let next = pos + step;
		let sum = node(next).saturating_sub(excluded.between(pos, next));
		if sum <= target {
			target -= sum;
			pos = next;
		}
		step /= 2;
	}
	pos + 1
}

/// A uniformly drawn number below `bound` (> 0), the `k`-th from `seed`.
pub fn random_below(seed: &[u8], k: u32, bound: u64) -> u64 {
	let hash = sp_io::hashing::blake2_256(&(seed, k).encode());
	let mut wide = [0u8; 16];
	wide.copy_from_slice(&hash[..16]);
	// A 128-bit number reduced modulo a 64-bit bound: the bias is below 2^-64.
	(u128::from_le_bytes(wide) % bound as u128) as u64
}

/// A drawn slot: what the caller looked up for it, and its weight on each day of the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drawn<P> {
	/// Its slot.
	pub slot: Slot,
	/// What `lookup` returned with its weights (the pallet: the vehicle and its owner).
	pub payload: P,
	/// Its weight per day.
	pub weights: Vec<(Day, u64)>,
}

impl<P> Drawn<P> {
	fn weight_on(&self, day: Day) -> u64 {
		self.weights.iter().filter(|(d, _)| *d == day).map(|(_, w)| *w).sum()
	}
}

/// Draws up to `n` distinct slots, each with probability proportional to its weight among the
/// slots not drawn yet (weighted sampling without replacement).
///
/// `days` are the window's days with each tree's total; `node(day, i)` reads node `i` of a day's
/// tree; `lookup(slot)` returns what the caller needs of a drawn slot with its weight per day.
/// Stops early when no weight is left. Reads `n · log2(capacity)` nodes and `n` lookups.
pub fn draw<P>(
	capacity: u32,
	days: &[(Day, u64)],
	n: u32,
	seed: &[u8],
	mut node: impl FnMut(Day, u32) -> u64,
	mut lookup: impl FnMut(Slot) -> Option<(P, Vec<(Day, u64)>)>,
) -> Vec<Drawn<P>> {
	let mut totals: Vec<(Day, u64)> = days.to_vec();
	let mut drawn: Vec<Drawn<P>> = Vec::new();
	for k in 0..n {
		let total = totals.iter().fold(0u64, |sum, (_, t)| sum.saturating_add(*t));
		if total == 0 {
			break;
		}
		let mut target = random_below(seed, k, total);
		let Some(&(day, _)) = totals.iter().find(|(_, t)| {
			if target < *t {
				true
			} else {
				target -= *t;
				false
			}
		}) else {
			break;
		};
		let excluded = Excluded::new(drawn.iter().map(|d| (d.slot, d.weight_on(day))).collect());
		let slot = search(capacity, target, &excluded, |i| node(day, i));
		if drawn.iter().any(|d| d.slot == slot) {
			// Only if the trees disagree with the totals: never pay a vehicle twice.
			break;
		}
		// A slot nobody holds only if the trees disagree with the vehicles: stop there too.
		let Some((payload, weights)) = lookup(slot) else { break };
		let won = Drawn { slot, payload, weights };
		for (day, total) in totals.iter_mut() {
			*total = total.saturating_sub(won.weight_on(*day));
		}
		drawn.push(won);
	}
	drawn
}

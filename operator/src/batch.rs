//! A batch's tree, kept to find the leaf that owns a drawn point and serve its proof.
//!
//! The chain draws points in `[0, total)`; leaf `i` owns `[start_i, start_i + weight_i)`, `start_i`
//! the sum of the weights before it (the range [`valley_merkle_sum::verify`] returns for its
//! proof). [`BatchTree`] keeps the leaves' cumulative ends beside the tree (8 bytes a leaf) and
//! finds a point's leaf by binary search.

use valley_merkle_sum::{Commitment, Error, Leaf, Proof, Salt, Tree};

use crate::types::VehicleId;

/// One batch's Merkle-sum tree, with what finds a point's leaf.
#[derive(Clone, Debug)]
pub struct BatchTree {
	batch: u64,
	close_ms: u64,
	tree: Tree,
	commitment: Commitment,
	// `ends[i]`: the sum of the weights of leaves `0..=i`, the first point past leaf `i`.
	ends: Vec<u64>,
}

impl BatchTree {
	/// The tree of batch `batch`, cut off at `close_ms`, salted with `salt`, over `leaves`
	/// `(vehicle, weight)` in ascending vehicle id order, none of weight 0 (see
	/// [`Tree::from_sorted`]).
	pub fn build(
		batch: u64,
		close_ms: u64,
		salt: Salt,
		leaves: impl IntoIterator<Item = (VehicleId, u64)>,
	) -> Result<Self, Error> {
		let leaves: Vec<_> = leaves.into_iter().collect();
		let tree = Tree::from_sorted(salt, leaves.iter().copied())?;
		// The tree checked that the total fits.
		let ends = leaves
			.iter()
			.scan(0u64, |sum, (_, weight)| {
				*sum = sum.saturating_add(*weight);
				Some(*sum)
			})
			.collect();
		Ok(Self { batch, close_ms, commitment: tree.commitment(), tree, ends })
	}

	/// The batch.
	pub fn batch(&self) -> u64 {
		self.batch
	}

	/// Its cut-off.
	pub fn close_ms(&self) -> u64 {
		self.close_ms
	}

	/// The commitment to the tree: root, total and leaf count.
	pub fn commitment(&self) -> Commitment {
		self.commitment
	}

	/// The tree.
	pub fn tree(&self) -> &Tree {
		&self.tree
	}

	/// The index of the leaf whose range `[start, end)` contains `point`; `None` past the total.
	pub fn leaf_at_point(&self, point: u64) -> Option<u64> {
		let index = self.ends.partition_point(|end| *end <= point);
		(index < self.ends.len()).then_some(index as u64)
	}

	/// The leaf that owns `point`, its salt and its proof: what a claim shows.
	pub fn claim_for_point(&self, point: u64) -> Option<(Leaf, Salt, Proof)> {
		self.shown(self.leaf_at_point(point)?)
	}

	/// `vehicle`'s leaf, its salt and its proof, if it has a weight in the batch.
	pub fn proof_for_vehicle(&self, vehicle: &VehicleId) -> Option<(Leaf, Salt, Proof)> {
		self.shown(self.tree.find(vehicle)?)
	}

	fn shown(&self, index: u64) -> Option<(Leaf, Salt, Proof)> {
		Some((self.tree.leaf(index)?, self.tree.leaf_salt(index)?, self.tree.proof(index)?))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::testing::Rng;
	use valley_merkle_sum::verify;

	const SALT: Salt = [0x33; 32];

	fn leaves(weights: &[u64]) -> Vec<(VehicleId, u64)> {
		(1u8..).zip(weights).map(|(byte, weight)| ([byte; 32], *weight)).collect()
	}

	#[test]
	fn points_find_the_leaf_whose_range_holds_them() {
		let tree = BatchTree::build(4, 99, SALT, leaves(&[3, 1, 5])).unwrap();
		assert_eq!((tree.batch(), tree.close_ms(), tree.commitment().total), (4, 99, 9));
		let table = [
			(0, Some(0)),
			(2, Some(0)),
			(3, Some(1)),
			(4, Some(2)),
			(8, Some(2)),
			(9, None),
			(u64::MAX, None),
		];
		for (point, leaf) in table {
			assert_eq!(tree.leaf_at_point(point), leaf, "{point}");
		}
		let empty = BatchTree::build(1, 0, SALT, []).unwrap();
		assert_eq!((empty.leaf_at_point(0), empty.claim_for_point(0)), (None, None));
		assert_eq!(empty.commitment(), Commitment::default());
	}

	#[test]
	fn vehicles_find_their_proofs() {
		let tree = BatchTree::build(4, 99, SALT, leaves(&[3, 1, 5])).unwrap();
		let (leaf, salt, proof) = tree.proof_for_vehicle(&[2; 32]).unwrap();
		assert_eq!((leaf.vehicle, leaf.weight, proof.leaf_index), ([2; 32], 1, 1));
		let range = verify(&tree.commitment(), &salt, &leaf, &proof).unwrap();
		assert_eq!((range.start, range.end), (3, 4));
		assert!(tree.proof_for_vehicle(&[9; 32]).is_none());
	}

	#[test]
	fn bad_leaves_are_refused() {
		let table = [
			(leaves(&[1, 0]), Error::ZeroWeight),
			(vec![([2; 32], 1), ([1; 32], 1)], Error::Unsorted),
			(vec![([1; 32], 1), ([1; 32], 1)], Error::Duplicate),
			(leaves(&[u64::MAX, 1]), Error::SumOverflow),
		];
		for (leaves, error) in table {
			assert_eq!(BatchTree::build(1, 0, SALT, leaves).unwrap_err(), error);
		}
	}

	#[test]
	fn every_point_s_claim_verifies_and_owns_it() {
		let mut rng = Rng(7);
		for count in [1usize, 2, 3, 5, 8, 13, 64, 100] {
			let mut leaves: Vec<_> = (0..count).map(|_| (rng.bytes(), 1 + rng.below(20))).collect();
			leaves.sort_unstable_by_key(|(vehicle, _)| *vehicle);
			let tree = BatchTree::build(count as u64, 0, rng.bytes(), leaves.clone()).unwrap();
			let commitment = tree.commitment();
			assert_eq!(commitment.total, leaves.iter().map(|(_, weight)| weight).sum::<u64>());
			for point in 0..commitment.total {
				let (leaf, salt, proof) = tree.claim_for_point(point).unwrap();
				let range = verify(&commitment, &salt, &leaf, &proof).unwrap();
				assert!(range.contains(point), "{count}: {point} not in {range:?}");
				assert_eq!(tree.leaf_at_point(point), Some(proof.leaf_index));
			}
			assert!(tree.claim_for_point(commitment.total).is_none());
		}
	}
}

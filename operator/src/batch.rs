//! A batch's tree, kept to find the leaf that owns a drawn point and serve its proof.
//!
//! The chain draws points in `[0, total)`; leaf `i` owns `[start_i, start_i + weight_i)`, `start_i`
//! the sum of the weights before it (the range [`valley_merkle_sum::verify`] returns for its
//! proof). [`BatchTree`] keeps the leaves' cumulative ends beside the tree (8 bytes a leaf) and
//! finds a point's leaf by binary search.

use std::collections::BTreeMap;

use sp_arithmetic::Perbill;
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
	// The behaviour factors the weights were taken with (the cars below a clean record).
	factors: BTreeMap<VehicleId, Perbill>,
}

impl BatchTree {
	/// The tree of batch `batch`, cut off at `close_ms`, salted with `salt`, over `leaves`
	/// `(vehicle, weight)` in any order, none of weight 0: sorted into the canonical order (by
	/// leaf salt, so that a proof's sibling cannot be tied to a registry neighbour; see
	/// [`valley_merkle_sum::sort_canonically`]).
	pub fn build(
		batch: u64,
		close_ms: u64,
		salt: Salt,
		leaves: impl IntoIterator<Item = (VehicleId, u64)>,
	) -> Result<Self, Error> {
		let mut leaves: Vec<_> = leaves.into_iter().collect();
		valley_merkle_sum::sort_canonically(&salt, &mut leaves);
		let tree = Tree::from_sorted(salt, leaves.iter().copied())?;
		// The tree checked that the total fits.
		let ends = leaves
			.iter()
			.scan(0u64, |sum, (_, weight)| {
				*sum = sum.saturating_add(*weight);
				Some(*sum)
			})
			.collect();
		Ok(Self {
			batch,
			close_ms,
			commitment: tree.commitment(),
			tree,
			ends,
			factors: BTreeMap::new(),
		})
	}

	/// The same tree, keeping the behaviour `factors` its weights were taken with: each car's
	/// is shown to its owner with its proof.
	pub fn with_factors(self, factors: BTreeMap<VehicleId, Perbill>) -> Self {
		Self { factors, ..self }
	}

	/// `vehicle`'s behaviour factor in the batch: 100 % unless the service listed it lower.
	pub fn behaviour(&self, vehicle: &VehicleId) -> Perbill {
		self.factors.get(vehicle).copied().unwrap_or(Perbill::one())
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

	/// `leaves` in the canonical order of [`SALT`]'s batch: the order of the tree's leaves.
	fn canonical(leaves: &[(VehicleId, u64)]) -> Vec<(VehicleId, u64)> {
		let mut leaves = leaves.to_vec();
		valley_merkle_sum::sort_canonically(&SALT, &mut leaves);
		leaves
	}

	#[test]
	fn points_find_the_leaf_whose_range_holds_them() {
		let input = leaves(&[3, 1, 5]);
		let tree = BatchTree::build(4, 99, SALT, input.clone()).unwrap();
		assert_eq!((tree.batch(), tree.close_ms(), tree.commitment().total), (4, 99, 9));
		let mut start = 0;
		for (index, (_, weight)) in canonical(&input).iter().enumerate() {
			let index = Some(index as u64);
			assert_eq!(tree.leaf_at_point(start), index, "{start}");
			assert_eq!(tree.leaf_at_point(start + weight - 1), index, "{start}");
			start += weight;
		}
		assert_eq!((tree.leaf_at_point(9), tree.leaf_at_point(u64::MAX)), (None, None));
		let empty = BatchTree::build(1, 0, SALT, []).unwrap();
		assert_eq!((empty.leaf_at_point(0), empty.claim_for_point(0)), (None, None));
		assert_eq!(empty.commitment(), Commitment::default());
	}

	#[test]
	fn leaves_are_ordered_by_their_salt_not_their_id() {
		// Ids 1..=16 in id order: the tree's order is the salted one, and another batch's salt
		// orders them otherwise, so a leaf's neighbours say nothing of the registry's.
		let input = leaves(&[1; 16]);
		let tree = BatchTree::build(1, 0, SALT, input.clone()).unwrap();
		let order: Vec<_> = (0..16).map(|i| tree.tree().leaf(i).unwrap().vehicle).collect();
		let ids: Vec<_> = input.iter().map(|(id, _)| *id).collect();
		assert_ne!(order, ids);
		assert_eq!(order, canonical(&input).iter().map(|(id, _)| *id).collect::<Vec<_>>());
		let other = BatchTree::build(2, 0, [0x44; 32], input).unwrap();
		let other: Vec<_> = (0..16).map(|i| other.tree().leaf(i).unwrap().vehicle).collect();
		assert_ne!(order, other);
	}

	#[test]
	fn vehicles_find_their_proofs() {
		let input = leaves(&[3, 1, 5]);
		let tree = BatchTree::build(4, 99, SALT, input.clone()).unwrap();
		let sorted = canonical(&input);
		let index = sorted.iter().position(|(id, _)| *id == [2; 32]).unwrap();
		let start: u64 = sorted[..index].iter().map(|(_, weight)| weight).sum();
		let (leaf, salt, proof) = tree.proof_for_vehicle(&[2; 32]).unwrap();
		assert_eq!((leaf.vehicle, leaf.weight, proof.leaf_index), ([2; 32], 1, index as u64));
		let range = verify(&tree.commitment(), &salt, &leaf, &proof).unwrap();
		assert_eq!((range.start, range.end), (start, start + 1));
		assert!(tree.proof_for_vehicle(&[9; 32]).is_none());
	}

	#[test]
	fn bad_leaves_are_refused() {
		// Any order is put in the canonical one; a car twice, a zero weight or an overflowing
		// sum are refused.
		let table = [
			(leaves(&[1, 0]), Error::ZeroWeight),
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

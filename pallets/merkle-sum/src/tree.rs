//! The whole tree, every level kept: the reference construction, and proofs for the off-chain
//! services.

use alloc::vec::Vec;

use crate::{leaf_salt, Admission, Commitment, Error, Leaf, Node, Proof, Salt, VehicleId};

/// A batch's tree with every level kept, to find leaves and serve their proofs (off chain:
/// about 112 bytes a leaf, see the crate docs).
#[derive(Clone, Debug)]
pub struct Tree {
	batch_salt: Salt,
	total: u64,
	vehicles: Vec<VehicleId>,
	// `levels[0]` the leaves, each next level their parents, the last one the root alone (no level
	// at all for an empty tree).
	levels: Vec<Vec<Node>>,
}

impl Tree {
	/// The tree of the batch salted with `batch_salt` over `leaves`, `(vehicle, weight)` in
	/// canonical order ([`crate::sort_canonically`]); refuses them as
	/// [`crate::RootBuilder::push`] does.
	pub fn from_sorted(
		batch_salt: Salt,
		leaves: impl IntoIterator<Item = (VehicleId, u64)>,
	) -> Result<Self, Error> {
		let leaves = leaves.into_iter();
		let mut admission = Admission::default();
		let mut vehicles = Vec::with_capacity(leaves.size_hint().0);
		let mut level = Vec::with_capacity(leaves.size_hint().0);
		for (vehicle, weight) in leaves {
			let salt = leaf_salt(&batch_salt, &vehicle);
			admission.admit(&salt, weight)?;
			level.push(Node::leaf(&salt, &vehicle, weight));
			vehicles.push(vehicle);
		}
		let mut levels = Vec::new();
		while level.len() > 1 {
			let next = level
				.chunks(2)
				.map(|pair| match pair {
					[left, right] => Node::parent_within_total(left, right),
					[left] => Node::parent_within_total(left, &Node::EMPTY),
					_ => Node::EMPTY,
				})
				.collect();
			levels.push(core::mem::replace(&mut level, next));
		}
		if !level.is_empty() {
			levels.push(level);
		}
		Ok(Self { batch_salt, total: admission.total, vehicles, levels })
	}

	/// The commitment to the tree: root, total and leaf count.
	pub fn commitment(&self) -> Commitment {
		let root = self.levels.last().and_then(|top| top.first()).copied().unwrap_or(Node::EMPTY);
		Commitment { root: root.hash, total: self.total, count: self.len() }
	}

	/// The number of leaves.
	pub fn len(&self) -> u64 {
		self.vehicles.len() as u64
	}

	/// Whether the tree has no leaf.
	pub fn is_empty(&self) -> bool {
		self.vehicles.is_empty()
	}

	/// The tree of the batch salted with `batch_salt` over `leaves` in any order: sorted into
	/// the canonical order first.
	pub fn from_leaves(
		batch_salt: Salt,
		leaves: impl IntoIterator<Item = (VehicleId, u64)>,
	) -> Result<Self, Error> {
		let mut leaves: Vec<_> = leaves.into_iter().collect();
		crate::sort_canonically(&batch_salt, &mut leaves);
		Self::from_sorted(batch_salt, leaves)
	}

	/// The index of `vehicle`'s leaf, if it has one (a binary search by leaf salt: one hash a
	/// step).
	pub fn find(&self, vehicle: &VehicleId) -> Option<u64> {
		let key = leaf_salt(&self.batch_salt, vehicle);
		let index = self
			.vehicles
			.binary_search_by(|other| leaf_salt(&self.batch_salt, other).cmp(&key))
			.ok()?;
		Some(index as u64)
	}

	/// The leaf at `index`.
	pub fn leaf(&self, index: u64) -> Option<Leaf> {
		let index = usize::try_from(index).ok()?;
		let vehicle = *self.vehicles.get(index)?;
		let weight = self.levels.first()?.get(index)?.sum;
		Some(Leaf { vehicle, weight })
	}

	/// The salt of the leaf at `index`, which its proof reveals.
	pub fn leaf_salt(&self, index: u64) -> Option<Salt> {
		let vehicle = self.vehicles.get(usize::try_from(index).ok()?)?;
		Some(leaf_salt(&self.batch_salt, vehicle))
	}

	/// The proof of the leaf at `index`.
	pub fn proof(&self, index: u64) -> Option<Proof> {
		let mut position = usize::try_from(index).ok()?;
		if position >= self.vehicles.len() {
			return None;
		}
		let levels = self.levels.len().saturating_sub(1);
		let siblings = self.levels[..levels]
			.iter()
			.map(|level| {
				let sibling = level.get(position ^ 1).copied().unwrap_or(Node::EMPTY);
				position >>= 1;
				sibling
			})
			.collect::<Vec<_>>();
		Some(Proof { leaf_index: index, siblings: siblings.try_into().ok()? })
	}
}

//! The streaming root builder: O(log n) memory, any number of leaves.

use crate::{depth, leaf_salt, Admission, Commitment, Error, Node, Salt, VehicleId, MAX_DEPTH};

/// Builds a batch's [`Commitment`] from its leaves pushed one by one in canonical order
/// ([`crate::sort_canonically`]), keeping one pending node per level.
#[derive(Clone, Debug)]
pub struct RootBuilder {
	batch_salt: Salt,
	admission: Admission,
	// `pending[k]`: a complete subtree of `2^k` leaves waiting for its right sibling; set exactly
	// where bit `k` of the count is.
	pending: [Option<Node>; MAX_DEPTH as usize],
}

impl RootBuilder {
	/// A builder for the batch salted with `batch_salt`.
	pub fn new(batch_salt: Salt) -> Self {
		Self { batch_salt, admission: Admission::default(), pending: [None; MAX_DEPTH as usize] }
	}

	/// Adds the next leaf. Refuses, changing nothing, a vehicle whose leaf salt is not above the
	/// previous one's, a zero weight, or a weight that takes the total beyond `u64::MAX`.
	pub fn push(&mut self, vehicle: VehicleId, weight: u64) -> Result<(), Error> {
		let salt = leaf_salt(&self.batch_salt, &vehicle);
		self.admission.admit(&salt, weight)?;
		let mut node = Node::leaf(&salt, &vehicle, weight);
		// Carry upward like a binary counter. The count is below 2^64, so a free slot is always
		// found within the 64.
		for slot in self.pending.iter_mut() {
			match slot.take() {
				Some(left) => node = Node::parent_within_total(&left, &node),
				None => {
					*slot = Some(node);
					break;
				},
			}
		}
		Ok(())
	}

	/// The number of leaves pushed so far.
	pub fn count(&self) -> u64 {
		self.admission.count
	}

	/// The sum of the weights pushed so far.
	pub fn total(&self) -> u64 {
		self.admission.total
	}

	/// The commitment to the leaves pushed: the root, the total and the count.
	pub fn finish(self) -> Commitment {
		let depth = depth(self.admission.count) as usize;
		// `carry`: the last node of level `k` when it covers fewer than `2^k` leaves (the count is
		// not a multiple of `2^k`); it is always a right child, or a left one with no sibling.
		let mut carry: Option<Node> = None;
		for pending in self.pending.iter().take(depth) {
			carry = match (pending, carry) {
				(Some(left), Some(right)) => Some(Node::parent_within_total(left, &right)),
				(Some(left), None) => Some(Node::parent_within_total(left, &Node::EMPTY)),
				(None, Some(left)) => Some(Node::parent_within_total(&left, &Node::EMPTY)),
				(None, None) => None,
			};
		}
		// With no carry the count is `2^depth` (or 0) and the root is the full subtree pending at
		// the top.
		let root =
			carry.or_else(|| self.pending.get(depth).copied().flatten()).unwrap_or(Node::EMPTY);
		Commitment { root: root.hash, total: self.admission.total, count: self.admission.count }
	}
}

//! Verifying one leaf's proof against a commitment, as the chain does.

use crate::{depth, Commitment, Error, Leaf, LeafRange, Node, Proof, Salt};

/// Verifies that `leaf`, salted with `leaf_salt`, is leaf `proof.leaf_index` of the tree
/// `commitment` commits to, and returns the range of `[0, total)` it owns.
///
/// Costs `depth(count) + 1` hashes (at most 65) and no allocation.
pub fn verify(
	commitment: &Commitment,
	leaf_salt: &Salt,
	leaf: &Leaf,
	proof: &Proof,
) -> Result<LeafRange, Error> {
	if leaf.weight == 0 {
		return Err(Error::ZeroWeight);
	}
	if proof.leaf_index >= commitment.count {
		return Err(Error::IndexOutOfRange);
	}
	if proof.siblings.len() != depth(commitment.count) as usize {
		return Err(Error::WrongProofLength);
	}
	let mut node = Node::leaf(leaf_salt, &leaf.vehicle, leaf.weight);
	let mut start = 0u64;
	// The node's position in its level, and the number of nodes in that level.
	let (mut position, mut width) = (proof.leaf_index, commitment.count);
	for sibling in proof.siblings.iter() {
		if position & 1 == 0 {
			// Only the last node of a level may lack a right sibling; it has none when the
			// level's width is odd.
			if position.saturating_add(1) >= width && *sibling != Node::EMPTY {
				return Err(Error::PaddingExpected);
			}
			node = Node::parent(&node, sibling)?;
		} else {
			start = start.checked_add(sibling.sum).ok_or(Error::SumOverflow)?;
			node = Node::parent(sibling, &node)?;
		}
		position >>= 1;
		width = width / 2 + width % 2;
	}
	if node.hash != commitment.root {
		return Err(Error::RootMismatch);
	}
	if node.sum != commitment.total {
		return Err(Error::TotalMismatch);
	}
	let end = start.checked_add(leaf.weight).ok_or(Error::SumOverflow)?;
	Ok(LeafRange { start, end })
}

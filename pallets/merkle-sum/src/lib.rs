//! # Merkle-sum trees for mileage mining
//!
//! A salted Merkle-sum tree over one batch's `(vehicle, weight)` leaves: operators build its root
//! off chain in O(log n) memory, the chain verifies one leaf's proof in O(log n) and learns the
//! range of the total that leaf owns, and random points in `[0, total)` pick the winning leaves.
//!
//! ## Overview
//!
//! At each mileage batch every oracle operator builds a tree over the cars' 30-day weights and
//! commits its [`Commitment`] `(root, total, count)`; the chain accepts what a majority commits.
//! Every parent hashes both children's hashes *and* sums, so the root fixes the sum of every
//! subtree: the ranges the leaves own tile `[0, total)` in leaf order, and nobody can prove a leaf
//! into a range that is not its own, nor under-report one subtree to widen another. With
//! randomness unknown when the root was accepted the chain draws points in `[0, total)`
//! ([`point`], [`points`]); a winner is shown by its [`Leaf`], its leaf salt and its [`Proof`],
//! which [`verify`] checks against the commitment, returning the leaf's [`LeafRange`] for
//! [`point_in`]. Per-car weights never go on chain; only the winners' leaves are revealed.
//!
//! The crate is pure (no storage, no FRAME) and `no_std`: the mileage pallet verifies with it in
//! the runtime, operators' workers and node-side services build roots and serve proofs with it.
//!
//! ## How to use
//!
//! ```
//! use valley_merkle_sum::{point, point_in, verify, RootBuilder, Tree};
//!
//! let batch_salt = [7u8; 32]; // derived off chain from a secret of the car maker's service
//! let leaves = [([1u8; 32], 30u64), ([2u8; 32], 0), ([5u8; 32], 12)];
//! // Zero-weight cars cannot win: leave them out. The rest go in canonical order: ascending
//! // leaf salt, a keyed hash of the vehicle id under the batch salt.
//! let mut sorted: Vec<_> = leaves.into_iter().filter(|(_, weight)| *weight > 0).collect();
//! valley_merkle_sum::sort_canonically(&batch_salt, &mut sorted);
//! let sorted = sorted.into_iter();
//!
//! // An operator's worker: a streaming root, O(log n) memory.
//! let mut builder = RootBuilder::new(batch_salt);
//! for (vehicle, weight) in sorted.clone() {
//!     builder.push(vehicle, weight)?;
//! }
//! let commitment = builder.finish();
//! assert_eq!((commitment.total, commitment.count), (42, 2));
//!
//! // The node-side service: every level kept, proofs on request.
//! let tree = Tree::from_sorted(batch_salt, sorted)?;
//! assert_eq!(tree.commitment(), commitment);
//! let index = tree.find(&[5u8; 32]).expect("in the batch");
//! let (leaf, salt, proof) =
//!     (tree.leaf(index).unwrap(), tree.leaf_salt(index).unwrap(), tree.proof(index).unwrap());
//!
//! // The chain: points in [0, total), then the winner's proof.
//! let randomness = [9u8; 32];
//! let p = point(&randomness, commitment.total, 0).expect("total > 0");
//! let range = verify(&commitment, &salt, &leaf, &proof)?;
//! // Car 5 owns 12 of the 42: which 12 depends on where the salted order puts it.
//! assert_eq!(range.end - range.start, 12);
//! assert!(range.end <= commitment.total);
//! let _wins = point_in(&range, p);
//! # Ok::<(), valley_merkle_sum::Error>(())
//! ```
//!
//! ## Implementation notes
//!
//! ### Hashing
//!
//! All hashes are `blake2_256` ([`sp_io::hashing::blake2_256`]: a host function in the runtime),
//! each over a fixed-length preimage that starts with its own 16-byte domain tag, so a leaf can
//! never be taken for a node, nor a salt for either; integers are little-endian:
//!
//! - leaf salt: `blake2_256(b"valley/msum/salt" ++ batch_salt ++ vehicle)` ([`leaf_salt`]);
//! - leaf: `Node { hash: blake2_256(b"valley/msum/leaf" ++ leaf_salt ++ vehicle ++ weight_le),
//!   sum: weight }` ([`Node::leaf`]);
//! - parent: `Node { hash: blake2_256(b"valley/msum/node" ++ left.hash ++ left.sum_le ++
//!   right.hash ++ right.sum_le), sum: left.sum + right.sum }` ([`Node::parent`], checked);
//! - point `i`: `blake2_256(b"valley/msum/draw" ++ randomness ++ i_le)` ([`point`]).
//!
//! ### Shape
//!
//! Leaves go in ascending order of their leaf salt ([`leaf_salt`]: a keyed hash of the vehicle id
//! under the batch salt; [`sort_canonically`]), one per vehicle, none of weight zero: the
//! builders refuse anything else ([`Error::Unsorted`], [`Error::Duplicate`],
//! [`Error::ZeroWeight`]), so honest operators with the same weights build the same root. Level 0 is the leaves; each
//! level above pairs the nodes of the one below in order, and a level with an odd number of nodes
//! (more than one) pairs its last node with [`Node::EMPTY`] `{ hash: [0; 32], sum: 0 }`. The level
//! with one node is the root. So `count` leaves give a tree of depth `⌈log2 count⌉` ([`depth`]):
//! one leaf is its own root (depth 0), and an empty tree's root is [`Node::EMPTY`] with total 0
//! and count 0. Padding is per level, not up to a power of two: the node over leaves 4..5 of a
//! 5-leaf tree is `parent(parent(leaf4, EMPTY), EMPTY)`. Finding a leaf or parent that hashes to
//! `[0; 32]` means inverting blake2, so `EMPTY` stands for nothing else.
//!
//! ### Streaming
//!
//! [`RootBuilder`] keeps one pending node per level, like the carries of a binary counter: the
//! `k`-th slot holds a complete subtree of `2^k` leaves waiting for its right sibling, so pushing a
//! leaf merges upward while slots are full. [`RootBuilder::finish`] folds the slots left over from
//! the bottom, padding with `EMPTY` exactly where the level-by-level construction does. Memory is
//! 64 slots whatever the count (about 3 KiB); 10,000,000 leaves need no vector at all. Work is one
//! salt hash, one leaf hash and about one parent hash per leaf.
//!
//! [`Tree`] (off chain) keeps every level, about `2 × count` nodes of 40 bytes, plus the vehicle
//! ids (32 bytes a leaf) to find leaves by vehicle: about 112 bytes a leaf, 112 MB for 1,000,000
//! leaves and 1.1 GB for 10,000,000. A service that only serves a few proofs can instead stream
//! the leaves again and keep the `O(log n)` siblings of the leaves it was asked for.
//!
//! ### Verification
//!
//! [`verify`] refuses a proof whose index is not below the committed count or whose length is not
//! exactly `depth(count)`, so neither a shorter proof (an inner node passed off as a leaf) nor a
//! longer one is taken. It recomputes the root bottom-up, the leaf index's bits saying whether
//! the node is the left (bit 0) or the right (bit 1) child at each level; a right sibling past the
//! end of its level must be `EMPTY`. It checks the hash and then the total against the
//! commitment, and returns `[start, start + weight)`, `start` being the sum of the siblings on
//! the left: the leaves before this one. All sums are checked ([`Error::SumOverflow`]).
//!
//! ### Points
//!
//! Point `i` of a draw takes the first 16 bytes of its hash as a 128-bit number `x` and maps it to
//! `⌊x · total / 2^128⌋` (a 128-bit multiply-shift): one hash and no loop, so its weight is
//! constant. No modulo bias: each value in `[0, total)` has `⌊2^128 / total⌋` or one more
//! preimages, so its probability is off from `1 / total` by less than `2^-128`, relatively by
//! less than `total / 2^128 < 2^-64`. Redrawing a point that lands in a leaf already drawn is the
//! pallet's rule: it asks for points `n, n + 1, …` up to its own bound.
//!
//! ### Privacy: what a proof reveals
//!
//! The chain needs the winner's `(vehicle, weight)` and the salt of its leaf to bind the proof to
//! the car it pays: a bare leaf hash would let anyone claim any car. So a proof reveals the
//! winner's vehicle id, its weight, its leaf salt, its index (its rank among the batch's cars with
//! weight) and `depth` siblings, each a hash and a sum.
//!
//! - The salt revealed is the leaf's own, `blake2_256(tag ++ batch_salt ++ vehicle)`: it says
//!   nothing of the batch salt nor of any other leaf's salt. Had the batch salt been revealed,
//!   anyone could test every registered vehicle id against the sibling leaf hashes of every proof
//!   of that batch, and know exactly whose weight each sibling leaf is.
//! - The sibling at level 0 is one neighbouring leaf (unless it is `EMPTY`): its sum *is* that
//!   car's weight. Its hash, salted with a salt nobody outside the operators knows, does not say
//!   which car it is, and neither does its place: leaves are sorted by their leaf salt, a keyed
//!   hash under the batch salt, so a leaf's neighbours are unrelated to its neighbours in the
//!   on-chain registry and change from batch to batch. Siblings higher up are sums over 2, 4,
//!   8, … cars. (Sorting by vehicle id, as this crate did first, made the neighbour most likely
//!   the next registered id: a leak of one other car's weight per winner.) The price is a full
//!   sort per batch off chain.
//! - Across batches: each batch has its own salt, so the same car with the same weight gives
//!   unrelated leaf hashes; nothing links a non-winning leaf of one batch to another batch.
//! - Vehicle ids are keyed hashes of the VIN (a secret of the car maker's service): a VIN read off
//!   a windshield finds nothing on chain, winning or not.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod builder;
mod points;
mod tree;
mod verify;

#[cfg(test)]
mod tests;

pub use builder::RootBuilder;
pub use points::{point, point_in, points};
pub use tree::Tree;
pub use verify::verify;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{bounded::BoundedVec, ConstU32};
use sp_io::hashing::blake2_256;

/// A 256-bit hash.
pub type Hash = [u8; 32];

/// A vehicle's pseudonymous id: a keyed hash of its VIN.
pub type VehicleId = [u8; 32];

/// A 256-bit salt: a batch's secret salt, or the salt of one leaf derived from it.
pub type Salt = [u8; 32];

/// The deepest tree there can be: a count is a `u64`, so below `2^64` leaves.
pub const MAX_DEPTH: u32 = 64;

/// [`MAX_DEPTH`] as a type, the bound of a proof's siblings.
pub type MaxDepth = ConstU32<MAX_DEPTH>;

/// Domain tag of a leaf salt's preimage.
pub const SALT_TAG: &[u8; 16] = b"valley/msum/salt";
/// Domain tag of a leaf hash's preimage.
pub const LEAF_TAG: &[u8; 16] = b"valley/msum/leaf";
/// Domain tag of a parent hash's preimage.
pub const NODE_TAG: &[u8; 16] = b"valley/msum/node";
/// Domain tag of a drawn point's preimage.
pub const DRAW_TAG: &[u8; 16] = b"valley/msum/draw";

/// Why a leaf was refused or a proof did not verify.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Error {
	/// A leaf's salt is below the previous leaf's: push leaves in canonical order
	/// ([`sort_canonically`]).
	Unsorted,
	/// A vehicle came twice: give each vehicle one leaf, its whole weight.
	Duplicate,
	/// A leaf weighs nothing: leave zero-weight vehicles out, they cannot win.
	ZeroWeight,
	/// A sum went above `u64::MAX`: scale the weights down.
	SumOverflow,
	/// The proof's leaf index is not below the commitment's leaf count.
	IndexOutOfRange,
	/// The proof does not have exactly `depth(count)` siblings for the commitment's count.
	WrongProofLength,
	/// A right sibling past the end of its level is not the empty node.
	PaddingExpected,
	/// The root recomputed from the leaf, its salt, its index and the siblings is not the
	/// committed root: one of them is not what was committed.
	RootMismatch,
	/// The root hash matches but its sum is not the committed total: the commitment is
	/// inconsistent.
	TotalMismatch,
}

impl core::fmt::Display for Error {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		core::fmt::Debug::fmt(self, f)
	}
}

impl core::error::Error for Error {}

/// A node of the tree: a hash and the sum of the weights of the leaves below it.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Node {
	/// The leaf hash, or the hash of the two children's hashes and sums.
	pub hash: Hash,
	/// The leaf's weight, or the sum of the two children's sums.
	pub sum: u64,
}

impl Node {
	/// The padding of a level with an odd number of nodes, and the root of an empty tree.
	pub const EMPTY: Node = Node { hash: [0; 32], sum: 0 };

	/// The leaf of `vehicle` with `weight`, salted with the leaf's own salt (see [`leaf_salt`]).
	pub fn leaf(leaf_salt: &Salt, vehicle: &VehicleId, weight: u64) -> Node {
		let mut preimage = [0u8; 16 + 32 + 32 + 8];
		preimage[..16].copy_from_slice(LEAF_TAG);
		preimage[16..48].copy_from_slice(leaf_salt);
		preimage[48..80].copy_from_slice(vehicle);
		preimage[80..].copy_from_slice(&weight.to_le_bytes());
		Node { hash: blake2_256(&preimage), sum: weight }
	}

	/// The parent of `left` and `right`; fails when their sums add up beyond `u64::MAX`.
	pub fn parent(left: &Node, right: &Node) -> Result<Node, Error> {
		let sum = left.sum.checked_add(right.sum).ok_or(Error::SumOverflow)?;
		Ok(Node { hash: parent_hash(left, right), sum })
	}

	/// The parent of two nodes whose sums are known to fit (they are below a checked total).
	pub(crate) fn parent_within_total(left: &Node, right: &Node) -> Node {
		Node { hash: parent_hash(left, right), sum: left.sum.saturating_add(right.sum) }
	}
}

fn parent_hash(left: &Node, right: &Node) -> Hash {
	let mut preimage = [0u8; 16 + 2 * (32 + 8)];
	preimage[..16].copy_from_slice(NODE_TAG);
	preimage[16..48].copy_from_slice(&left.hash);
	preimage[48..56].copy_from_slice(&left.sum.to_le_bytes());
	preimage[56..88].copy_from_slice(&right.hash);
	preimage[88..].copy_from_slice(&right.sum.to_le_bytes());
	blake2_256(&preimage)
}

/// The salt of `vehicle`'s leaf in the batch salted with `batch_salt`. A winner reveals only
/// this, never the batch salt.
pub fn leaf_salt(batch_salt: &Salt, vehicle: &VehicleId) -> Salt {
	let mut preimage = [0u8; 16 + 32 + 32];
	preimage[..16].copy_from_slice(SALT_TAG);
	preimage[16..48].copy_from_slice(batch_salt);
	preimage[48..].copy_from_slice(vehicle);
	blake2_256(&preimage)
}

/// The depth of a tree of `count` leaves, and so the length of every proof in it:
/// `⌈log2 count⌉`, 0 for no leaf or one.
pub fn depth(count: u64) -> u32 {
	match count {
		0 | 1 => 0,
		n => u64::BITS - (n - 1).leading_zeros(),
	}
}

/// A leaf: a vehicle and its weight in the batch.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Leaf {
	/// The vehicle's keyed id.
	pub vehicle: VehicleId,
	/// Its weight in the batch (its 30-day mileage, behaviour factor applied).
	pub weight: u64,
}

/// What an operator commits for a batch: the root hash, the total weight and the number of
/// leaves.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Commitment {
	/// The root's hash.
	pub root: Hash,
	/// The root's sum: the total weight, the range the batch's points are drawn in.
	pub total: u64,
	/// The number of leaves: vehicles with a weight in the batch.
	pub count: u64,
}

/// A leaf's inclusion proof: its index and the siblings on its way up, bottom first.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Proof {
	/// The leaf's position, from 0, in canonical order (ascending leaf salt).
	pub leaf_index: u64,
	/// The sibling of the leaf, then of its parent, and so on up to a child of the root.
	pub siblings: BoundedVec<Node, MaxDepth>,
}

/// The part `[start, end)` of `[0, total)` that a leaf owns: its weight, after the weights of the
/// leaves before it.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct LeafRange {
	/// The first point in the leaf: the sum of the weights before it.
	pub start: u64,
	/// The first point past the leaf: `start + weight`.
	pub end: u64,
}

impl LeafRange {
	/// Whether `point` falls in the range.
	pub fn contains(&self, point: u64) -> bool {
		self.start <= point && point < self.end
	}
}

/// Sorts `leaves` into the canonical order of the batch salted with `batch_salt`: ascending leaf
/// salt ([`leaf_salt`]). One hash a leaf.
pub fn sort_canonically(batch_salt: &Salt, leaves: &mut [(VehicleId, u64)]) {
	leaves.sort_by_cached_key(|(vehicle, _)| leaf_salt(batch_salt, vehicle));
}

/// Admits leaves in canonical order (by their leaf salt) and keeps their count and checked
/// total.
#[derive(Clone, Default, Debug)]
pub(crate) struct Admission {
	last: Option<Salt>,
	count: u64,
	total: u64,
}

impl Admission {
	/// Admits the next leaf, of leaf salt `key`, or refuses it changing nothing.
	fn admit(&mut self, key: &Salt, weight: u64) -> Result<(), Error> {
		if weight == 0 {
			return Err(Error::ZeroWeight);
		}
		match self.last {
			// One leaf salt, one vehicle (blake2 does not collide).
			Some(last) if *key == last => return Err(Error::Duplicate),
			Some(last) if *key < last => return Err(Error::Unsorted),
			_ => {},
		}
		let total = self.total.checked_add(weight).ok_or(Error::SumOverflow)?;
		// Below 2^64 as the total is, and every leaf weighs at least 1.
		let count = self.count.checked_add(1).ok_or(Error::SumOverflow)?;
		(self.last, self.count, self.total) = (Some(*key), count, total);
		Ok(())
	}
}

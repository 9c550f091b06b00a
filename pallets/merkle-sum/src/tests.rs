//! Table-driven and property-style tests with a tiny seeded generator.

use alloc::{vec, vec::Vec};

use codec::{Decode, Encode};
use sp_io::hashing::blake2_256;

use crate::{points::multiply_shift, *};

/// SplitMix64: deterministic, good enough to make test data.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		z ^ (z >> 31)
	}

	fn below(&mut self, n: u64) -> u64 {
		multiply_shift((u128::from(self.next()) << 64) | u128::from(self.next()), n)
	}

	fn bytes(&mut self) -> [u8; 32] {
		let mut out = [0u8; 32];
		for chunk in out.chunks_mut(8) {
			chunk.copy_from_slice(&self.next().to_le_bytes());
		}
		out
	}
}

/// `n` leaves with distinct random ids in the canonical order of [`SALT`]'s batch, weights
/// `1..=max_weight`.
fn random_leaves(rng: &mut Rng, n: usize, max_weight: u64) -> Vec<(VehicleId, u64)> {
	let mut leaves: Vec<_> = (0..n).map(|_| (rng.bytes(), 1 + rng.below(max_weight))).collect();
	leaves.sort_unstable_by_key(|(vehicle, _)| *vehicle);
	leaves.dedup_by_key(|(vehicle, _)| *vehicle);
	assert_eq!(leaves.len(), n);
	crate::sort_canonically(&SALT, &mut leaves);
	leaves
}

/// `leaves` in the canonical order of the batch salted with `batch_salt`.
fn canonical(batch_salt: Salt, leaves: &[(VehicleId, u64)]) -> Vec<(VehicleId, u64)> {
	let mut leaves = leaves.to_vec();
	crate::sort_canonically(&batch_salt, &mut leaves);
	leaves
}

fn stream(batch_salt: Salt, leaves: &[(VehicleId, u64)]) -> Commitment {
	let mut builder = RootBuilder::new(batch_salt);
	for (vehicle, weight) in canonical(batch_salt, leaves) {
		builder.push(vehicle, weight).unwrap();
	}
	builder.finish()
}

fn tree(batch_salt: Salt, leaves: &[(VehicleId, u64)]) -> Tree {
	Tree::from_leaves(batch_salt, leaves.iter().copied()).unwrap()
}

/// Leaf `index`'s salt, leaf and proof, as a winner shows them.
fn shown(tree: &Tree, index: u64) -> (Salt, Leaf, Proof) {
	(tree.leaf_salt(index).unwrap(), tree.leaf(index).unwrap(), tree.proof(index).unwrap())
}

fn with_siblings(proof: &Proof, siblings: Vec<Node>) -> Proof {
	Proof { leaf_index: proof.leaf_index, siblings: siblings.try_into().unwrap() }
}

fn parent(left: &Node, right: &Node) -> Node {
	Node::parent(left, right).unwrap()
}

const SALT: Salt = [0x5a; 32];

#[test]
fn empty_tree_commits_to_the_empty_node() {
	let empty = Commitment { root: [0; 32], total: 0, count: 0 };
	assert_eq!(RootBuilder::new(SALT).finish(), empty);
	let tree = tree(SALT, &[]);
	assert_eq!(tree.commitment(), empty);
	assert!(tree.is_empty());
	assert_eq!((tree.proof(0), tree.leaf(0), tree.find(&[1; 32])), (None, None, None));
	let leaf = Leaf { vehicle: [1; 32], weight: 1 };
	let proof = Proof { leaf_index: 0, siblings: Default::default() };
	assert_eq!(verify(&empty, &SALT, &leaf, &proof), Err(Error::IndexOutOfRange));
}

#[test]
fn one_leaf_is_its_own_root() {
	let (vehicle, weight) = ([3; 32], 17);
	let commitment = stream(SALT, &[(vehicle, weight)]);
	let leaf = Node::leaf(&leaf_salt(&SALT, &vehicle), &vehicle, weight);
	assert_eq!(commitment, Commitment { root: leaf.hash, total: 17, count: 1 });
	let tree = tree(SALT, &[(vehicle, weight)]);
	let (salt, leaf, proof) = shown(&tree, 0);
	assert!(proof.siblings.is_empty());
	assert_eq!(verify(&commitment, &salt, &leaf, &proof), Ok(LeafRange { start: 0, end: 17 }));
}

#[test]
fn hashes_are_the_documented_preimages() {
	let (batch_salt, vehicle, weight) = ([1u8; 32], [2u8; 32], 0x0102_0304_0506_0708u64);
	let salt = leaf_salt(&batch_salt, &vehicle);
	assert_eq!(salt, blake2_256(&[&b"valley/msum/salt"[..], &batch_salt, &vehicle].concat()));
	let leaf = Node::leaf(&salt, &vehicle, weight);
	let preimage = [&b"valley/msum/leaf"[..], &salt, &vehicle, &weight.to_le_bytes()].concat();
	assert_eq!(leaf, Node { hash: blake2_256(&preimage), sum: weight });
	let right = Node { hash: [9; 32], sum: 5 };
	let preimage = [
		&b"valley/msum/node"[..],
		&leaf.hash,
		&weight.to_le_bytes(),
		&right.hash,
		&5u64.to_le_bytes(),
	]
	.concat();
	assert_eq!(parent(&leaf, &right), Node { hash: blake2_256(&preimage), sum: weight + 5 });
	// Parents are ordered: swapping the children changes the hash.
	assert_ne!(parent(&leaf, &right).hash, parent(&right, &leaf).hash);
	let preimage = [&b"valley/msum/draw"[..], &[4u8; 32], &7u32.to_le_bytes()].concat();
	let x = u128::from_le_bytes(blake2_256(&preimage)[..16].try_into().unwrap());
	assert_eq!(point(&[4; 32], 1000, 7), Some(multiply_shift(x, 1000)));
}

#[test]
fn depth_is_the_ceiling_of_log2_of_the_count() {
	for (count, expected) in [
		(0, 0),
		(1, 0),
		(2, 1),
		(3, 2),
		(4, 2),
		(5, 3),
		(8, 3),
		(9, 4),
		(1 << 20, 20),
		((1 << 20) + 1, 21),
		(10_000_000, 24),
		(1 << 63, 63),
		(u64::MAX, 64),
	] {
		assert_eq!(depth(count), expected, "count {count}");
	}
}

#[test]
fn each_odd_level_is_padded_with_the_empty_node() {
	// In canonical order, so that every prefix is too.
	let leaves = canonical(SALT, &(1..=5u8).map(|i| ([i; 32], u64::from(i))).collect::<Vec<_>>());
	let l: Vec<_> = leaves.iter().map(|(v, w)| Node::leaf(&leaf_salt(&SALT, v), v, *w)).collect();
	let e = Node::EMPTY;
	let expected = [
		e,
		l[0],
		parent(&l[0], &l[1]),
		parent(&parent(&l[0], &l[1]), &parent(&l[2], &e)),
		parent(&parent(&l[0], &l[1]), &parent(&l[2], &l[3])),
		parent(
			&parent(&parent(&l[0], &l[1]), &parent(&l[2], &l[3])),
			&parent(&parent(&l[4], &e), &e),
		),
	];
	for (n, root) in expected.iter().enumerate() {
		let commitment = stream(SALT, &leaves[..n]);
		assert_eq!(commitment.root, root.hash, "{n} leaves");
		assert_eq!(commitment.total, root.sum, "{n} leaves");
		assert_eq!(tree(SALT, &leaves[..n]).commitment(), commitment, "{n} leaves");
	}
}

#[test]
fn streaming_matches_the_levels_for_every_size_up_to_70() {
	for seed in 0..4 {
		let mut rng = Rng(seed);
		for n in 0..=70 {
			let leaves = random_leaves(&mut rng, n, if seed == 3 { u64::MAX / 128 } else { 1000 });
			let commitment = stream(SALT, &leaves);
			assert_eq!(commitment, tree(SALT, &leaves).commitment(), "seed {seed}, {n} leaves");
			assert_eq!(commitment.count, n as u64);
			assert_eq!(commitment.total, leaves.iter().map(|(_, w)| w).sum::<u64>());
		}
	}
}

#[test]
fn every_proof_verifies_and_the_ranges_tile_the_total_in_order() {
	let mut rng = Rng(11);
	for n in [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 70, 100, 257] {
		let leaves = random_leaves(&mut rng, n, 500);
		let tree = tree(SALT, &leaves);
		let commitment = tree.commitment();
		let mut next = 0;
		for (index, (vehicle, weight)) in leaves.iter().enumerate() {
			let index = index as u64;
			assert_eq!(tree.find(vehicle), Some(index));
			let (salt, leaf, proof) = shown(&tree, index);
			assert_eq!(leaf, Leaf { vehicle: *vehicle, weight: *weight });
			assert_eq!(proof.siblings.len(), depth(n as u64) as usize);
			let range = verify(&commitment, &salt, &leaf, &proof).unwrap();
			assert_eq!(range, LeafRange { start: next, end: next + weight }, "{n} leaves, {index}");
			next = range.end;
		}
		assert_eq!(next, commitment.total);
	}
}

#[test]
fn forged_sibling_sums_and_hashes_fail() {
	let leaves = random_leaves(&mut Rng(5), 13, 1000);
	let tree = tree(SALT, &leaves);
	let commitment = tree.commitment();
	for index in 0..13 {
		let (salt, leaf, proof) = shown(&tree, index);
		for level in 0..proof.siblings.len() {
			let forge = |change: &dyn Fn(&mut Node)| {
				let mut siblings = proof.siblings.to_vec();
				change(&mut siblings[level]);
				verify(&commitment, &salt, &leaf, &with_siblings(&proof, siblings))
			};
			let expected = if proof.siblings[level] == Node::EMPTY {
				Error::PaddingExpected
			} else {
				assert_eq!(forge(&|s| s.sum -= 1), Err(Error::RootMismatch), "{index}/{level}");
				Error::RootMismatch
			};
			assert_eq!(forge(&|s| s.sum += 1), Err(expected), "{index}/{level}");
			assert_eq!(forge(&|s| s.hash[7] ^= 1), Err(expected), "{index}/{level}");
		}
	}
}

#[test]
fn a_wrong_leaf_weight_salt_or_index_fails() {
	let leaves = random_leaves(&mut Rng(6), 8, 1000);
	let tree = tree(SALT, &leaves);
	let commitment = tree.commitment();
	let (salt, leaf, proof) = shown(&tree, 2);
	let heavier = Leaf { weight: leaf.weight + 1, ..leaf };
	assert!(leaf.weight > 1);
	let lighter = Leaf { weight: leaf.weight - 1, ..leaf };
	let weightless = Leaf { weight: 0, ..leaf };
	let other_vehicle = Leaf { vehicle: leaves[3].0, ..leaf };
	for (wrong, expected) in [
		(heavier, Error::RootMismatch),
		(lighter, Error::RootMismatch),
		(weightless, Error::ZeroWeight),
		(other_vehicle, Error::RootMismatch),
	] {
		assert_eq!(verify(&commitment, &salt, &wrong, &proof), Err(expected));
	}
	for wrong_salt in
		[SALT, leaf_salt(&SALT, &leaves[3].0), [0; 32], leaf_salt(&[1; 32], &leaf.vehicle)]
	{
		assert_eq!(verify(&commitment, &wrong_salt, &leaf, &proof), Err(Error::RootMismatch));
	}
	for (leaf_index, expected) in
		[(3, Error::RootMismatch), (0, Error::RootMismatch), (6, Error::RootMismatch)]
	{
		let moved = Proof { leaf_index, ..proof.clone() };
		assert_eq!(verify(&commitment, &salt, &leaf, &moved), Err(expected));
	}
	for leaf_index in [8, 9, u64::MAX] {
		let moved = Proof { leaf_index, ..proof.clone() };
		assert_eq!(verify(&commitment, &salt, &leaf, &moved), Err(Error::IndexOutOfRange));
	}
}

#[test]
fn truncated_or_extended_proofs_fail() {
	for n in [2usize, 3, 5, 8, 13] {
		let leaves = random_leaves(&mut Rng(n as u64), n, 1000);
		let tree = tree(SALT, &leaves);
		let commitment = tree.commitment();
		let (salt, leaf, proof) = shown(&tree, 1);
		let mut shorter = proof.siblings.to_vec();
		shorter.pop();
		let mut longer = proof.siblings.to_vec();
		longer.push(Node::EMPTY);
		let mut deeper = proof.siblings.to_vec();
		deeper.insert(0, Node { hash: [1; 32], sum: 1 });
		for siblings in [vec![], shorter, longer, deeper] {
			let forged = with_siblings(&proof, siblings);
			assert_eq!(verify(&commitment, &salt, &leaf, &forged), Err(Error::WrongProofLength));
		}
	}
	// An inner node passed off as a leaf: its proof is one sibling short.
	let leaves = random_leaves(&mut Rng(2), 4, 1000);
	let tree = tree(SALT, &leaves);
	let proof = tree.proof(0).unwrap();
	let inner = Proof { leaf_index: 0, siblings: proof.siblings[1..].to_vec().try_into().unwrap() };
	let (salt, leaf, _) = shown(&tree, 0);
	assert_eq!(verify(&tree.commitment(), &salt, &leaf, &inner), Err(Error::WrongProofLength));
}

#[test]
fn a_proof_fails_against_another_batch() {
	let leaves = random_leaves(&mut Rng(8), 21, 1000);
	let this_batch = tree(SALT, &leaves);
	let next_batch = tree([0xa5; 32], &leaves);
	assert_eq!(
		(this_batch.commitment().total, this_batch.commitment().count),
		(next_batch.commitment().total, next_batch.commitment().count)
	);
	assert_ne!(this_batch.commitment().root, next_batch.commitment().root);
	for index in 0..21 {
		let (salt, leaf, proof) = shown(&this_batch, index);
		assert_eq!(
			verify(&next_batch.commitment(), &salt, &leaf, &proof),
			Err(Error::RootMismatch)
		);
	}
	// And against a batch with one car more, the count no longer fits the proof.
	let mut more = leaves.clone();
	more.push(([0xff; 32], 1));
	let (salt, leaf, proof) = shown(&this_batch, 0);
	let bigger = Tree::from_leaves(SALT, more).unwrap().commitment();
	assert_eq!(verify(&bigger, &salt, &leaf, &proof), Err(Error::RootMismatch));
	let leaves = random_leaves(&mut Rng(8), 16, 1000);
	let sixteen = tree(SALT, &leaves);
	let mut more = leaves.clone();
	more.push(([0xff; 32], 1));
	let (salt, leaf, proof) = shown(&sixteen, 0);
	let seventeen = Tree::from_leaves(SALT, more).unwrap().commitment();
	assert_eq!(verify(&seventeen, &salt, &leaf, &proof), Err(Error::WrongProofLength));
}

#[test]
fn a_commitment_with_another_total_fails() {
	let leaves = random_leaves(&mut Rng(9), 6, 1000);
	let tree = tree(SALT, &leaves);
	let (salt, leaf, proof) = shown(&tree, 4);
	for total in [tree.commitment().total - 1, tree.commitment().total + 1, 0, u64::MAX] {
		let commitment = Commitment { total, ..tree.commitment() };
		assert_eq!(verify(&commitment, &salt, &leaf, &proof), Err(Error::TotalMismatch));
	}
}

#[test]
fn leaves_out_of_canonical_order_are_refused_changing_nothing() {
	// Three leaves in canonical order, and two ids whose leaf salts fall before the second's.
	let ids: Vec<VehicleId> = (0u8..=255).map(|byte| [byte; 32]).collect();
	let mut by_salt = ids.clone();
	by_salt.sort_by_cached_key(|id| leaf_salt(&SALT, id));
	let leaves = [(by_salt[10], 5u64), (by_salt[20], 6), (by_salt[30], 7)];
	let after = by_salt[40];
	for (bad, expected) in [
		((by_salt[20], 1u64), Error::Duplicate),
		((by_salt[15], 1), Error::Unsorted),
		((by_salt[0], 1), Error::Unsorted),
		((after, 0), Error::ZeroWeight),
		((after, u64::MAX - 10), Error::SumOverflow),
	] {
		let mut builder = RootBuilder::new(SALT);
		builder.push(leaves[0].0, leaves[0].1).unwrap();
		builder.push(leaves[1].0, leaves[1].1).unwrap();
		assert_eq!(builder.push(bad.0, bad.1), Err(expected), "{bad:?}");
		assert_eq!((builder.count(), builder.total()), (2, 11));
		builder.push(leaves[2].0, leaves[2].1).unwrap();
		assert_eq!(builder.finish(), stream(SALT, &leaves));
		let with_bad = [leaves[0], leaves[1], bad, leaves[2]];
		assert_eq!(Tree::from_sorted(SALT, with_bad).unwrap_err(), expected);
	}
	let mut builder = RootBuilder::new(SALT);
	assert_eq!(builder.push([1; 32], 0), Err(Error::ZeroWeight));
}

#[test]
fn sums_up_to_u64_max_fit_and_beyond_fail() {
	let leaves = [([1u8; 32], u64::MAX - 2), ([2; 32], 1), ([3; 32], 1)];
	let tree = tree(SALT, &leaves);
	let commitment = tree.commitment();
	assert_eq!(commitment, stream(SALT, &leaves));
	assert_eq!(commitment.total, u64::MAX);
	let (salt, leaf, proof) = shown(&tree, 2);
	assert_eq!(
		verify(&commitment, &salt, &leaf, &proof),
		Ok(LeafRange { start: u64::MAX - 1, end: u64::MAX })
	);
	let mut siblings = proof.siblings.to_vec();
	siblings[1].sum = u64::MAX;
	assert_eq!(
		verify(&commitment, &salt, &leaf, &with_siblings(&proof, siblings)),
		Err(Error::SumOverflow)
	);
	assert_eq!(
		Tree::from_leaves(SALT, [([1u8; 32], u64::MAX), ([2; 32], 1)]).unwrap_err(),
		Error::SumOverflow
	);
	let right = Node { hash: [1; 32], sum: 1 };
	assert_eq!(
		Node::parent(&Node { hash: [0; 32], sum: u64::MAX }, &right),
		Err(Error::SumOverflow)
	);
}

#[test]
fn roots_are_deterministic_and_depend_on_every_input() {
	let leaves = random_leaves(&mut Rng(12), 40, 1000);
	let commitment = stream(SALT, &leaves);
	assert_eq!(stream(SALT, &leaves), commitment);
	assert_eq!(tree(SALT, &leaves).commitment(), commitment);
	assert_ne!(stream([0; 32], &leaves).root, commitment.root);
	let mut heavier = leaves.clone();
	heavier[17].1 += 1;
	assert_ne!(stream(SALT, &heavier).root, commitment.root);
	let mut renamed = leaves.clone();
	renamed[17].0[31] ^= 1;
	assert_ne!(stream(SALT, &renamed).root, commitment.root);
	// A root pinned once (and recomputed from the documented rules with Python's hashlib:
	// leaves in ascending leaf-salt order, here cars 2, 3, 1), so that a change to the rules
	// cannot go unnoticed.
	let pinned = stream([0; 32], &[([1; 32], 1), ([2; 32], 2), ([3; 32], 3)]);
	assert_eq!((pinned.total, pinned.count), (6, 3));
	assert_eq!(
		pinned.root,
		hex(b"a663584f9ae59d7eac20537671dbb3b4a9d8f87bf15370730f16df297b06f806"),
		"pinned root changed: {}",
		pinned.root.iter().map(|b| alloc::format!("{b:02x}")).collect::<alloc::string::String>()
	);
}

fn hex(digits: &[u8; 64]) -> [u8; 32] {
	let nibble = |c: u8| match c {
		b'0'..=b'9' => c - b'0',
		_ => c - b'a' + 10,
	};
	let mut out = [0u8; 32];
	for (i, byte) in out.iter_mut().enumerate() {
		*byte = (nibble(digits[2 * i]) << 4) | nibble(digits[2 * i + 1]);
	}
	out
}

#[test]
fn lookups_past_the_end_find_nothing() {
	let leaves = random_leaves(&mut Rng(13), 10, 1000);
	let tree = tree(SALT, &leaves);
	assert_eq!(tree.len(), 10);
	assert_eq!((tree.leaf(10), tree.leaf_salt(10), tree.proof(10)), (None, None, None));
	assert_eq!(tree.proof(u64::MAX), None);
	let mut missing = leaves[4].0;
	missing[31] ^= 1;
	if leaves.iter().all(|(v, _)| *v != missing) {
		assert_eq!(tree.find(&missing), None);
	}
}

#[test]
fn proofs_are_scale_encoded_and_bounded() {
	let leaves = random_leaves(&mut Rng(14), 70, 1000);
	let tree = tree(SALT, &leaves);
	let proof = tree.proof(69).unwrap();
	assert_eq!(Proof::decode(&mut &proof.encode()[..]), Ok(proof.clone()));
	let too_long = (proof.leaf_index, vec![Node { hash: [1; 32], sum: 1 }; MAX_DEPTH as usize + 1]);
	assert!(Proof::decode(&mut &too_long.encode()[..]).is_err());
	let longest = (proof.leaf_index, vec![Node::EMPTY; MAX_DEPTH as usize]);
	assert!(Proof::decode(&mut &longest.encode()[..]).is_ok());
}

#[test]
fn points_are_in_range_and_uniform() {
	let mut rng = Rng(15);
	// Chi-square with a fixed seed; the bounds are the 0.1% quantiles for the degrees of freedom.
	for (total, buckets, draws, bound) in [
		(7u64, 7u64, 7_000u32, 22.46),
		(1_000_003, 20, 20_000, 43.82),
		(u64::MAX, 16, 16_000, 37.70),
	] {
		let randomness = rng.bytes();
		let mut counts = vec![0u64; buckets as usize];
		let mut drawn = 0;
		for p in points(randomness, total, draws) {
			assert!(p < total);
			counts[(u128::from(p) * u128::from(buckets) / u128::from(total)) as usize] += 1;
			drawn += 1;
		}
		assert_eq!(drawn, draws);
		let expected = f64::from(draws) / buckets as f64;
		let chi2: f64 = counts.iter().map(|c| (*c as f64 - expected).powi(2) / expected).sum();
		assert!(chi2 < bound, "total {total}: chi2 {chi2} over {counts:?}");
	}
	assert_eq!(points([1; 32], 0, 10).count(), 0);
	assert_eq!(point(&[1; 32], 0, 0), None);
	assert!(points([1; 32], 1, 100).all(|p| p == 0));
	// Point i is the same whether drawn alone or in a run.
	let run: Vec<_> = points([2; 32], 1000, 5).collect();
	assert_eq!(point(&[2; 32], 1000, 4), Some(run[4]));
}

#[test]
fn points_pick_leaves_in_proportion_to_their_weights() {
	let leaves: Vec<_> = (1..=10u8).map(|i| ([i; 32], u64::from(i))).collect();
	let tree = tree(SALT, &leaves);
	let commitment = tree.commitment();
	let ranges: Vec<_> = (0..10)
		.map(|i| {
			let (salt, leaf, proof) = shown(&tree, i);
			verify(&commitment, &salt, &leaf, &proof).unwrap()
		})
		.collect();
	let draws = 55_000u32;
	let mut wins = [0u64; 10];
	for p in points([77; 32], commitment.total, draws) {
		let winners: Vec<_> = (0..10).filter(|i| point_in(&ranges[*i], p)).collect();
		assert_eq!(winners.len(), 1, "point {p} in exactly one leaf");
		wins[winners[0]] += 1;
	}
	// Leaf `i` of the tree (in canonical order) weighs what the tree says.
	let chi2: f64 = wins
		.iter()
		.zip(0..10)
		.map(|(won, i)| {
			let weight = tree.leaf(i).unwrap().weight;
			let expected = f64::from(draws) * weight as f64 / 55.0;
			(*won as f64 - expected).powi(2) / expected
		})
		.sum();
	assert!(chi2 < 27.88, "chi2 {chi2} over {wins:?}");
}

#[test]
fn a_point_is_in_a_range_from_its_start_to_before_its_end() {
	let range = LeafRange { start: 10, end: 13 };
	for (point, inside) in [(9, false), (10, true), (12, true), (13, false), (u64::MAX, false)] {
		assert_eq!(point_in(&range, point), inside, "{point}");
	}
	assert!(!point_in(&LeafRange { start: 5, end: 5 }, 5));
}

#[test]
fn multiply_shift_spans_zero_to_just_below_the_total() {
	for total in [1u64, 2, 3, 1000, u64::MAX - 1, u64::MAX] {
		assert_eq!(multiply_shift(0, total), 0);
		assert_eq!(multiply_shift(u128::MAX, total), total - 1);
		assert_eq!(multiply_shift(1u128 << 127, total), total / 2);
	}
	assert_eq!(multiply_shift(u128::MAX / 3 + 1, 3), 1);
}

//! Mileage mining: the oracle operators (membership), the vehicle registry (the admin, owners and
//! the operators' proposals), and the batches: the operators' commitments to each batch's weights
//! and the claims of its winners.
//!
//! The run keeps a model of what the operators compute off chain ([`MileageModel`]): for each
//! batch in flight, the tree every honest operator commits (random weights of the vehicles
//! registered when the run first looks at the batch, the same for all of them) and the tree the
//! liars commit; and the registry changes the operators want. The chain never checks leaves
//! against the registry, so any such model is an honest one: what it checks is that a majority
//! committed the root, and that a claim proves the leaf that owns its point.

use std::{collections::BTreeMap, rc::Rc};

use codec::Encode;
use frame_support::traits::Get;
use sp_core::{Pair, H256};
use sp_runtime::Perbill;
use valley_merkle_sum::{Node, Tree};
use valley_runtime::{AccountId, Balance, BlockNumber, Runtime, RuntimeCall, RuntimeOrigin};

use pallet_mileage::{
	BatchIndex, BatchPhase, BatchRecord, Change, Commitment, CommitmentPayload, Leaf, Proof,
	ProposalPayload, Salt, SlotState, VehicleId, COMMIT_TAG, PROPOSE_TAG,
};

use crate::{
	actors::FERDIE,
	calls::{Attempt, Expect, Gen, Kind, Via},
	World,
};

pub const GENS: &[Gen] = &[
	Gen { pallet: "OracleMembership", weight: 5, kind: Kind::Admin, make: add_member },
	Gen { pallet: "OracleMembership", weight: 2, kind: Kind::Admin, make: remove_member },
	Gen { pallet: "OracleMembership", weight: 3, kind: Kind::Admin, make: swap_member },
	Gen { pallet: "OracleMembership", weight: 2, kind: Kind::Admin, make: reset_members },
	Gen { pallet: "OracleMembership", weight: 3, kind: Kind::User, make: change_key },
	Gen { pallet: "OracleMembership", weight: 3, kind: Kind::Admin, make: set_prime },
	Gen { pallet: "OracleMembership", weight: 2, kind: Kind::Admin, make: clear_prime },
	Gen { pallet: "Mileage", weight: 8, kind: Kind::Admin, make: register_vehicle },
	Gen { pallet: "Mileage", weight: 12, kind: Kind::User, make: transfer_vehicle },
	Gen { pallet: "Mileage", weight: 5, kind: Kind::User, make: deregister_vehicle },
	Gen { pallet: "Mileage", weight: 30, kind: Kind::Other, make: commit },
	Gen { pallet: "Mileage", weight: 80, kind: Kind::Other, make: claim },
	Gen { pallet: "Mileage", weight: 15, kind: Kind::Other, make: propose },
];

/// New vehicles are registered mostly while fewer than this many are: a batch's winners are a
/// tenth of its leaves, and each needs a claim within the proof window.
const FEW_VEHICLES: u32 = 80;

/// The most registry changes the operators want at once.
const MAX_WANTED: usize = 8;

/// The highest weight of a car in a batch: 30 days of 500 km.
const MAX_WEIGHT: u64 = 30 * 500;

/// The trees of one batch, as the operators build them.
pub struct Trees {
	/// What every honest operator commits.
	pub honest: Tree,
	/// What the liars commit, all alike (so that among few operators they may reach a majority):
	/// the honest leaves with one car's weight inflated, or a made-up car.
	pub lie: Tree,
}

impl Trees {
	/// The tree the run built whose leaves prove against `commitment`, if any: its root and
	/// total, and a count of the same depth (a majority may commit a count that is not the
	/// tree's: it decides only how many win).
	pub fn proving(&self, commitment: &Commitment) -> Option<&Tree> {
		[&self.honest, &self.lie].into_iter().find(|t| {
			let c = t.commitment();
			c.root == commitment.root
				&& c.total == commitment.total
				&& valley_merkle_sum::depth(c.count) == valley_merkle_sum::depth(commitment.count)
		})
	}
}

/// What the operators know off chain, for the run's generators and checks.
#[derive(Default)]
pub struct MileageModel {
	/// The trees of the batches in flight the run has looked at.
	batches: BTreeMap<BatchIndex, Rc<Trees>>,
	/// Registry changes the operators want: each proposed by several of them until a majority
	/// applies it (or it no longer changes anything).
	wanted: Vec<Change<AccountId>>,
}

impl MileageModel {
	/// The trees of `batch`, if the run built them.
	pub fn trees(&self, batch: BatchIndex) -> Option<Rc<Trees>> {
		self.batches.get(&batch).cloned()
	}

	/// Forgets the trees of the batches no longer in flight.
	pub fn forget_finished(&mut self) {
		let in_flight = pallet_mileage::InFlight::<Runtime>::get();
		self.batches.retain(|batch, _| in_flight.contains(batch));
	}
}

/// The leaf of `tree` that owns `point`, if `point` is below its total.
pub fn leaf_at(tree: &Tree, point: u64) -> Option<u64> {
	let mut start = 0u64;
	for index in 0..tree.len() {
		start = start.saturating_add(tree.leaf(index)?.weight);
		if point < start {
			return Some(index);
		}
	}
	None
}

/// The trees of `batch` (closed at `close_ms`): built the first time the run looks at the batch.
/// Each vehicle registered then and active by the cut-off weighs a random amount, a random
/// behaviour factor applied (as the operators do off chain); now and then nobody drove, or
/// weights are huge.
fn trees(w: &mut World, batch: BatchIndex, close_ms: u64) -> Rc<Trees> {
	if let Some(trees) = w.mileage.trees(batch) {
		return trees;
	}
	let mut vehicles: Vec<_> = pallet_mileage::Vehicles::<Runtime>::iter().collect();
	vehicles.sort_by_key(|(id, _)| *id);
	let (nobody, max) = match w.rng.below(40) {
		0 => (true, 1),
		1 => (false, 1 << 40),
		_ => (false, MAX_WEIGHT),
	};
	let mut leaves: Vec<(valley_merkle_sum::VehicleId, u64)> = Vec::new();
	for (id, vehicle) in vehicles {
		// A car that did not drive (or not since its activation) has no leaf.
		if nobody || vehicle.activation > close_ms || w.rng.percent(10) {
			continue;
		}
		let weight = factor(w).mul_floor(w.rng.range(1, max));
		if weight > 0 {
			leaves.push((id.0, weight));
		}
	}
	let mut lie = leaves.clone();
	if lie.is_empty() {
		lie.push(([0xff; 32], MAX_WEIGHT));
	} else {
		let i = w.rng.index(lie.len());
		lie[i].1 = lie[i].1.saturating_mul(100);
	}
	let salt: Salt = w.rng.bytes();
	let build = |leaves: Vec<_>| {
		Tree::from_leaves(salt, leaves).unwrap_or_else(|e| panic!("batch {batch}'s tree: {e}"))
	};
	let trees = Rc::new(Trees { honest: build(leaves), lie: build(lie) });
	w.mileage.batches.insert(batch, trees.clone());
	trees
}

/// The oracle operators now.
fn operators() -> Vec<AccountId> {
	pallet_membership::Members::<Runtime>::get().into_inner()
}

/// The actors that are oracle operators now.
fn member_actors(w: &World) -> Vec<usize> {
	operators().iter().filter_map(|m| w.actors.index_of(m)).collect()
}

/// An actor that may become an operator: Ferdie, the operator actors, now and then anyone.
fn candidate(w: &mut World) -> usize {
	match w.rng.below(10) {
		0..=2 => FERDIE,
		3 => w.anyone(),
		_ => w.one_of(&w.operators.clone()),
	}
}

/// A current operator that is an actor (mostly), or any actor.
fn operator(w: &mut World) -> usize {
	let members = member_actors(w);
	if w.rng.percent(85) && !members.is_empty() {
		w.one_of(&members)
	} else {
		w.anyone()
	}
}

/// An actor that is no operator now (any actor if all are).
fn non_operator(w: &mut World) -> usize {
	let members = operators();
	let others: Vec<usize> =
		(0..w.actors.count()).filter(|i| !members.contains(&w.actors.all[*i].account)).collect();
	w.one_of(&others)
}

fn membership(call: pallet_membership::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::OracleMembership(call)
}

fn add_member(w: &mut World) -> Option<Attempt> {
	let who = {
		let i = candidate(w);
		w.actors.account(i)
	};
	let who = w.address(who);
	w.admin(membership(pallet_membership::Call::add_member { who }))
}

fn remove_member(w: &mut World) -> Option<Attempt> {
	let who = {
		let i = operator(w);
		w.actors.account(i)
	};
	let who = w.address(who);
	w.admin(membership(pallet_membership::Call::remove_member { who }))
}

fn swap_member(w: &mut World) -> Option<Attempt> {
	let remove = {
		let i = operator(w);
		w.actors.account(i)
	};
	let remove = w.address(remove);
	let add = {
		let i = candidate(w);
		w.actors.account(i)
	};
	let add = w.address(add);
	w.admin(membership(pallet_membership::Call::swap_member { remove, add }))
}

fn reset_members(w: &mut World) -> Option<Attempt> {
	// Beyond the 16 members allowed now and then; Ferdie always among the others.
	let count = if w.rng.one_in(8) { 17 } else { w.rng.range(0, 3) };
	let mut members: Vec<AccountId> = vec![w.actors.account(FERDIE)];
	for _ in 0..count {
		let who = if count > 3 {
			w.recipient()
		} else {
			{
				let i = candidate(w);
				w.actors.account(i)
			}
		};
		members.push(who);
	}
	members.dedup();
	w.admin(membership(pallet_membership::Call::reset_members { members }))
}

fn change_key(w: &mut World) -> Option<Attempt> {
	let who = operator(w);
	let new = {
		let i = candidate(w);
		w.actors.account(i)
	};
	let new = w.address(new);
	w.by(who, membership(pallet_membership::Call::change_key { new }))
}

fn set_prime(w: &mut World) -> Option<Attempt> {
	let who = {
		let i = operator(w);
		w.actors.account(i)
	};
	let who = w.address(who);
	w.admin(membership(pallet_membership::Call::set_prime { who }))
}

fn clear_prime(w: &mut World) -> Option<Attempt> {
	w.admin(membership(pallet_membership::Call::clear_prime {}))
}

/// A vehicle id to register: mostly a new one while the registry is small, else one tried
/// before (registered or not).
fn vehicle_to_register(w: &mut World) -> VehicleId {
	let registered = pallet_mileage::VehicleCount::<Runtime>::get();
	let new = if registered < FEW_VEHICLES { 70 } else { 3 };
	if w.rng.percent(new) {
		w.new_vehicle()
	} else {
		w.vehicle()
	}
}

/// An owner: mostly an owner actor, now and then any recipient.
fn owner(w: &mut World) -> AccountId {
	if w.rng.percent(85) {
		let i = w.one_of(&w.owners.clone());
		w.actors.account(i)
	} else {
		w.recipient()
	}
}

fn register_vehicle(w: &mut World) -> Option<Attempt> {
	let vehicle = vehicle_to_register(w);
	let owner = owner(w);
	let now = w.now();
	let activation = match w.rng.below(20) {
		0..=1 => Some(now.saturating_sub(w.rng.range(0, 86_400_000))),
		2..=3 => Some(now + w.rng.range(1, 3_600_000)),
		4 => Some(u64::MAX),
		_ => None,
	};
	let call =
		RuntimeCall::Mileage(pallet_mileage::Call::register_vehicle { vehicle, owner, activation });
	// The admin only: operators register by proposing; anybody else is refused.
	if w.rng.percent(20) {
		let who = operator(w);
		return w.by(who, call);
	}
	w.admin(call)
}

/// A vehicle and who calls about it: its owner, the admin, an operator or someone else.
fn vehicle_and_caller(w: &mut World) -> (VehicleId, Option<usize>) {
	let vehicle = w.vehicle();
	let owner =
		pallet_mileage::Vehicles::<Runtime>::get(vehicle).and_then(|v| w.actors.index_of(&v.owner));
	let caller = match (w.rng.below(10), owner) {
		(0..=5, Some(owner)) => Some(owner),
		(6, _) => None,
		(7, _) => Some(operator(w)),
		_ => Some(w.anyone()),
	};
	(vehicle, caller)
}

fn owner_or_admin(w: &mut World, caller: Option<usize>, call: RuntimeCall) -> Option<Attempt> {
	match caller {
		Some(who) => w.by(who, call),
		None => w.admin(call),
	}
}

fn transfer_vehicle(w: &mut World) -> Option<Attempt> {
	let (vehicle, caller) = vehicle_and_caller(w);
	let new_owner = owner(w);
	let call = RuntimeCall::Mileage(pallet_mileage::Call::transfer_vehicle { vehicle, new_owner });
	owner_or_admin(w, caller, call)
}

fn deregister_vehicle(w: &mut World) -> Option<Attempt> {
	let (vehicle, caller) = vehicle_and_caller(w);
	let call = RuntimeCall::Mileage(pallet_mileage::Call::deregister_vehicle { vehicle });
	owner_or_admin(w, caller, call)
}

/// A behaviour factor (applied off chain by the operators to the weights they commit): a clean
/// record, none, or anything between.
fn factor(w: &mut World) -> Perbill {
	match w.rng.below(5) {
		0 => Perbill::zero(),
		1 => Perbill::one(),
		_ => Perbill::from_parts(w.rng.range(0, 1_000_000_000) as u32),
	}
}

/// Actor `who`'s oracle key: its own sr25519 key, whose account is its own.
fn oracle_key(w: &World, who: usize) -> pallet_mileage::crypto::Public {
	pallet_mileage::crypto::Public::from(w.actors.all[who].pair.public())
}

/// `operator`'s signature of `payload` under `tag` over the chain's genesis hash, as its worker
/// signs it; now and then one the pool refuses (`BadProof`): over another chain's genesis, under
/// the other tag, by another key, or of another payload. Whether it is the genuine one.
fn signature<P: Encode>(
	w: &mut World,
	operator: usize,
	tag: &'static [u8; 16],
	payload: &P,
) -> (pallet_mileage::crypto::Signature, bool) {
	let genesis = pallet_mileage::Pallet::<Runtime>::genesis_hash();
	let other_tag = if tag == COMMIT_TAG { PROPOSE_TAG } else { COMMIT_TAG };
	let mut signer = operator;
	let mut message = pallet_mileage::signed_message(tag, &genesis, payload);
	match w.rng.below(50) {
		0 => message = pallet_mileage::signed_message(tag, &H256(w.rng.bytes()), payload),
		1 => message = pallet_mileage::signed_message(other_tag, &genesis, payload),
		2 => signer = w.anyone(),
		3 => message.push(0),
		_ => {},
	}
	let genuine =
		message == pallet_mileage::signed_message(tag, &genesis, payload) && signer == operator;
	(w.actors.all[signer].pair.sign(&message).into(), genuine)
}

/// How an authorized call is made: mostly as the general transaction the operators' workers
/// send; now and then dispatched with the origin only a valid authorization gives (its
/// signature then unchecked), from a signed or root origin, or bare as a block author could
/// include it (dispatched with no origin: all three fail with `BadOrigin`).
fn authorized_via(w: &mut World, who: usize) -> Via {
	match w.rng.below(50) {
		0..=1 => Via::Origin(RuntimeOrigin::from(frame_system::RawOrigin::Authorized)),
		2 => Via::Origin(RuntimeOrigin::signed(w.actors.account(who))),
		3 => Via::Origin(RuntimeOrigin::root()),
		4 => Via::Bare,
		_ => Via::General,
	}
}

/// The batches in flight with their records, oldest first.
fn in_flight() -> Vec<(BatchIndex, BatchRecord<BlockNumber, Balance>)> {
	pallet_mileage::InFlight::<Runtime>::get()
		.into_iter()
		.filter_map(|batch| pallet_mileage::Batches::<Runtime>::get(batch).map(|r| (batch, r)))
		.collect()
}

/// A batch index nothing is in flight under: long finished (a batch is in flight for at most
/// the two windows, some 80 blocks, and at most one closes a block), or not closed yet.
fn unknown_batch(w: &mut World) -> BatchIndex {
	let next = pallet_stone::NextBatch::<Runtime>::get();
	match w.rng.below(3) {
		0 => next.saturating_sub(w.rng.range(100, 1_000)),
		1 => next + w.rng.range(0, 5),
		_ => w.rng.next_u64(),
	}
}

/// Whether a batch takes commitments at block `now`: within its commit window, in any phase
/// (after acceptance they are recorded and count for nothing).
fn in_commit_window(r: &BatchRecord<BlockNumber, Balance>, now: BlockNumber) -> bool {
	now <= r.closed_at + <Runtime as pallet_mileage::Config>::CommitWindow::get()
}

fn commit(w: &mut World) -> Option<Attempt> {
	// An operator's root of a batch: mostly a batch taking commitments by an operator that has
	// not committed it yet, as the workers do once they built the batch's tree.
	let now = w.block;
	let batches = in_flight();
	let members = member_actors(w);
	let waiting: Vec<(BatchIndex, u64, Vec<usize>)> = batches
		.iter()
		.filter(|(_, r)| in_commit_window(r, now))
		.map(|(batch, r)| {
			let left = members
				.iter()
				.copied()
				.filter(|i| {
					!pallet_mileage::Commitments::<Runtime>::contains_key(
						batch,
						w.actors.account(*i),
					)
				})
				.collect();
			(*batch, r.close_ms, left)
		})
		.filter(|(_, _, left): &(_, _, Vec<usize>)| !left.is_empty())
		.collect();
	let (batch, close_ms, who) = match (w.rng.below(20), w.rng.pick(&waiting).cloned()) {
		// A batch that takes none (past its commit window), or one that does, or unknown.
		(0, _) | (1, None) if !batches.is_empty() => {
			let (batch, record) = w.rng.pick(&batches).cloned()?;
			(batch, Some(record.close_ms), operator(w))
		},
		(1, _) => (unknown_batch(w), None, operator(w)),
		// A batch it committed already, or by an actor that is no operator.
		(2, Some((batch, close_ms, _))) => (batch, Some(close_ms), w.one_of(&members)),
		(3, Some((batch, close_ms, _))) => (batch, Some(close_ms), non_operator(w)),
		(_, Some((batch, close_ms, left))) => {
			let who = w.one_of(&left);
			(batch, Some(close_ms), who)
		},
		// Nothing to commit now.
		(_, None) => return None,
	};
	// A batch holding `MaxOperators` commitments (some by operators removed since) takes no
	// more: the pallet refuses them in the pool (`TooManyCommitments`, tested in its unit tests).
	// The run leaves such batches alone rather than predicting which refusal comes first.
	let bound = <<Runtime as pallet_mileage::Config>::MaxOperators as Get<u32>>::get() as usize;
	if pallet_mileage::Commitments::<Runtime>::iter_key_prefix(batch).count() >= bound {
		return None;
	}
	let commitment = match close_ms {
		Some(close_ms) => {
			let trees = trees(w, batch, close_ms);
			let honest = trees.honest.commitment();
			match w.rng.below(100) {
				0..=84 => honest,
				85..=92 => trees.lie.commitment(),
				// The honest root with another sum, or count.
				93..=95 => Commitment { total: honest.total.wrapping_add(1), ..honest },
				96..=97 => Commitment { count: honest.count + 1, ..honest },
				_ => Commitment { root: w.rng.bytes(), ..honest },
			}
		},
		None => Commitment { root: w.rng.bytes(), total: w.rng.below(1 << 20), count: 3 },
	};
	// Whether the batch takes this operator's commitment now.
	let account = w.actors.account(who);
	let takes = operators().contains(&account)
		&& batches.iter().any(|(b, r)| *b == batch && in_commit_window(r, now))
		&& !pallet_mileage::Commitments::<Runtime>::contains_key(batch, &account);
	let payload = CommitmentPayload { operator: oracle_key(w, who), batch, commitment };
	let (signature, genuine) = signature(w, who, COMMIT_TAG, &payload);
	let call = RuntimeCall::Mileage(pallet_mileage::Call::commit { payload, signature });
	let via = authorized_via(w, who);
	if matches!(via, Via::General) {
		w.expect = Some(if takes && genuine { Expect::Ok } else { Expect::Refused });
	}
	Some(Attempt::Call { call, via })
}

/// The claim of `slot` of `batch` by leaf `index` of `tree`, if it has that leaf.
fn claim_of(
	batch: BatchIndex,
	slot: u32,
	tree: &Tree,
	index: u64,
) -> Option<(BatchIndex, u32, Leaf, Salt, Proof)> {
	Some((batch, slot, tree.leaf(index)?, tree.leaf_salt(index)?, tree.proof(index)?))
}

fn claim(w: &mut World) -> Option<Attempt> {
	// A winner's proof for an open slot of a batch drawing its winners, from the tree whose root
	// was accepted; now and then a wrong leaf, a forged proof, a settled or unknown slot, another
	// batch.
	let now = w.block;
	let batches = in_flight();
	let drawing: Vec<(BatchIndex, u64, Commitment, u32)> = batches
		.iter()
		.filter_map(|(batch, r)| match &r.phase {
			BatchPhase::Drawing { commitment, winners, open, .. }
				if *open > 0 && now <= r.deadline =>
			{
				Some((*batch, r.close_ms, *commitment, *winners))
			},
			_ => None,
		})
		.collect();
	// Mostly one whose slots the run can prove: not one whose accepted root is none it built.
	let provable: Vec<_> = drawing
		.iter()
		.copied()
		.filter(|(batch, _, commitment, _)| {
			w.mileage.trees(*batch).is_some_and(|t| t.proving(commitment).is_some())
		})
		.collect();
	let candidates = if provable.is_empty() || w.rng.one_in(10) { &drawing } else { &provable };
	let Some((batch, close_ms, commitment, winners)) = w.rng.pick(candidates).copied() else {
		// Nothing to prove now: now and then a claim for a batch that is not drawing.
		if !w.rng.one_in(20) {
			return None;
		}
		let claim = match w.rng.pick(&batches).cloned() {
			Some((batch, record)) => {
				let trees = trees(w, batch, record.close_ms);
				claim_of(batch, 0, &trees.honest, 0)
			},
			None => None,
		};
		let (batch, slot, leaf, leaf_salt, proof) = match claim {
			Some(claim) => claim,
			None => (
				unknown_batch(w),
				0,
				Leaf { vehicle: w.rng.bytes(), weight: 1 },
				w.rng.bytes(),
				empty_proof(),
			),
		};
		let call = RuntimeCall::Mileage(pallet_mileage::Call::claim {
			batch,
			slot,
			leaf,
			leaf_salt,
			proof,
		});
		w.expect = Some(Expect::Refused);
		return Some(Attempt::Call { call, via: Via::General });
	};
	let slots: Vec<(u32, SlotState<AccountId>)> =
		pallet_mileage::Slots::<Runtime>::iter_prefix(batch).collect();
	let open: Vec<(u32, u64)> = slots
		.iter()
		.filter_map(|(slot, state)| match state {
			SlotState::Open { point } => Some((*slot, *point)),
			_ => None,
		})
		.collect();
	let (slot, point) = *w.rng.pick(&open)?;
	let trees = trees(w, batch, close_ms);
	// The tree behind the accepted root; if the run built none (a forged root accepted by a lone
	// operator), nobody can prove anything: the honest tree's leaves fail.
	let tree = trees.proving(&commitment).unwrap_or(&trees.honest);
	let index = leaf_at(tree, point).unwrap_or(0);
	let Some((mut batch, mut slot, mut leaf, mut leaf_salt, mut proof)) =
		claim_of(batch, slot, tree, index)
	else {
		let leaf = Leaf { vehicle: w.rng.bytes(), weight: 1 };
		let call = RuntimeCall::Mileage(pallet_mileage::Call::claim {
			batch,
			slot,
			leaf,
			leaf_salt: w.rng.bytes(),
			proof: empty_proof(),
		});
		w.expect = Some(Expect::Refused);
		return Some(Attempt::Call { call, via: Via::General });
	};
	// Whether the honest claim proves its leaf against the accepted commitment (not if the root
	// is none the run built, or was committed with a count of another depth).
	let proven = valley_merkle_sum::verify(&commitment, &leaf_salt, &leaf, &proof)
		.is_ok_and(|range| range.contains(point));
	let drawn = batch;
	let mut honest = false;
	match w.rng.below(100) {
		// Another leaf, which does not own the point.
		85..=87 if tree.len() > 1 => {
			let other = (index + 1 + w.rng.below(tree.len() - 1)) % tree.len();
			(batch, slot, leaf, leaf_salt, proof) = claim_of(batch, slot, tree, other)?;
		},
		// A forged weight, sibling sum, salt, index or proof length.
		85..=88 => leaf.weight += 1,
		89 => match proof.siblings.get_mut(0) {
			Some(sibling) => sibling.sum = sibling.sum.wrapping_add(1),
			None => leaf_salt[0] ^= 1,
		},
		90 => leaf_salt = w.rng.bytes(),
		91 => proof.leaf_index += 1,
		92 => {
			let _ = proof.siblings.try_push(Node { hash: w.rng.bytes(), sum: 0 });
		},
		// The same leaf in the other tree (the liars', or the honest one if the liars won).
		93 => {
			let other = if std::ptr::eq(tree, &trees.honest) { &trees.lie } else { &trees.honest };
			if let Some(c) = claim_of(batch, slot, other, index.min(other.len().saturating_sub(1)))
			{
				(batch, slot, leaf, leaf_salt, proof) = c;
			}
		},
		// A slot already settled, or beyond the batch's winners.
		94..=95 => {
			let settled: Vec<u32> = slots
				.iter()
				.filter(|(_, s)| !matches!(s, SlotState::Open { .. }))
				.map(|(slot, _)| *slot)
				.collect();
			slot = match w.rng.pick(&settled) {
				Some(settled) => *settled,
				None => winners + w.rng.below(3) as u32,
			};
		},
		// Another batch: in flight in another phase, or unknown.
		96..=98 => {
			batch = match w.rng.pick(&batches) {
				Some((other, _)) if w.rng.percent(70) => *other,
				_ => unknown_batch(w),
			};
			honest = batch == drawn;
		},
		_ => honest = true,
	}
	let call =
		RuntimeCall::Mileage(pallet_mileage::Call::claim { batch, slot, leaf, leaf_salt, proof });
	// Anyone may send it: the claim needs no key.
	let who = w.anyone();
	let via = authorized_via(w, who);
	if matches!(via, Via::General) {
		w.expect = Some(if honest && proven { Expect::Ok } else { Expect::Refused });
	}
	Some(Attempt::Call { call, via })
}

/// A proof with no sibling, of leaf 0.
fn empty_proof() -> Proof {
	Proof { leaf_index: 0, siblings: Default::default() }
}

/// Whether `change` would change the registry now: it names the vehicle's entry as it stands
/// (or, registering, an id neither registered nor retired) and changes something.
fn would_change(change: &Change<AccountId>) -> bool {
	let current = pallet_mileage::Vehicles::<Runtime>::get(change.vehicle());
	match change {
		Change::Register { vehicle, .. } => {
			current.is_none() && !pallet_mileage::Retired::<Runtime>::contains_key(vehicle)
		},
		Change::Transfer { version, from, to, .. } => {
			current.is_some_and(|v| v.version == *version && v.owner == *from && v.owner != *to)
		},
		Change::Deregister { version, owner, .. } => {
			current.is_some_and(|v| v.version == *version && v.owner == *owner)
		},
	}
}

/// The version a change names for `vehicle`'s entry: mostly its own, now and then an older one
/// (a replayed or overtaken change).
fn version_of(w: &mut World, current: Option<&pallet_mileage::Vehicle<AccountId>>) -> u32 {
	let version = current.map_or(0, |v| v.version);
	if w.rng.one_in(10) {
		version.wrapping_sub(1)
	} else {
		version
	}
}

/// A registry change the operators might want: mostly registering and passing on, now and then
/// deregistering; each bound to the entry as it stands (mostly).
fn change(w: &mut World) -> Change<AccountId> {
	match w.rng.below(10) {
		0..=3 => {
			let vehicle = vehicle_to_register(w);
			let owner = owner(w);
			let activation = w.now().saturating_sub(w.rng.range(0, 86_400_000));
			Change::Register { vehicle, owner, activation }
		},
		choice => {
			let vehicle = w.vehicle();
			let current = pallet_mileage::Vehicles::<Runtime>::get(vehicle);
			let version = version_of(w, current.as_ref());
			let from = current.as_ref().map_or_else(|| owner(w), |v| v.owner.clone());
			match choice {
				4..=8 => Change::Transfer { vehicle, version, from, to: owner(w) },
				_ => Change::Deregister { vehicle, version, owner: from },
			}
		},
	}
}

/// A change that changes nothing (refused): registering a registered vehicle, passing one on to
/// its owner, deregistering an unknown one.
fn no_op(w: &mut World) -> Change<AccountId> {
	let vehicle = w.vehicle();
	let Some(current) = pallet_mileage::Vehicles::<Runtime>::get(vehicle) else {
		return Change::Deregister { vehicle, version: 0, owner: owner(w) };
	};
	let version = current.version;
	match w.rng.below(2) {
		0 => Change::Register { vehicle, owner: current.owner, activation: current.activation },
		_ => Change::Transfer { vehicle, version, from: current.owner.clone(), to: current.owner },
	}
}

fn propose(w: &mut World) -> Option<Attempt> {
	// An operator's vote for a registry change the operators want, until a majority applies it;
	// now and then a change only one wants (it expires), one that changes nothing, a second vote,
	// or a vote of an actor that is no operator.
	w.mileage.wanted.retain(would_change);
	let change = match w.rng.below(20) {
		0..=2 => change(w),
		3..=4 => no_op(w),
		_ => match w.rng.pick(&w.mileage.wanted).cloned() {
			Some(wanted) if w.mileage.wanted.len() >= MAX_WANTED || !w.rng.one_in(4) => wanted,
			_ => {
				// A change that would change something (a few tries).
				let mut wanted = change(w);
				for _ in 0..4 {
					if would_change(&wanted) {
						break;
					}
					wanted = change(w);
				}
				if w.mileage.wanted.len() >= MAX_WANTED {
					w.mileage.wanted.remove(0);
				}
				w.mileage.wanted.push(wanted.clone());
				wanted
			},
		},
	};
	let now = w.block;
	let hash = pallet_mileage::Pallet::<Runtime>::proposal_hash(&change);
	let voters: Vec<AccountId> = pallet_mileage::Proposals::<Runtime>::get(hash)
		.filter(|p| p.expires > now)
		.map(|p| p.voters.into_inner())
		.unwrap_or_default();
	let voted: Vec<usize> = voters.iter().filter_map(|v| w.actors.index_of(v)).collect();
	let members = member_actors(w);
	let not_voted: Vec<usize> = members.iter().copied().filter(|i| !voted.contains(i)).collect();
	let who = match w.rng.below(20) {
		0 if !voted.is_empty() => w.one_of(&voted),
		1 => non_operator(w),
		_ if !not_voted.is_empty() => w.one_of(&not_voted),
		_ => operator(w),
	};
	// Whether the vote counts: a current operator's first for a change that changes something.
	let account = w.actors.account(who);
	let counts =
		operators().contains(&account) && would_change(&change) && !voters.contains(&account);
	let open = pallet_mileage::OpenProposals::<Runtime>::get(&account);
	let room = open < <Runtime as pallet_mileage::Config>::MaxProposalsPerOperator::get()
		&& (voters.len() as u32) < <Runtime as pallet_mileage::Config>::MaxOperators::get();
	// Its last valid block: mostly ahead within the lifetime, now and then past or too far.
	let lifetime = <Runtime as pallet_mileage::Config>::ProposalLifetime::get();
	let valid_until = match w.rng.below(20) {
		0 => now.saturating_sub(1),
		1 => now + lifetime + 1,
		_ => now + w.rng.range(0, u64::from(lifetime)) as u32,
	};
	let in_time = now <= valid_until && valid_until <= now + lifetime;
	let counts = counts && in_time;
	let payload = ProposalPayload { operator: oracle_key(w, who), change, valid_until };
	let (signature, genuine) = signature(w, who, PROPOSE_TAG, &payload);
	let call = RuntimeCall::Mileage(pallet_mileage::Call::propose { payload, signature });
	let via = authorized_via(w, who);
	if matches!(via, Via::General) {
		w.expect = match (counts && genuine, room) {
			(true, true) => Some(Expect::Ok),
			(true, false) => None,
			(false, _) => Some(Expect::Refused),
		};
	}
	Some(Attempt::Call { call, via })
}

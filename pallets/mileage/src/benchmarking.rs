//! Benchmarks of the mileage pallet at their worst cases: commitments and proposals that reach the
//! majority after iterating every earlier one, proofs of every depth paid to new accounts, draws
//! and finishes of `MaxWinners` slots.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{Authorize, EnsureOrigin, Get},
	weights::Weight,
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{IdentifyAccount, Saturating, Zero},
	RuntimeAppPublic,
};
use valley_merkle_sum::{Node, MAX_DEPTH};

use crate::{pallet::*, rules, types::*, BenchmarkHelper};

fn vehicle(n: u32) -> VehicleId {
	let mut id = [0u8; 32];
	id[..4].copy_from_slice(&n.to_le_bytes());
	id[31] = 0xbe;
	VehicleId::from(id)
}

fn admin<T: Config>() -> T::RuntimeOrigin {
	T::AdminOrigin::try_successful_origin().expect("the admin origin can be built")
}

/// Registers vehicle `n` for a fresh owner.
fn register<T: Config>(n: u32) -> (VehicleId, T::AccountId) {
	let owner: T::AccountId = account("owner", n, 0);
	let id = vehicle(n);
	Pallet::<T>::apply(
		Change::Register { vehicle: id, owner: owner.clone(), activation: 0 },
		ChangedBy::Admin,
	)
	.expect("room in the registry");
	(id, owner)
}

/// The amount a batch in these benchmarks hands out: enough that a `MaxWinners`-th of it opens
/// an account.
fn amount<T: Config>() -> T::Balance {
	T::Balance::from(u32::MAX).saturating_mul(T::Balance::from(1_000_000u32))
}

/// A batch in flight in `phase`, its amount owed by the payout.
fn batch_in<T: Config>(batch: BatchIndex, phase: BatchPhase<BlockNumberFor<T>, T::Balance>) {
	let now = frame_system::Pallet::<T>::block_number();
	T::BenchmarkHelper::take_on(amount::<T>());
	Batches::<T>::insert(
		batch,
		BatchRecord {
			amount: amount::<T>(),
			closed_at: now,
			close_ms: 0,
			deadline: now.saturating_add(100u32.into()),
			phase,
		},
	);
	InFlight::<T>::mutate(|in_flight| in_flight.try_push(batch).expect("room in flight"));
}

/// A leaf with `depth` siblings at index 0 of a tree of `2^depth` leaves, its commitment and the
/// pieces of its proof: point 0 falls in it.
fn deep_leaf(depth: u32) -> (Commitment, Leaf, Salt, Proof) {
	let leaf = Leaf { vehicle: vehicle(7).0, weight: 1_000 };
	let salt = [3u8; 32];
	let mut node = Node::leaf(&salt, &leaf.vehicle, leaf.weight);
	let mut siblings = Vec::new();
	for level in 0..depth {
		let sibling = Node { hash: [level as u8 + 1; 32], sum: 1_000 << level.min(20) };
		node = Node::parent(&node, &sibling).expect("sums fit");
		siblings.push(sibling);
	}
	let commitment = Commitment { root: node.hash, total: node.sum, count: 1u64 << depth };
	let proof = Proof { leaf_index: 0, siblings: BoundedVec::truncate_from(siblings) };
	(commitment, leaf, salt, proof)
}

/// A batch drawing `winners` slots of `commitment`, every slot's point 0.
fn drawing<T: Config>(batch: BatchIndex, commitment: Commitment, winners: u32) {
	let per_winner = amount::<T>() / T::Balance::from(winners.max(1));
	batch_in::<T>(
		batch,
		BatchPhase::Drawing {
			commitment,
			seed: [5u8; 32],
			winners,
			open: winners,
			next_point: winners,
			per_winner,
			paid: Zero::zero(),
		},
	);
	for slot in 0..winners {
		Slots::<T>::insert(batch, slot, SlotState::Open { point: 0 });
	}
}

/// The smallest leaf count that draws `winners` winners.
fn leaves_for<T: Config>(winners: u32) -> u64 {
	let (mut low, mut high) = (1u64, u64::MAX / 2);
	while low < high {
		let mid = low + (high - low) / 2;
		if rules::winners_for(mid, T::WinnerShare::get(), T::MaxWinners::get()) >= winners {
			high = mid;
		} else {
			low = mid + 1;
		}
	}
	low
}

fn commitment_call<T: Config>(
	key: &T::OracleId,
	batch: BatchIndex,
	commitment: Commitment,
) -> Call<T> {
	let payload = CommitmentPayload { operator: key.clone(), batch, commitment };
	let message = signed_message(COMMIT_TAG, &Pallet::<T>::genesis_hash(), &payload);
	let signature = key.sign(&message).expect("the key is in the keystore");
	Call::commit { payload, signature }
}

fn proposal_call<T: Config>(key: &T::OracleId, change: Change<T::AccountId>) -> Call<T> {
	let valid_until = frame_system::Pallet::<T>::block_number() + T::ProposalLifetime::get();
	let payload = ProposalPayload { operator: key.clone(), change, valid_until };
	let message = signed_message(PROPOSE_TAG, &Pallet::<T>::genesis_hash(), &payload);
	let signature = key.sign(&message).expect("the key is in the keystore");
	Call::propose { payload, signature }
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_vehicle() -> Result<(), BenchmarkError> {
		let owner: T::AccountId = account("owner", 0, 0);
		let origin = admin::<T>();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, vehicle(0), owner.clone(), Some(0));

		assert_eq!(Vehicles::<T>::get(vehicle(0)).map(|v| v.owner), Some(owner));
		Ok(())
	}

	#[benchmark]
	fn transfer_vehicle() {
		let (id, owner) = register::<T>(0);
		let to: T::AccountId = account("buyer", 0, 0);

		#[extrinsic_call]
		_(frame_system::RawOrigin::Signed(owner), id, to.clone());

		assert_eq!(Vehicles::<T>::get(id).map(|v| v.owner), Some(to));
	}

	#[benchmark]
	fn deregister_vehicle() {
		let (id, owner) = register::<T>(0);

		#[extrinsic_call]
		_(frame_system::RawOrigin::Signed(owner), id);

		assert!(Vehicles::<T>::get(id).is_none());
	}

	/// The `k`-th commitment, the one that brings the majority, after `k - 1` others were counted.
	#[benchmark]
	fn commit(k: Linear<1, { T::MaxOperators::get() }>) -> Result<(), BenchmarkError> {
		let keys = T::BenchmarkHelper::operators(k);
		register::<T>(0);
		batch_in::<T>(0, BatchPhase::Committing);
		let (honest, _, _, _) = deep_leaf(20);
		let needed = Pallet::<T>::quorum(k) as usize;
		for (i, key) in keys.iter().take(k as usize - 1).enumerate() {
			// The first `needed - 1` agree, the rest committed another root.
			let mut c = honest;
			if i + 1 >= needed {
				c.total += 1;
			}
			Commitments::<T>::insert(0, key.clone().into_account(), c);
		}
		let key = keys.last().expect("k ≥ 1").clone();
		let Call::commit { payload, signature } = commitment_call::<T>(&key, 0, honest) else {
			return Err(BenchmarkError::Stop("a commit call"));
		};

		#[extrinsic_call]
		_(frame_system::RawOrigin::Authorized, payload, signature);

		assert!(matches!(Batches::<T>::get(0).map(|r| r.phase), Some(BatchPhase::Accepted { .. })));
		Ok(())
	}

	#[benchmark]
	fn authorize_commit() -> Result<(), BenchmarkError> {
		let keys = T::BenchmarkHelper::operators(T::MaxOperators::get());
		register::<T>(0);
		batch_in::<T>(0, BatchPhase::Committing);
		let (honest, _, _, _) = deep_leaf(20);
		let call = commitment_call::<T>(&keys[0], 0, honest);

		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("authorized by its signature")?
				.map_err(|_| "a valid commitment")?;
		}
		Ok(())
	}

	/// A winner's proof with `d` siblings, paid to an owner without an account yet.
	#[benchmark]
	fn claim(d: Linear<0, 32>) -> Result<(), BenchmarkError> {
		let (commitment, leaf, salt, proof) = deep_leaf(d);
		Pallet::<T>::apply(
			Change::Register {
				vehicle: leaf.vehicle.into(),
				owner: account("winner", d, 0),
				activation: 0,
			},
			ChangedBy::Admin,
		)?;
		drawing::<T>(0, commitment, T::MaxWinners::get());

		#[extrinsic_call]
		_(frame_system::RawOrigin::Authorized, 0, 0, leaf, salt, proof);

		assert!(matches!(Slots::<T>::get(0, 0), Some(SlotState::Won { .. })));
		Ok(())
	}

	#[benchmark]
	fn authorize_claim(d: Linear<0, 32>) -> Result<(), BenchmarkError> {
		let (commitment, leaf, salt, proof) = deep_leaf(d);
		drawing::<T>(0, commitment, T::MaxWinners::get());
		let call = Call::<T>::claim { batch: 0, slot: 0, leaf, leaf_salt: salt, proof };

		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("authorized by its proof")?
				.map_err(|_| "a valid claim")?;
		}
		Ok(())
	}

	/// The `k`-th vote, the one that brings the majority and applies the change, after `k - 1`
	/// votes (of `2k - 1` operators) were counted.
	#[benchmark]
	fn propose(k: Linear<1, { T::MaxOperators::get().div_ceil(2) }>) -> Result<(), BenchmarkError> {
		let keys = T::BenchmarkHelper::operators(2 * k - 1);
		let owner: T::AccountId = account("owner", 0, 0);
		let change = Change::Register { vehicle: vehicle(0), owner, activation: 0 };
		let hash = Pallet::<T>::proposal_hash(&change);
		let expires = frame_system::Pallet::<T>::block_number() + T::ProposalLifetime::get();
		let voters: Vec<T::AccountId> =
			keys.iter().take(k as usize - 1).map(|key| key.clone().into_account()).collect();
		for voter in &voters {
			OpenProposals::<T>::insert(voter, 1);
		}
		Proposals::<T>::insert(
			hash,
			Proposal { change: change.clone(), voters: BoundedVec::truncate_from(voters), expires },
		);
		ProposalQueue::<T>::insert(0, (hash, expires));
		ProposalQueueTail::<T>::put(1);
		let Call::propose { payload, signature } =
			proposal_call::<T>(&keys[k as usize - 1], change)
		else {
			return Err(BenchmarkError::Stop("a propose call"));
		};

		#[extrinsic_call]
		_(frame_system::RawOrigin::Authorized, payload, signature);

		assert!(Vehicles::<T>::contains_key(vehicle(0)));
		Ok(())
	}

	#[benchmark]
	fn authorize_propose() -> Result<(), BenchmarkError> {
		let keys = T::BenchmarkHelper::operators(T::MaxOperators::get());
		let (id, _) = register::<T>(0);
		let change = Pallet::<T>::transfer_of(id, account("buyer", 0, 0))?;
		let call = proposal_call::<T>(&keys[0], change);

		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("authorized by its signature")?
				.map_err(|_| "a valid proposal")?;
		}
		Ok(())
	}

	/// Pruning one expired proposal with `k` voters.
	#[benchmark]
	fn prune_proposal(k: Linear<1, { T::MaxOperators::get() }>) {
		let keys = T::BenchmarkHelper::operators(k);
		let change =
			Change::Deregister { vehicle: vehicle(0), version: 0, owner: account("owner", 0, 0) };
		let hash = Pallet::<T>::proposal_hash(&change);
		let expires = frame_system::Pallet::<T>::block_number();
		let voters: Vec<T::AccountId> = keys.iter().map(|key| key.clone().into_account()).collect();
		for voter in &voters {
			OpenProposals::<T>::insert(voter, 1);
		}
		Proposals::<T>::insert(
			hash,
			Proposal { change, voters: BoundedVec::truncate_from(voters), expires },
		);
		ProposalQueue::<T>::insert(0, (hash, expires));
		ProposalQueueTail::<T>::put(1);
		let now = expires;

		#[block]
		{
			Pallet::<T>::prune_proposals(now, Weight::MAX);
		}

		assert!(Proposals::<T>::get(hash).is_none());
	}

	/// `on_initialize` looking over `n` batches in flight, none due.
	#[benchmark]
	fn advance_batches(n: Linear<0, MAX_IN_FLIGHT>) {
		register::<T>(0);
		for batch in 0..n {
			batch_in::<T>(batch as BatchIndex, BatchPhase::Committing);
		}
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::advance_batches(now);
		}

		assert_eq!(InFlight::<T>::get().len() as u32, n);
	}

	/// Finishing a batch with `w` won slots and `k` commitments.
	#[benchmark]
	fn finish(w: Linear<1, { T::MaxWinners::get() }>, k: Linear<1, { T::MaxOperators::get() }>) {
		let keys = T::BenchmarkHelper::operators(k);
		let (commitment, _, _, _) = deep_leaf(20);
		drawing::<T>(0, commitment, w);
		for key in &keys {
			Commitments::<T>::insert(0, key.clone().into_account(), commitment);
		}
		for slot in 0..w {
			let owner: T::AccountId = account("winner", slot, 0);
			Slots::<T>::insert(
				0,
				slot,
				SlotState::Won { point: 0, leaf_index: slot as u64, vehicle: vehicle(slot), owner },
			);
			WonLeaves::<T>::insert(0, slot as u64, slot);
		}
		#[block]
		{
			Pallet::<T>::finish(0);
		}

		assert!(Batches::<T>::get(0).is_none());
	}

	/// Drawing the `w` points of a batch accepted in its close block, at its early draw height.
	#[benchmark]
	fn draw_points(w: Linear<1, { T::MaxWinners::get() }>) {
		let closed_at = frame_system::Pallet::<T>::block_number();
		let (mut commitment, _, _, _) = deep_leaf(20);
		commitment.count = leaves_for::<T>(w);
		register::<T>(0);
		batch_in::<T>(0, BatchPhase::Accepted { commitment, at: closed_at });
		let now = closed_at.saturating_add(T::DrawDelay::get());
		frame_system::Pallet::<T>::set_block_number(now);
		T::BenchmarkHelper::set_randomness(
			sp_runtime::traits::UniqueSaturatedInto::<u32>::unique_saturated_into(now),
			[9u8; 32],
		);

		#[block]
		{
			Pallet::<T>::draw_points(now);
		}

		assert_eq!(Slots::<T>::iter_prefix(0).count() as u32, w);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}

const _: () = assert!(MAX_DEPTH >= 32);

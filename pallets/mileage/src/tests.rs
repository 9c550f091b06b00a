//! Tests of the registry, the operators' quorum, the batches' commitments, draws and claims.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::{transaction_validity::InvalidTransaction, DispatchError, Perbill};
use valley_merkle_sum::Node;

use crate::{mock::*, pallet::*, types::*};

fn operators(k: u64) -> Vec<AccountId> {
	let set: Vec<AccountId> = (0..k).map(|i| 10 + i).collect();
	OperatorSet::set(set.clone());
	set
}

fn stone_of(who: AccountId) -> Balance {
	pallet_balances::Pallet::<Test>::free_balance(who)
}

/// Closes a batch with `weights` registered (owners ALICE.., by vehicle), has `committers` commit
/// the honest tree and draws its points; returns the batch and the tree.
fn drawn_batch(
	weights: &[(u8, u64)],
	committers: &[AccountId],
) -> (BatchIndex, valley_merkle_sum::Tree) {
	let batch = run_to_close();
	let tree = tree(weights);
	for op in committers {
		assert_ok!(submit(commit_call(*op, batch, tree.commitment())));
	}
	next_block();
	assert!(matches!(Batches::<Test>::get(batch).unwrap().phase, BatchPhase::Drawing { .. }));
	(batch, tree)
}

/// Proves every open slot of `batch` from `tree` until none is open; returns the winners.
fn prove_all(batch: BatchIndex, tree: &valley_merkle_sum::Tree) {
	for _ in 0..20 {
		let open = open_slots(batch);
		if open.is_empty() {
			return;
		}
		for (slot, point) in open {
			assert_ok!(submit(claim_call(batch, slot, tree, leaf_at(tree, point))));
		}
	}
}

mod registry {
	use super::*;

	#[test]
	fn the_admin_registers_and_the_owner_passes_on_and_deregisters_its_car() {
		ExtBuilder.build_and_execute(|| {
			register(1, ALICE);
			assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().owner, ALICE);
			assert_noop!(
				Mileage::transfer_vehicle(RuntimeOrigin::signed(BOB), vid(1), BOB),
				Error::<Test>::NotOwner
			);
			assert_noop!(
				Mileage::transfer_vehicle(RuntimeOrigin::signed(ALICE), vid(1), ALICE),
				Error::<Test>::SameOwner
			);
			assert_ok!(Mileage::transfer_vehicle(RuntimeOrigin::signed(ALICE), vid(1), BOB));
			System::assert_last_event(
				Event::<Test>::VehicleTransferred { vehicle: vid(1), from: ALICE, to: BOB }.into(),
			);
			assert!(VehiclesOf::<Test>::contains_key(BOB, vid(1)));
			assert!(!VehiclesOf::<Test>::contains_key(ALICE, vid(1)));
			assert_noop!(
				Mileage::deregister_vehicle(RuntimeOrigin::signed(ALICE), vid(1)),
				Error::<Test>::NotOwner
			);
			assert_ok!(Mileage::deregister_vehicle(RuntimeOrigin::signed(BOB), vid(1)));
			assert_eq!(VehicleCount::<Test>::get(), 0);
			assert_noop!(
				Mileage::deregister_vehicle(RuntimeOrigin::root(), vid(1)),
				Error::<Test>::UnknownVehicle
			);
		});
	}

	#[test]
	fn only_the_admin_registers_directly() {
		ExtBuilder.build_and_execute(|| {
			assert_noop!(
				Mileage::register_vehicle(RuntimeOrigin::signed(10), vid(1), ALICE, None),
				DispatchError::BadOrigin
			);
			register(1, ALICE);
			assert_noop!(
				Mileage::register_vehicle(RuntimeOrigin::root(), vid(1), BOB, None),
				Error::<Test>::AlreadyRegistered
			);
			let v = Vehicles::<Test>::get(vid(1)).unwrap();
			assert_eq!((v.owner, v.version, v.owner_since), (ALICE, 0, v.registered_at));
		});
	}

	#[test]
	fn the_registry_is_bounded() {
		ExtBuilder.build_and_execute(|| {
			Capacity::set(2);
			register(1, ALICE);
			register(2, ALICE);
			assert_noop!(
				Mileage::register_vehicle(RuntimeOrigin::root(), vid(3), ALICE, None),
				Error::<Test>::TooManyVehicles
			);
		});
	}
}

mod proposals {
	use super::*;

	fn changes() -> Vec<Change<AccountId>> {
		vec![
			Change::Register { vehicle: vid(9), owner: CHARLIE, activation: 5 },
			Change::Transfer { vehicle: vid(1), version: 0, from: ALICE, to: CHARLIE },
			Change::Deregister { vehicle: vid(1), version: 0, owner: ALICE },
		]
	}

	#[test]
	fn a_majority_changes_the_registry_and_any_minority_does_not() {
		for k in [1u64, 3, 5, 9] {
			for change in changes() {
				ExtBuilder.build_and_execute(|| {
					let ops = operators(k);
					register(1, ALICE);
					let before: Vec<_> = Vehicles::<Test>::iter().collect();
					let quorum = crate::rules::quorum(k as u32, 1) as usize;
					for op in &ops[..quorum - 1] {
						assert_ok!(submit(propose_call(*op, change.clone())));
					}
					let mut after: Vec<_> = Vehicles::<Test>::iter().collect();
					after.sort_by_key(|(id, _)| *id);
					let mut before = before;
					before.sort_by_key(|(id, _)| *id);
					assert_eq!(after, before, "K = {k}: a minority changed {change:?}");
					assert_ok!(submit(propose_call(ops[quorum - 1], change.clone())));
					let hash = Mileage::proposal_hash(&change);
					System::assert_has_event(
						Event::<Test>::ChangeApplied { proposal: hash }.into(),
					);
					match &change {
						Change::Register { vehicle, owner, activation } => {
							let v = Vehicles::<Test>::get(vehicle).unwrap();
							assert_eq!((v.owner, v.activation), (*owner, *activation));
						},
						Change::Transfer { vehicle, to, .. } => {
							let v = Vehicles::<Test>::get(vehicle).unwrap();
							assert_eq!((v.owner, v.version), (*to, 1));
						},
						Change::Deregister { vehicle, .. } => {
							assert!(Vehicles::<Test>::get(vehicle).is_none());
							assert_eq!(Retired::<Test>::get(vehicle), Some(1));
						},
					}
					assert!(Proposals::<Test>::iter().next().is_none());
					assert!(OpenProposals::<Test>::iter().next().is_none());
				});
			}
		}
	}

	#[test]
	fn proposals_are_refused_in_the_pool_when_they_could_not_count() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			let change = Mileage::transfer_of(vid(1), BOB).unwrap();
			// Not an operator.
			assert_eq!(
				authorize(&propose_call(99, change.clone())),
				Err(InvalidTransaction::BadSigner)
			);
			// A change that changes nothing.
			let noop = Change::Transfer { vehicle: vid(1), version: 0, from: ALICE, to: ALICE };
			assert_eq!(authorize(&propose_call(10, noop)), Err(InvalidTransaction::Call));
			// A change of a car that is not (or no longer) registered: stale.
			let unknown = Change::Deregister { vehicle: vid(7), version: 0, owner: ALICE };
			assert_eq!(authorize(&propose_call(10, unknown)), Err(InvalidTransaction::Stale));
			// Signed for another chain, or by another key.
			let crate::Call::propose { payload, signature } = propose_call(10, change.clone())
			else {
				unreachable!()
			};
			let mut other = payload.clone();
			other.operator = sp_runtime::testing::UintAuthorityId(11);
			let forged = crate::Call::<Test>::propose { payload: other, signature };
			assert_eq!(authorize(&forged), Err(InvalidTransaction::BadProof));
			// Signed for another chain (another genesis hash), or as a commitment (another tag).
			let payload = ProposalPayload {
				operator: sp_runtime::testing::UintAuthorityId(10),
				change: change.clone(),
				valid_until: 5,
			};
			for message in [
				signed_message(PROPOSE_TAG, &sp_core::H256::repeat_byte(0xcc), &payload),
				signed_message(COMMIT_TAG, &Mileage::genesis_hash(), &payload),
			] {
				let signature =
					sp_runtime::RuntimeAppPublic::sign(&payload.operator, &message).unwrap();
				let call = crate::Call::<Test>::propose { payload: payload.clone(), signature };
				assert_eq!(authorize(&call), Err(InvalidTransaction::BadProof));
			}
			// Once per operator.
			assert_ok!(submit(propose_call(10, change.clone())));
			assert_eq!(
				authorize(&propose_call(10, change.clone())),
				Err(InvalidTransaction::Stale)
			);
			assert_noop!(dispatch(propose_call(10, change)), Error::<Test>::AlreadyProposed);
		});
	}

	#[test]
	fn proposals_expire_and_are_bounded_per_operator() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			register(2, ALICE);
			let first = Mileage::transfer_of(vid(1), BOB).unwrap();
			let second = Mileage::transfer_of(vid(2), BOB).unwrap();
			let third = Mileage::deregistration_of(vid(1)).unwrap();
			assert_ok!(submit(propose_call(10, first.clone())));
			assert_ok!(submit(propose_call(10, second)));
			assert_eq!(
				authorize(&propose_call(10, third.clone())),
				Err(InvalidTransaction::ExhaustsResources)
			);
			// Five blocks later both expired: pruned in `on_idle`, the bound is free again.
			run_blocks(5);
			assert!(Proposals::<Test>::iter().next().is_none());
			assert_eq!(OpenProposals::<Test>::get(10), 0);
			System::assert_has_event(
				Event::<Test>::ProposalExpired { proposal: Mileage::proposal_hash(&first) }.into(),
			);
			// An expired vote does not count: the second vote alone is not a majority.
			assert_ok!(submit(propose_call(11, first.clone())));
			assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().owner, ALICE);
			assert_ok!(submit(propose_call(10, first)));
			assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().owner, BOB);
			// The deregistration named Alice's entry: the car moved on, it is stale.
			assert_eq!(authorize(&propose_call(10, third)), Err(InvalidTransaction::Stale));
			assert_ok!(submit(propose_call(10, Mileage::deregistration_of(vid(1)).unwrap())));
		});
	}

	#[test]
	fn votes_of_removed_operators_make_room_for_current_ones() {
		ExtBuilder.build_and_execute(|| {
			register(1, ALICE);
			let change = Mileage::transfer_of(vid(1), BOB).unwrap();
			// Nine operators vote, one at a time, each removed after voting: the list is full.
			for op in 30..39u64 {
				OperatorSet::set(vec![op, 100, 101, 102, 103, 104, 105, 106, 107]);
				assert_ok!(submit(propose_call(op, change.clone())));
			}
			assert_eq!(
				Proposals::<Test>::get(Mileage::proposal_hash(&change)).unwrap().voters.len(),
				9
			);
			// A current operator's vote is taken in the pool and in the block alike.
			OperatorSet::set(vec![100, 101, 102]);
			assert_ok!(submit(propose_call(100, change.clone())));
			assert_eq!(OpenProposals::<Test>::get(30), 0);
			assert_ok!(submit(propose_call(101, change)));
			assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().owner, BOB);
		});
	}

	#[test]
	fn a_removed_operator_s_vote_no_longer_counts() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			let change = Mileage::transfer_of(vid(1), BOB).unwrap();
			assert_ok!(submit(propose_call(10, change.clone())));
			OperatorSet::set(vec![11, 12, 13]);
			assert_ok!(submit(propose_call(11, change.clone())));
			assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().owner, ALICE);
			assert_ok!(submit(propose_call(12, change)));
			assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().owner, BOB);
		});
	}
}

mod replays {
	use super::*;

	/// The calls of `ops` proposing `change`, signed now.
	fn votes(ops: &[AccountId], change: &Change<AccountId>) -> Vec<crate::Call<Test>> {
		ops.iter().map(|op| propose_call(*op, change.clone())).collect()
	}

	#[test]
	fn replayed_votes_of_an_applied_change_are_stale_after_the_registry_moved_on() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			// Alice passes her car on to Bob herself; the operators (wrongly) send it back.
			assert_ok!(Mileage::transfer_vehicle(RuntimeOrigin::signed(ALICE), vid(1), BOB));
			let revert = Mileage::transfer_of(vid(1), ALICE).unwrap();
			let reverting = votes(&[10, 11], &revert);
			for call in reverting.clone() {
				assert_ok!(submit(call));
			}
			assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().owner, ALICE);
			// The service sells the car to Charlie: applied by a majority.
			let sale = Mileage::transfer_of(vid(1), CHARLIE).unwrap();
			for call in votes(&[10, 11], &sale) {
				assert_ok!(submit(call));
			}
			assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().owner, CHARLIE);
			// Anyone re-sends the exact bytes of the reverting votes, within their deadline:
			// refused in the pool and in a block, the car stays Charlie's.
			for call in reverting.iter().chain(votes(&[10, 11], &sale).iter()) {
				assert_eq!(authorize(call), Err(InvalidTransaction::Stale));
				assert_noop!(dispatch(call.clone()), Error::<Test>::StaleChange);
			}
			assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().owner, CHARLIE);
			// Even once the owner is the named one again (A → B → A), the version moved on.
			assert_ok!(Mileage::transfer_vehicle(RuntimeOrigin::signed(CHARLIE), vid(1), BOB));
			assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().owner, BOB);
			for call in &reverting {
				assert_eq!(authorize(call), Err(InvalidTransaction::Stale));
			}
		});
	}

	#[test]
	fn a_vote_counts_only_until_its_deadline_which_is_bounded() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			let change = Mileage::transfer_of(vid(1), BOB).unwrap();
			let now = System::block_number();
			// Past its deadline.
			let expired = propose_call_until(10, change.clone(), now - 1);
			assert_eq!(authorize(&expired), Err(InvalidTransaction::Stale));
			assert_noop!(dispatch(expired), Error::<Test>::ProposalExpired);
			// More than the proposal lifetime ahead: a signature that would live for ever.
			let far = propose_call_until(10, change.clone(), now + 6);
			assert_eq!(authorize(&far), Err(InvalidTransaction::Call));
			assert_noop!(dispatch(far), Error::<Test>::DeadlineTooFar);
			// Valid now, sent after its deadline: refused, nothing counted.
			let late = propose_call_until(10, change.clone(), now + 2);
			assert_eq!(authorize(&late), Ok(()));
			run_blocks(3);
			assert_eq!(authorize(&late), Err(InvalidTransaction::Stale));
			assert_noop!(dispatch(late), Error::<Test>::ProposalExpired);
			assert!(Proposals::<Test>::iter().next().is_none());
		});
	}

	#[test]
	fn a_deregistered_car_is_registered_again_only_by_the_admin() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			assert_ok!(Mileage::transfer_vehicle(RuntimeOrigin::signed(ALICE), vid(1), BOB));
			let old_sale = Change::Transfer { vehicle: vid(1), version: 1, from: BOB, to: ALICE };
			assert_ok!(Mileage::deregister_vehicle(RuntimeOrigin::signed(BOB), vid(1)));
			assert_eq!(Retired::<Test>::get(vid(1)), Some(2));
			assert_eq!(Mileage::retired(vec![vid(1), vid(2)]), vec![vid(1)]);
			// The fleet still lists it: the operators' registration is refused.
			let again = Change::Register { vehicle: vid(1), owner: BOB, activation: 0 };
			assert_eq!(authorize(&propose_call(10, again.clone())), Err(InvalidTransaction::Stale));
			assert_noop!(dispatch(propose_call(10, again)), Error::<Test>::VehicleRetired);
			// The admin corrects: registered again, its versions go on.
			register(1, BOB);
			let v = Vehicles::<Test>::get(vid(1)).unwrap();
			assert_eq!((v.owner, v.version), (BOB, 2));
			assert!(Retired::<Test>::get(vid(1)).is_none());
			// A change signed for its earlier life stays stale.
			assert_eq!(authorize(&propose_call(10, old_sale)), Err(InvalidTransaction::Stale));
		});
	}

	#[test]
	fn fewer_than_the_minimum_of_operators_accept_no_root_and_change_no_car() {
		ExtBuilder.build_and_execute(|| {
			MinOperators::<Test>::put(3);
			// One bootstrap operator: alone a majority of one, not the minimum of three.
			operators(1);
			let own = Change::Register { vehicle: vid(5), owner: 10, activation: 0 };
			assert_ok!(submit(propose_call(10, own.clone())));
			assert!(Vehicles::<Test>::get(vid(5)).is_none());
			System::assert_last_event(
				Event::<Test>::ChangeProposed {
					operator: 10,
					proposal: Mileage::proposal_hash(&own),
					change: own,
					votes: 1,
					needed: 3,
				}
				.into(),
			);
			register(5, 10);
			let batch = run_to_close();
			assert_ok!(submit(commit_call(10, batch, tree(&[(5, 100)]).commitment())));
			assert_eq!(Batches::<Test>::get(batch).unwrap().phase, BatchPhase::Committing);
			// Its deadline passes: the whole batch carries over, nothing paid.
			run_blocks(COMMIT_WINDOW + 1);
			System::assert_has_event(
				Event::<Test>::BatchNotCommitted { batch, amount: REWARD }.into(),
			);
			assert_eq!(stone_of(10), 0);
			// With three operators, three agree.
			let ops = operators(3);
			let batch = run_to_close();
			let honest = tree(&[(5, 100)]);
			for op in &ops {
				assert_ok!(submit(commit_call(*op, batch, honest.commitment())));
			}
			assert!(matches!(
				Batches::<Test>::get(batch).unwrap().phase,
				BatchPhase::Accepted { .. }
			));
		});
	}
}

mod draw_height {
	use super::*;
	use codec::Encode;

	fn seed_of(batch: BatchIndex, block: u64) -> [u8; 32] {
		let randomness =
			<TestRandomness as valley_primitives::BlockRandomness<_, _>>::randomness_of(block)
				.unwrap();
		sp_io::hashing::blake2_256(&(b"valley/mileage", batch, randomness).encode())
	}

	/// A batch with car 1 registered, its root accepted by two of three operators `delay` blocks
	/// after its close; the batch and its close block.
	fn accepted_after(delay: u64) -> (BatchIndex, u64) {
		operators(3);
		register(1, ALICE);
		let batch = run_to_close();
		let closed_at = System::block_number();
		run_blocks(delay);
		for op in [10, 11] {
			assert_ok!(submit(commit_call(op, batch, tree(&[(1, 40)]).commitment())));
		}
		(batch, closed_at)
	}

	fn drawn_seed(batch: BatchIndex) -> Option<[u8; 32]> {
		match Batches::<Test>::get(batch)?.phase {
			BatchPhase::Drawing { seed, .. } => Some(seed),
			_ => None,
		}
	}

	#[test]
	fn a_root_accepted_early_is_drawn_at_the_early_height_whenever_it_was_accepted() {
		DrawDelayOf::set(2);
		// Accepted in the close block or in the one after: drawn at close + 2 either way.
		for delay in [0u64, 1] {
			ExtBuilder.build_and_execute(|| {
				let (batch, closed_at) = accepted_after(delay);
				while System::block_number() < closed_at + 1 {
					next_block();
				}
				next_block();
				assert_eq!(System::block_number(), closed_at + 2);
				assert_eq!(drawn_seed(batch), Some(seed_of(batch, closed_at + 2)), "delay {delay}");
			});
		}
		DrawDelayOf::set(1);
	}

	#[test]
	fn a_root_accepted_at_or_after_the_early_height_is_drawn_after_the_commit_window() {
		DrawDelayOf::set(2);
		for delay in [2u64, COMMIT_WINDOW] {
			ExtBuilder.build_and_execute(|| {
				let (batch, closed_at) = accepted_after(delay);
				// Not in the blocks after the acceptance, whoever completed it.
				while System::block_number() < closed_at + COMMIT_WINDOW {
					next_block();
					assert_eq!(drawn_seed(batch), None, "delay {delay}");
				}
				next_block();
				let draw_at = closed_at + COMMIT_WINDOW + 1;
				assert_eq!(drawn_seed(batch), Some(seed_of(batch, draw_at)), "delay {delay}");
			});
		}
		DrawDelayOf::set(1);
	}
}

mod commitments {
	use super::*;

	#[test]
	fn commitments_stay_bounded_when_operators_change() {
		ExtBuilder.build_and_execute(|| {
			let first = operators(9);
			register(1, ALICE);
			let batch = run_to_close();
			// Nine operators, nine different roots: no majority.
			for (i, op) in first.iter().enumerate() {
				let c = tree(&[(1, 10 + i as u64)]).commitment();
				assert_ok!(submit(commit_call(*op, batch, c)));
			}
			// All nine replaced: their commitments stay, and the batch takes no tenth.
			OperatorSet::set((20..29).collect());
			let c = tree(&[(1, 40)]).commitment();
			assert_eq!(
				authorize(&commit_call(20, batch, c)),
				Err(InvalidTransaction::ExhaustsResources)
			);
			assert_noop!(dispatch(commit_call(20, batch, c)), Error::<Test>::TooManyCommitments);
			run_blocks(COMMIT_WINDOW + 1);
			assert!(Commitments::<Test>::iter_prefix(batch).next().is_none());
		});
	}

	#[test]
	fn a_batch_closes_with_its_cut_off_and_a_majority_s_root_is_accepted() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			let batch = run_to_close();
			let record = Batches::<Test>::get(batch).unwrap();
			// The cut-off is the chain time at the block's start: the parent's timestamp.
			assert_eq!(record.close_ms, time_of(System::block_number() - 1));
			assert_eq!(record.amount, REWARD);
			let honest = tree(&[(1, 40)]).commitment();
			assert_ok!(submit(commit_call(10, batch, honest)));
			assert_eq!(Batches::<Test>::get(batch).unwrap().phase, BatchPhase::Committing);
			assert_ok!(submit(commit_call(11, batch, honest)));
			System::assert_has_event(
				Event::<Test>::BatchCommitted { batch, commitment: honest }.into(),
			);
			let accepted = Batches::<Test>::get(batch).unwrap().phase;
			// The third comes after acceptance: on record, and it changes nothing.
			let other = tree(&[(1, 41)]).commitment();
			assert_ok!(submit(commit_call(12, batch, other)));
			System::assert_last_event(
				Event::<Test>::CommitmentSubmitted {
					batch,
					operator: 12,
					commitment: other,
					agreeing: 1,
				}
				.into(),
			);
			assert_eq!(Batches::<Test>::get(batch).unwrap().phase, accepted);
			assert_eq!(Commitments::<Test>::get(batch, 12), Some(other));
		});
	}

	#[test]
	fn late_commitments_are_recorded_within_the_window_and_change_no_draw() {
		ExtBuilder.build_and_execute(|| {
			operators(5);
			register(1, ALICE);
			let batch = run_to_close();
			let closed_at = System::block_number();
			let honest = tree(&[(1, 40)]);
			// Accepted late in the window: its proofs' deadline outlives the commit window.
			run_blocks(COMMIT_WINDOW - 1);
			for op in [10, 11, 12] {
				assert_ok!(submit(commit_call(op, batch, honest.commitment())));
			}
			next_block();
			// Accepted after the early draw height: drawn after the window, not now.
			let accepted = Batches::<Test>::get(batch).unwrap().phase;
			assert!(matches!(accepted, BatchPhase::Accepted { .. }));
			// Within the window: recorded, agreeing or not; the acceptance stands.
			assert_ok!(submit(commit_call(13, batch, honest.commitment())));
			assert_eq!(Batches::<Test>::get(batch).unwrap().phase, accepted);
			assert_eq!(System::block_number(), closed_at + COMMIT_WINDOW);
			next_block();
			// Past the window, the batch drawing: refused in the pool and in a block.
			let other = tree(&[(1, 41)]).commitment();
			assert!(matches!(
				Batches::<Test>::get(batch).unwrap().phase,
				BatchPhase::Drawing { .. }
			));
			assert_eq!(authorize(&commit_call(14, batch, other)), Err(InvalidTransaction::Stale));
			assert_noop!(dispatch(commit_call(14, batch, other)), Error::<Test>::NotCommitting);
			// The claims go on as drawn.
			let before = stone_of(ALICE);
			prove_all(batch, &honest);
			assert_eq!(stone_of(ALICE), before + REWARD);
		});
	}

	#[test]
	fn any_minority_s_roots_change_no_accepted_root_and_no_payout() {
		for k in [1u64, 3, 5, 9] {
			ExtBuilder.build_and_execute(|| {
				let ops = operators(k);
				register(1, ALICE);
				register(2, BOB);
				register(3, CHARLIE);
				let honest = tree(&[(1, 10), (2, 20), (3, 30)]);
				// Liars: inflate a car, omit one, forge a sum.
				let inflated = tree(&[(1, 10_000), (2, 20), (3, 30)]).commitment();
				let omitted = tree(&[(1, 10), (3, 30)]).commitment();
				let mut forged = honest.commitment();
				forged.total += 1_000;
				let lies = [inflated, omitted, forged];
				let quorum = crate::rules::quorum(k as u32, 1) as usize;
				let batch = run_to_close();
				// Every operator outside the honest majority lies, all of them alike.
				for op in &ops[quorum..] {
					assert_ok!(submit(commit_call(*op, batch, lies[(*op as usize) % 3])));
				}
				for op in &ops[..quorum] {
					assert_ok!(submit(commit_call(*op, batch, honest.commitment())));
				}
				let Some(BatchPhase::Accepted { commitment, .. }) =
					Batches::<Test>::get(batch).map(|r| r.phase)
				else {
					panic!("K = {k}: the majority's root was not accepted");
				};
				assert_eq!(commitment, honest.commitment());
				next_block();
				prove_all(batch, &honest);
				let lie_tree = tree(&[(1, 10_000), (2, 20), (3, 30)]);
				// The liars' tree proves nothing against the accepted root.
				for (slot, point) in open_slots(batch) {
					let index = leaf_at(&lie_tree, point % lie_tree.commitment().total);
					assert_noop!(
						dispatch(claim_call(batch, slot, &lie_tree, index)),
						Error::<Test>::InvalidProof
					);
				}
			});
		}
	}

	#[test]
	fn a_minority_alone_never_reaches_acceptance() {
		for k in [3u64, 5, 9] {
			ExtBuilder.build_and_execute(|| {
				let ops = operators(k);
				register(1, ALICE);
				let batch = run_to_close();
				let lie = tree(&[(1, 99)]).commitment();
				let quorum = crate::rules::quorum(k as u32, 1) as usize;
				for op in &ops[..quorum - 1] {
					assert_ok!(submit(commit_call(*op, batch, lie)));
				}
				assert_eq!(Batches::<Test>::get(batch).unwrap().phase, BatchPhase::Committing);
				// No majority by the deadline: the whole batch carries over.
				let carried = pallet_stone::CarriedOver::<Test>::get();
				run_blocks(COMMIT_WINDOW + 1);
				assert!(Batches::<Test>::get(batch).is_none());
				System::assert_has_event(
					Event::<Test>::BatchNotCommitted { batch, amount: REWARD }.into(),
				);
				assert_eq!(pallet_stone::CarriedOver::<Test>::get(), carried + REWARD);
				assert_eq!(BatchOutcomes::<Test>::get(batch).unwrap().commitment, None);
			});
		}
	}

	#[test]
	fn commitments_are_refused_when_they_could_not_count() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			let c = tree(&[(1, 40)]).commitment();
			assert_eq!(authorize(&commit_call(10, 0, c)), Err(InvalidTransaction::Stale));
			let batch = run_to_close();
			assert_eq!(authorize(&commit_call(99, batch, c)), Err(InvalidTransaction::BadSigner));
			let other_chain = sp_core::H256::repeat_byte(0xcc);
			assert_eq!(
				authorize(&commit_call_for(10, batch, c, other_chain)),
				Err(InvalidTransaction::BadProof)
			);
			assert_ok!(submit(commit_call(10, batch, c)));
			assert_eq!(authorize(&commit_call(10, batch, c)), Err(InvalidTransaction::Stale));
			assert_noop!(dispatch(commit_call(10, batch, c)), Error::<Test>::AlreadyCommitted);
			run_blocks(COMMIT_WINDOW + 1);
			assert_eq!(authorize(&commit_call(11, batch, c)), Err(InvalidTransaction::Stale));
		});
	}
}

mod claims {
	use super::*;

	#[test]
	fn proven_winners_are_paid_to_their_current_owners() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			register(2, BOB);
			let (batch, tree) = drawn_batch(&[(1, 100), (2, 300)], &[10, 11]);
			// 50% of 2 leaves: one winner, paid the whole batch.
			let (slot, point) = open_slots(batch)[0];
			let index = leaf_at(&tree, point);
			let winner = tree.leaf(index).unwrap().vehicle;
			let owner = if winner == vid(1).0 { ALICE } else { BOB };
			// Passed on after the cut-off: the current owner is paid.
			assert_ok!(Mileage::transfer_vehicle(
				RuntimeOrigin::signed(owner),
				winner.into(),
				CHARLIE
			));
			assert_ok!(submit(claim_call(batch, slot, &tree, index)));
			assert_eq!(stone_of(CHARLIE), REWARD);
			System::assert_has_event(
				Event::<Test>::VehicleWon {
					batch,
					slot,
					vehicle: winner.into(),
					owner: CHARLIE,
					amount: REWARD,
				}
				.into(),
			);
			check_invariants();
			next_block();
			let outcome = BatchOutcomes::<Test>::get(batch).unwrap();
			assert_eq!((outcome.amount, outcome.winners.len()), (REWARD, 1));
			assert_eq!(Mileage::recent_batches(1)[0].winners[0].owner, CHARLIE);
			assert!(Batches::<Test>::get(batch).is_none());
			assert!(Commitments::<Test>::iter_prefix(batch).next().is_none());
		});
	}

	#[test]
	fn bad_claims_fail_with_a_named_error_and_change_nothing() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			register(2, BOB);
			register(3, CHARLIE);
			WinnerShareOf::set(Perbill::one());
			let (batch, tree) = drawn_batch(&[(1, 100), (2, 300), (3, 600)], &[10, 11]);
			let (slot, point) = open_slots(batch)[0];
			let index = leaf_at(&tree, point);
			// A leaf that does not own the point.
			let wrong = (index + 1) % 3;
			assert_noop!(
				dispatch(claim_call(batch, slot, &tree, wrong)),
				Error::<Test>::PointNotInLeaf
			);
			assert_eq!(
				authorize(&claim_call(batch, slot, &tree, wrong)),
				Err(InvalidTransaction::Call)
			);
			// A forged weight or sibling sum.
			let mut forged = claim_call(batch, slot, &tree, index);
			if let crate::Call::claim { leaf, .. } = &mut forged {
				leaf.weight += 1;
			}
			assert_noop!(dispatch(forged), Error::<Test>::InvalidProof);
			let mut forged = claim_call(batch, slot, &tree, index);
			if let crate::Call::claim { proof, .. } = &mut forged {
				proof.siblings[0] =
					Node { hash: proof.siblings[0].hash, sum: proof.siblings[0].sum + 1 };
			}
			assert_noop!(dispatch(forged), Error::<Test>::InvalidProof);
			// A leaf of another batch's tree (another salt).
			let other = {
				let leaves = [(1u8, 100u64), (2, 300), (3, 600)].map(|(n, w)| (vid(n).0, w));
				valley_merkle_sum::Tree::from_leaves([8u8; 32], leaves).unwrap()
			};
			assert_noop!(
				dispatch(claim_call(batch, slot, &other, index)),
				Error::<Test>::InvalidProof
			);
			// Unknown batch and slot.
			assert_noop!(
				dispatch(claim_call(batch + 1, slot, &tree, index)),
				Error::<Test>::UnknownBatch
			);
			assert_noop!(dispatch(claim_call(batch, 3, &tree, index)), Error::<Test>::UnknownSlot);
			// Proven once, then closed.
			assert_ok!(submit(claim_call(batch, slot, &tree, index)));
			assert_eq!(
				authorize(&claim_call(batch, slot, &tree, index)),
				Err(InvalidTransaction::Stale)
			);
			assert_noop!(
				dispatch(claim_call(batch, slot, &tree, index)),
				Error::<Test>::SlotClosed
			);
		});
	}

	#[test]
	fn claims_before_the_draw_or_after_the_deadline_are_refused_and_shares_carry_over() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			register(2, BOB);
			let batch = run_to_close();
			let tree = tree(&[(1, 100), (2, 300)]);
			assert_noop!(dispatch(claim_call(batch, 0, &tree, 0)), Error::<Test>::NotDrawing);
			assert_ok!(submit(commit_call(10, batch, tree.commitment())));
			assert_ok!(submit(commit_call(11, batch, tree.commitment())));
			// Accepted in this block: the points are drawn with the next block's randomness.
			assert_noop!(dispatch(claim_call(batch, 0, &tree, 0)), Error::<Test>::NotDrawing);
			next_block();
			let (slot, point) = open_slots(batch)[0];
			let carried = pallet_stone::CarriedOver::<Test>::get();
			// The last block of the proof window still takes it; the next one finishes the batch.
			run_blocks(PROOF_WINDOW - 1);
			assert_eq!(authorize(&claim_call(batch, slot, &tree, leaf_at(&tree, point))), Ok(()));
			run_blocks(2);
			assert!(Batches::<Test>::get(batch).is_none());
			assert_noop!(
				dispatch(claim_call(batch, slot, &tree, leaf_at(&tree, point))),
				Error::<Test>::UnknownBatch
			);
			assert_eq!(pallet_stone::CarriedOver::<Test>::get(), carried + REWARD);
			assert_eq!(BatchOutcomes::<Test>::get(batch).unwrap().amount, 0);
		});
	}

	#[test]
	fn a_leaf_that_won_already_redraws_the_point_and_a_deregistered_car_voids_its_slot() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			register(2, BOB);
			register(3, CHARLIE);
			WinnerShareOf::set(Perbill::one());
			// One heavy car takes nearly every point.
			let (batch, tree) = drawn_batch(&[(1, 1_000_000), (2, 1), (3, 1)], &[10, 11]);
			let heavy = tree.find(&vid(1).0).unwrap();
			let mut redrawn = 0;
			for _ in 0..10 {
				for (slot, point) in open_slots(batch) {
					let index = leaf_at(&tree, point);
					let before = open_slots(batch).len();
					assert_ok!(submit(claim_call(batch, slot, &tree, index)));
					if index == heavy && open_slots(batch).len() == before {
						redrawn += 1;
					}
				}
			}
			assert!(redrawn > 0, "the heavy car's second point is redrawn");
			assert!(mileage_events().iter().any(|e| matches!(e, Event::PointRedrawn { .. })));
			// Redraws are bounded: the slots end up won or void, never open forever.
			assert!(open_slots(batch).is_empty());
			assert_eq!(stone_of(ALICE), REWARD / 3);
		});
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			let (batch, tree) = drawn_batch(&[(1, 50)], &[10, 11]);
			assert_ok!(Mileage::deregister_vehicle(RuntimeOrigin::signed(ALICE), vid(1)));
			let (slot, _) = open_slots(batch)[0];
			assert_ok!(submit(claim_call(batch, slot, &tree, 0)));
			System::assert_has_event(Event::<Test>::SlotVoided { batch, slot }.into());
			assert_eq!(stone_of(ALICE), 0);
			let carried = pallet_stone::CarriedOver::<Test>::get();
			next_block();
			assert_eq!(pallet_stone::CarriedOver::<Test>::get(), carried + REWARD);
		});
	}

	#[test]
	fn nobody_with_weight_carries_the_batch_over() {
		ExtBuilder.build_and_execute(|| {
			operators(1);
			register(1, ALICE);
			let batch = run_to_close();
			let empty = tree(&[]).commitment();
			assert_eq!((empty.total, empty.count), (0, 0));
			assert_ok!(submit(commit_call(10, batch, empty)));
			let carried = pallet_stone::CarriedOver::<Test>::get();
			run_blocks(2);
			assert!(Batches::<Test>::get(batch).is_none());
			assert_eq!(pallet_stone::CarriedOver::<Test>::get(), carried + REWARD);
		});
	}

	#[test]
	fn the_share_api_verifies_a_leaf_against_the_accepted_root() {
		ExtBuilder.build_and_execute(|| {
			operators(3);
			register(1, ALICE);
			register(2, BOB);
			let (batch, tree) = drawn_batch(&[(1, 100), (2, 300)], &[10, 11]);
			let index = tree.find(&vid(2).0).unwrap();
			let (leaf, salt, proof) = (
				tree.leaf(index).unwrap(),
				tree.leaf_salt(index).unwrap(),
				tree.proof(index).unwrap(),
			);
			let share = Mileage::share(batch, leaf, salt, proof.clone(), REWARD).unwrap();
			assert_eq!((share.weight, share.total, share.leaves), (300, 400, 2));
			assert_eq!(share.share, Perbill::from_percent(75));
			let mut lie = leaf;
			lie.weight = 400;
			assert_eq!(
				Mileage::share(batch, lie, salt, proof.clone(), REWARD),
				Err(pallet_mileage_runtime_api::ShareError::InvalidProof)
			);
			assert_eq!(
				Mileage::share(batch + 1, leaf, salt, proof, REWARD),
				Err(pallet_mileage_runtime_api::ShareError::NoRoot)
			);
		});
	}

	/// Over many batches each car wins in proportion to its weight: chi-square with 3 degrees of
	/// freedom below 16.27 (p = 0.001).
	#[test]
	fn winners_frequencies_match_their_weights() {
		ExtBuilder.build_and_execute(|| {
			operators(1);
			let weights = [(1u8, 10u64), (2, 20), (3, 30), (4, 40)];
			for (n, _) in weights {
				register(n, 100 + n as u64);
			}
			WinnerShareOf::set(Perbill::from_percent(10));
			let mut wins = [0u32; 4];
			let rounds = 400;
			for _ in 0..rounds {
				let (batch, tree) = drawn_batch(&weights, &[10]);
				let (slot, point) = open_slots(batch)[0];
				let index = leaf_at(&tree, point);
				assert_ok!(submit(claim_call(batch, slot, &tree, index)));
				let vehicle = tree.leaf(index).unwrap().vehicle;
				wins[weights.iter().position(|(n, _)| vid(*n).0 == vehicle).unwrap()] += 1;
			}
			let chi2: f64 = weights
				.iter()
				.zip(wins)
				.map(|((_, w), won)| {
					let expected = rounds as f64 * *w as f64 / 100.0;
					(won as f64 - expected).powi(2) / expected
				})
				.sum();
			assert!(chi2 < 16.27, "wins {wins:?}, chi-square {chi2}");
		});
	}
}

mod migration {
	use super::*;
	use codec::Encode;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	#[test]
	fn version_1_vehicles_get_a_version_and_an_owner_s_time_and_unbound_proposals_go() {
		ExtBuilder.build_and_execute(|| {
			StorageVersion::new(1).put::<Mileage>();
			let old = VehicleV1 {
				owner: ALICE,
				activation: 7,
				behaviour: Perbill::from_percent(90),
				registered_at: 1_000,
			};
			frame_support::storage::unhashed::put_raw(
				&Vehicles::<Test>::hashed_key_for(vid(1)),
				&old.encode(),
			);
			VehiclesOf::<Test>::insert(ALICE, vid(1), ());
			VehicleCount::<Test>::put(1);
			// A version-1 proposal (its change encoded without state or deadline) and its vote.
			let hash = sp_core::H256::repeat_byte(7);
			let old_change = (1u8, vid(1), BOB).encode();
			frame_support::storage::unhashed::put_raw(
				&Proposals::<Test>::hashed_key_for(hash),
				&(old_change, vec![10u64], 9u64).encode(),
			);
			OpenProposals::<Test>::insert(10, 1);
			ProposalQueue::<Test>::insert(0, (hash, 9));
			ProposalQueueTail::<Test>::put(1);

			crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();

			assert_eq!(Mileage::on_chain_storage_version(), 2);
			assert_eq!(
				Vehicles::<Test>::get(vid(1)),
				Some(Vehicle {
					owner: ALICE,
					activation: 7,
					registered_at: 1_000,
					owner_since: 1_000,
					version: 0,
				})
			);
			assert!(Proposals::<Test>::iter_keys().next().is_none());
			assert_eq!(OpenProposals::<Test>::get(10), 0);
			assert_eq!(ProposalQueueHead::<Test>::get(), ProposalQueueTail::<Test>::get());
			// Run again (a later upgrade): nothing changes.
			let before = Vehicles::<Test>::get(vid(1));
			crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
			assert_eq!(Vehicles::<Test>::get(vid(1)), before);
			// The car works under the new layout: its owner passes it on.
			assert_ok!(Mileage::transfer_vehicle(RuntimeOrigin::signed(ALICE), vid(1), BOB));
		});
	}
}

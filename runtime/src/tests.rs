//! Runtime tests: the genesis presets, a balance transfer, what polkadot.js reads, the beacon's
//! inherent through the executive, and a mileage batch committed, drawn and proven; where the
//! weights come from in `weights`.

mod weights;

use frame_support::{
	assert_ok,
	traits::{fungible::Inspect, UnfilteredDispatchable},
};
use sp_core::{crypto::Pair as _, ed25519, sr25519};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::{Block as _, Header as _},
	BuildStorage,
};

use crate::{
	genesis_config_presets::{self as presets, GOFUN_RUNTIME_PRESET, IM_VALLEY_RUNTIME_PRESET},
	*,
};

/// The full genesis config of a preset.
fn preset_config(name: &str) -> RuntimeGenesisConfig {
	presets::full_config(name).expect("the preset exists and merges into a valid genesis config")
}

fn ext_for(name: &str) -> sp_io::TestExternalities {
	let storage = preset_config(name).build_storage().expect("the preset's genesis builds");
	let mut ext = sp_io::TestExternalities::from(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

#[test]
fn every_preset_builds_with_its_authorities() {
	let names: Vec<_> = presets::preset_names();
	assert_eq!(
		names,
		vec![
			DEV_RUNTIME_PRESET,
			LOCAL_TESTNET_RUNTIME_PRESET,
			IM_VALLEY_RUNTIME_PRESET,
			GOFUN_RUNTIME_PRESET
		]
	);

	for (name, authorities) in [
		(DEV_RUNTIME_PRESET, 1),
		(LOCAL_TESTNET_RUNTIME_PRESET, 9),
		(IM_VALLEY_RUNTIME_PRESET, 9),
		(GOFUN_RUNTIME_PRESET, 7),
	] {
		ext_for(name).execute_with(|| {
			assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), authorities, "{name}");
			assert_eq!(Grandpa::grandpa_authorities().len(), authorities, "{name}");
			assert!(pallet_sudo::Key::<Runtime>::get().is_some(), "{name}");
		});
	}
	assert!(presets::get_preset(&"unknown".into()).is_none());
}

#[test]
fn im_valley_has_no_development_endowments() {
	ext_for(IM_VALLEY_RUNTIME_PRESET).execute_with(|| {
		let admin = AccountId::from(presets::IM_VALLEY_ADMIN);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(admin.clone()));
		// The admin's endowment, and the minimum balance of the account keeping charities' pots.
		assert_eq!(Balances::total_issuance(), presets::ADMIN_ENDOWMENT + EXISTENTIAL_DEPOSIT);
		assert_eq!(Balances::balance(&Collectibles::account()), EXISTENTIAL_DEPOSIT);
		assert_eq!(Balances::balance(&Sr25519Keyring::Alice.to_account_id()), 0);
		// No artwork or charity: the admin registers them by call.
		assert_eq!(pallet_collectibles::Artworks::<Runtime>::iter().count(), 0);
		assert_eq!(pallet_collectibles::CharityCount::<Runtime>::get(), 0);
	});
}

#[test]
fn development_chains_ship_a_catalogue_of_every_category() {
	use pallet_redemption::{Category, Delivery};
	for name in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
		ext_for(name).execute_with(|| {
			let items = Redemption::catalogue(None);
			let mut categories: Vec<Category> = items.iter().map(|i| i.spec.category).collect();
			categories.dedup();
			assert_eq!(categories.len(), 5, "{name}: an item of each category");
			let package = items.iter().find(|i| i.id == 1).expect("the driving package");
			assert_eq!(package.spec.price, 6_800 * UNIT);
			assert_eq!(
				package.spec.cash.map(|c| (c.currency, c.amount)),
				Some((*b"CNY", 1_000_000))
			);
			let badge =
				items.iter().find(|i| i.spec.category == Category::DigitalCollectible).unwrap();
			let Delivery::Collectible { artwork } = badge.spec.delivery else { panic!("on chain") };
			assert_eq!(
				<Collectibles as valley_primitives::CollectibleStock<AccountId>>::available(
					artwork,
					&Redemption::account()
				),
				badge.spec.stock,
				"the catalogue holds the badge's editions"
			);
			assert!(pallet_redemption::Desks::<Runtime>::contains_key(
				Sr25519Keyring::Charlie.to_account_id()
			));
			Redemption::do_try_state().expect("Redemption's invariants hold at genesis");
		});
	}
	ext_for(IM_VALLEY_RUNTIME_PRESET).execute_with(|| {
		assert!(Redemption::catalogue(None).is_empty(), "the admin sets the catalogue by call");
	});
}

#[test]
fn development_chains_ship_the_new_totem_and_a_charity() {
	use frame_support::traits::tokens::nonfungibles_v2::Inspect;
	for name in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
		ext_for(name).execute_with(|| {
			let artwork = pallet_collectibles::Artworks::<Runtime>::get(0).expect("artwork 0");
			assert_eq!(&artwork.title[..], b"IM Crossing: The New Totem", "{name}");
			assert_eq!(artwork.media_kind, pallet_collectibles::MediaKind::Video);
			assert_eq!(
				artwork.media_hash,
				sp_io::hashing::blake2_256(b"IM Crossing: The New Totem"),
				"the documented media hash"
			);
			assert_eq!(artwork.co_creators.len(), 3);
			assert_eq!(
				<Nfts as Inspect<AccountId>>::owner(&0, &0),
				Some(Sr25519Keyring::Alice.to_account_id())
			);
			assert_eq!(
				<Nfts as Inspect<AccountId>>::system_attribute(&0, None, b"media_kind"),
				Some(b"video".to_vec())
			);
			let charity = pallet_collectibles::Charities::<Runtime>::get(0).expect("a charity");
			assert_eq!(charity.account, Sr25519Keyring::Eve.to_account_id());
			assert!(charity.active);
			Collectibles::do_try_state().expect("Collectibles' invariants hold at genesis");
		});
	}
}

/// Validator `i` of `keys` is `//{prefix}{i + 1}` (Aura sr25519, GRANDPA ed25519) and `admin` is
/// `admin_suri`.
fn assert_derivations(
	prefix: &str,
	keys: &[([u8; 32], [u8; 32])],
	admin_suri: &str,
	admin: [u8; 32],
) {
	for (i, (aura, grandpa)) in keys.iter().enumerate() {
		let suri = format!("//{prefix}{}", i + 1);
		assert_eq!(sr25519::Pair::from_string(&suri, None).unwrap().public().0, *aura, "{suri}");
		assert_eq!(ed25519::Pair::from_string(&suri, None).unwrap().public().0, *grandpa, "{suri}");
	}
	assert_eq!(sr25519::Pair::from_string(admin_suri, None).unwrap().public().0, admin);
}

#[test]
fn validator_keys_are_the_development_derivations() {
	assert_derivations("Validator", &presets::VALIDATOR_KEYS, "//Admin", presets::IM_VALLEY_ADMIN);
	assert_derivations(
		"GoFun",
		&presets::GOFUN_VALIDATOR_KEYS,
		"//GoFunAdmin",
		presets::GOFUN_ADMIN,
	);
}

#[test]
fn a_balance_transfer_works() {
	ext_for(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
			dest: bob.clone().into(),
			value: 5 * UNIT,
		});
		assert_ok!(call.dispatch_bypass_filter(RuntimeOrigin::signed(alice.clone())));
		assert_eq!(Balances::balance(&alice), presets::DEV_ENDOWMENT - 5 * UNIT);
		assert_eq!(Balances::balance(&bob), presets::DEV_ENDOWMENT + 5 * UNIT);
		System::assert_last_event(
			pallet_balances::Event::Transfer { from: alice, to: bob, amount: 5 * UNIT }.into(),
		);
	});
}

#[test]
fn version_is_what_polkadot_js_expects() {
	assert_eq!(VERSION.spec_name, "im-valley");
	const { assert!(VERSION.spec_version >= 100) };
	assert_eq!(VERSION.system_version, 1);
	// Every API the node and polkadot.js call is declared in the version.
	macro_rules! assert_declared {
		($($api:ty),* $(,)?) => {$(
			assert!(
				VERSION.apis.iter().any(|(id, _)| *id == <$api as sp_api::RuntimeApiInfo>::ID),
				"{} is missing from the runtime version",
				stringify!($api),
			);
		)*};
	}
	assert_declared!(
		dyn sp_api::Core<Block>,
		dyn sp_api::Metadata<Block>,
		dyn sp_block_builder::BlockBuilder<Block>,
		dyn sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block>,
		dyn sp_offchain::OffchainWorkerApi<Block>,
		dyn sp_consensus_aura::AuraApi<Block, sp_consensus_aura::sr25519::AuthorityId>,
		dyn sp_consensus_grandpa::GrandpaApi<Block>,
		dyn sp_session::SessionKeys<Block>,
		dyn frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce>,
		dyn pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance>,
		dyn pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<
			Block,
			Balance,
			RuntimeCall,
		>,
		dyn sp_genesis_builder::GenesisBuilder<Block>,
		dyn pallet_stone_runtime_api::StoneApi<Block, Balance>,
		dyn pallet_mileage_runtime_api::MileageApi<
			Block,
			pallet_mileage::VehicleId,
			AccountId,
			Balance,
		>,
	);
	// The benchmark and try-runtime APIs exist only in a build with those features (the
	// benchmark wasm), never in the production runtime.
	#[cfg(feature = "runtime-benchmarks")]
	assert_declared!(dyn frame_benchmarking::Benchmark<Block>);
	#[cfg(feature = "try-runtime")]
	assert_declared!(dyn frame_try_runtime::TryRuntime<Block>);
}

#[test]
fn metadata_v14_to_v16_are_served_with_every_pallet() {
	let versions = Runtime::metadata_versions();
	for v in [14u32, 15, 16] {
		assert!(versions.contains(&v), "metadata v{v} is served");
		let opaque = Runtime::metadata_at_version(v).expect("served");
		let bytes: &[u8] = &opaque;
		// `RuntimeMetadataPrefixed`: the magic "meta" then the version byte.
		assert_eq!(&bytes[..4], b"meta");
		assert_eq!(bytes[4] as u32, v);
	}
	let pallets: Vec<_> = Runtime::metadata_ir().pallets.into_iter().map(|p| p.name).collect();
	for pallet in [
		"System",
		"Timestamp",
		"Aura",
		"Grandpa",
		"Balances",
		"TransactionPayment",
		"Sudo",
		"Stone",
		"OracleMembership",
		"Mileage",
	] {
		assert!(pallets.contains(&pallet), "{pallet} in metadata");
	}
}

#[test]
fn stones_are_bound_until_root_opens_transfers() {
	ext_for(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		use frame_support::traits::{Contains, OriginTrait};
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let transfer = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
			dest: bob.clone().into(),
			value: UNIT,
		});
		let burn = RuntimeCall::Balances(BalancesCall::burn { value: UNIT, keep_alive: true });

		// A signed transfer is filtered out and changes nothing.
		assert!(!configs::BoundStones::contains(&transfer));
		let result = sp_runtime::traits::Dispatchable::dispatch(
			transfer.clone(),
			RuntimeOrigin::signed(alice.clone()),
		);
		assert_eq!(
			result.map_err(|e| e.error),
			Err(frame_system::Error::<Runtime>::CallFiltered.into())
		);
		assert_eq!(Balances::balance(&bob), presets::DEV_ENDOWMENT);

		// Root still can (sudo is not filtered), and root opens transfers for everyone.
		assert!(RuntimeOrigin::root().filter_call(&transfer));
		assert_ok!(Stone::set_transfers_enabled(RuntimeOrigin::root(), true));
		assert_ok!(sp_runtime::traits::Dispatchable::dispatch(
			transfer,
			RuntimeOrigin::signed(alice.clone())
		));
		assert_eq!(Balances::balance(&bob), presets::DEV_ENDOWMENT + UNIT);
		// Burning by hand stays closed: every burn is accounted for.
		assert!(!configs::BoundStones::contains(&burn));
		// No transfer may empty the sender, open or not: a reaped account's nonce would start
		// again at 0 and its old transactions could be replayed.
		let all_keep_alive = RuntimeCall::Balances(BalancesCall::transfer_all {
			dest: bob.clone().into(),
			keep_alive: true,
		});
		assert!(configs::BoundStones::contains(&all_keep_alive));
		for reaping in [
			RuntimeCall::Balances(BalancesCall::transfer_allow_death {
				dest: bob.clone().into(),
				value: UNIT,
			}),
			RuntimeCall::Balances(BalancesCall::transfer_all {
				dest: bob.clone().into(),
				keep_alive: false,
			}),
		] {
			assert!(!configs::BoundStones::contains(&reaping));
			let result = sp_runtime::traits::Dispatchable::dispatch(
				reaping,
				RuntimeOrigin::signed(alice.clone()),
			);
			assert_eq!(
				result.map_err(|e| e.error),
				Err(frame_system::Error::<Runtime>::CallFiltered.into())
			);
		}
		// Other calls pass.
		assert!(configs::BoundStones::contains(&RuntimeCall::System(SystemCall::remark {
			remark: vec![]
		})));
	});
}

#[test]
fn presets_carry_the_stone_schedule_and_pools() {
	use pallet_stone::{EducationCap, MiningCap, Schedule, TEN_MINUTES_MS};
	// IM Valley keeps exactly its published numbers.
	assert_eq!(
		(presets::IM_VALLEY.mining_cap, presets::IM_VALLEY.education_cap),
		(210_000_000 * UNIT, 90_000_000 * UNIT)
	);
	assert_eq!(
		(presets::IM_VALLEY.initial_reward, presets::IM_VALLEY.halving_interval),
		(500 * UNIT, 210_000)
	);
	// GoFun's: 4,000,000,000 CUBE split 70/30, 350 CUBE a batch halving every 4,000,000.
	assert_eq!(
		(presets::GOFUN.mining_cap, presets::GOFUN.education_cap),
		(2_800_000_000 * UNIT, 1_200_000_000 * UNIT)
	);
	assert_eq!(
		(presets::GOFUN.initial_reward, presets::GOFUN.halving_interval),
		(350 * UNIT, 4_000_000)
	);
	for (name, batch_length, programme) in [
		(DEV_RUNTIME_PRESET, presets::DEV_BATCH_LENGTH_MS, &presets::IM_VALLEY),
		(LOCAL_TESTNET_RUNTIME_PRESET, presets::DEV_BATCH_LENGTH_MS, &presets::IM_VALLEY),
		(IM_VALLEY_RUNTIME_PRESET, TEN_MINUTES_MS, &presets::IM_VALLEY),
		(GOFUN_RUNTIME_PRESET, 30_000, &presets::GOFUN),
	] {
		ext_for(name).execute_with(|| {
			assert_eq!(MiningCap::<Runtime>::get(), programme.mining_cap, "{name}");
			assert_eq!(EducationCap::<Runtime>::get(), programme.education_cap, "{name}");
			let schedule = Schedule::<Runtime>::get();
			assert_eq!(schedule.batch_length, batch_length, "{name}");
			assert_eq!(schedule.initial_reward, programme.initial_reward, "{name}");
			assert_eq!(schedule.halving_interval, programme.halving_interval, "{name}");
			assert!(Stone::check_schedule(&schedule, programme.mining_cap).is_ok(), "{name}");
			assert_eq!(pallet_stone::GenesisIssuance::<Runtime>::get(), Balances::total_issuance());
			let info = Stone::stone_info();
			assert_eq!(
				(info.mining_cap, info.education_cap),
				(programme.mining_cap, programme.education_cap)
			);
			assert_eq!(
				(info.batch_length, info.halving_interval),
				(batch_length, programme.halving_interval)
			);
			assert_eq!(info.mining_remaining, programme.mining_cap, "{name}");
			assert_eq!(info.education_remaining, programme.education_cap, "{name}");
			assert_eq!(info.current_reward, programme.initial_reward, "{name}");
			assert!(!info.transfers_enabled);
			use frame_support::traits::GetStorageVersion;
			assert_eq!(Stone::on_chain_storage_version(), 1, "{name}: a new chain is at version 1");
			Stone::do_try_state().expect("invariants hold at genesis");
		});
	}
}

#[test]
#[should_panic(expected = "ScheduleExceedsPool")]
fn gofun_genesis_refuses_a_schedule_beyond_its_pool() {
	let mut config = preset_config(GOFUN_RUNTIME_PRESET);
	// 350 CUBE + 12 planck releases the pool exactly; one planck more is over it.
	config.stone.schedule.initial_reward += 13;
	let _ = config.build_storage();
}

#[test]
fn gofun_is_a_consortium_of_seven_with_its_tasks() {
	ext_for(GOFUN_RUNTIME_PRESET).execute_with(|| {
		let admin = AccountId::from(presets::GOFUN_ADMIN);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(admin.clone()));
		let operators: Vec<AccountId> = presets::GOFUN_VALIDATOR_KEYS
			.iter()
			.map(|(sr25519, _)| AccountId::from(*sr25519))
			.collect();
		let mut members = pallet_membership::Members::<Runtime>::get().to_vec();
		members.sort();
		let mut expected = operators.clone();
		expected.sort();
		assert_eq!(members, expected, "the seven authorities are the oracle operators");
		assert!(pallet_crystals::Issuers::<Runtime>::contains_key(&admin));
		let check_in = pallet_crystals::TaskKinds::<Runtime>::get(presets::CHECK_IN_TASK).unwrap();
		assert_eq!(
			(&check_in.name[..], check_in.crystals, check_in.limit, check_in.period),
			(&b"Daily check-in"[..], 10, 1, DAYS)
		);
		let invite = pallet_crystals::TaskKinds::<Runtime>::get(presets::INVITATION_TASK).unwrap();
		assert_eq!(
			(&invite.name[..], invite.crystals, invite.limit, invite.period),
			(&b"Invitation"[..], 100, 10, 30 * DAYS)
		);
		assert_eq!(Balances::total_issuance(), presets::ADMIN_ENDOWMENT + EXISTENTIAL_DEPOSIT);
		assert_eq!(Balances::balance(&Sr25519Keyring::Alice.to_account_id()), 0);
		assert!(Redemption::catalogue(None).is_empty());
		// The issuer awards a check-in from the first block.
		let owner = Sr25519Keyring::Bob.to_account_id();
		assert_ok!(Crystals::award(
			RuntimeOrigin::signed(admin),
			owner.clone(),
			presets::CHECK_IN_TASK,
			[1u8; 32]
		));
		assert_eq!(pallet_crystals::Holdings::<Runtime>::get(&owner).map(|h| h.crystals), Some(10));
		Crystals::do_try_state().expect("Crystals' invariants hold");
	});
}

#[test]
fn the_runtime_migrates_a_version_0_stone_to_im_valleys_pools() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	ext_for(IM_VALLEY_RUNTIME_PRESET).execute_with(|| {
		pallet_stone::MiningCap::<Runtime>::kill();
		pallet_stone::EducationCap::<Runtime>::kill();
		StorageVersion::new(0).put::<Stone>();
		<crate::Migrations as OnRuntimeUpgrade>::on_runtime_upgrade();
		assert_eq!(pallet_stone::MiningCap::<Runtime>::get(), configs::MINING_POOL);
		assert_eq!(pallet_stone::EducationCap::<Runtime>::get(), configs::EDUCATION_POOL);
		assert_eq!(Stone::on_chain_storage_version(), 1);
		Stone::do_try_state().expect("invariants hold after the migration");
	});
}

#[test]
fn fees_are_burned_and_accounted_for() {
	ext_for(DEV_RUNTIME_PRESET).execute_with(|| {
		use frame_support::traits::{fungible::Balanced, tokens::*, OnUnbalanced};
		let alice = Sr25519Keyring::Alice.to_account_id();
		let fee = <Balances as Balanced<_>>::withdraw(
			&alice,
			3 * MILLI_UNIT,
			Precision::Exact,
			Preservation::Preserve,
			Fortitude::Polite,
		)
		.unwrap();
		pallet_stone::BurnTracker::<Runtime>::on_unbalanced(fee);
		assert_eq!(pallet_stone::Burned::<Runtime>::get(), 3 * MILLI_UNIT);
		Stone::do_try_state().expect("issuance + burned = genesis + minted");
	});
}

/// Aura's pre-runtime digest for `slot`.
fn aura_digest(slot: u64) -> sp_runtime::Digest {
	use codec::Encode;
	sp_runtime::Digest {
		logs: vec![sp_runtime::DigestItem::PreRuntime(
			sp_consensus_aura::AURA_ENGINE_ID,
			sp_consensus_aura::Slot::from(slot).encode(),
		)],
	}
}

/// The development key of Aura authority `slot`'s author on the local network
/// (//Validator1 … //Validator9), or Alice's on the dev chain.
fn slot_author_key(slot: u64) -> sr25519::Pair {
	let authorities = pallet_aura::Authorities::<Runtime>::get();
	let author = authorities[(slot % authorities.len() as u64) as usize].clone().into_inner();
	(1..=9)
		.map(|i| format!("//Validator{i}"))
		.chain(["//Alice".into()])
		.map(|suri| sr25519::Pair::from_string(&suri, None).unwrap())
		.find(|pair| pair.public() == author)
		.expect("a development authority")
}

/// `pair`'s beacon inherent over the current latest randomness and `slot`.
fn beacon_inherent(pair: &sr25519::Pair, slot: u64) -> UncheckedExtrinsic {
	use sp_core::crypto::VrfSecret;
	let previous = Beacon::latest().1;
	let transcript = pallet_beacon_primitives::vrf_transcript(&previous, slot);
	let vrf = pair.vrf_sign(&transcript.into_sign_data()).into();
	UncheckedExtrinsic::new_bare(RuntimeCall::Beacon(pallet_beacon::Call::set_randomness { vrf }))
}

/// Starts block `n` in `slot` through the executive and applies its timestamp inherent.
fn start_block(n: BlockNumber, slot: u64) {
	// `ext_for` leaves the block number at 1; the executive starts the block after the current.
	System::set_block_number(n - 1);
	let header = Header::new(
		n,
		Default::default(),
		Default::default(),
		System::parent_hash(),
		aura_digest(slot),
	);
	Executive::initialize_block(&header);
	let timestamp =
		UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(pallet_timestamp::Call::set {
			now: slot * SLOT_DURATION,
		}));
	assert_ok!(Executive::apply_extrinsic(timestamp).expect("the timestamp applies"));
}

/// A whole block `n` in `slot` as the node builds it: its inherents (timestamp, the slot author's
/// VRF), `on_poll`, the end of the block. Returns the beacon inherent it carried.
fn build_block(n: BlockNumber, slot: u64) -> UncheckedExtrinsic {
	start_block(n, slot);
	let beacon = beacon_inherent(&slot_author_key(slot), slot);
	assert_ok!(Executive::apply_extrinsic(beacon.clone()).expect("the beacon applies"));
	Executive::inherents_applied();
	Executive::finalize_block();
	Beacon::do_try_state().expect("the beacon's invariants hold");
	beacon
}

/// The slot of the first blocks of the tests, in 2027.
const SLOT_0: u64 = 1_800_000_000_000 / SLOT_DURATION;

#[test]
fn the_beacon_accepts_the_aura_slot_author_s_vrf() {
	ext_for(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let mut seen = std::collections::BTreeSet::new();
		// Two rounds of the nine authorities, each signing its own slot.
		for n in 1..=18 {
			build_block(n, SLOT_0 + u64::from(n));
			let (block, randomness) = Beacon::latest();
			assert_eq!(block, n);
			assert!(seen.insert(randomness), "block {n} has new randomness");
		}
		// What draws read: the value of a given block, while it is in the history.
		use valley_primitives::BlockRandomness;
		assert_eq!(Beacon::randomness_of(18), Some(Beacon::latest().1));
		assert!(Beacon::randomness_of(1).is_some());
		assert_eq!(Beacon::randomness_of(19), None);
	});
}

/// Applies `inherent` in a block that already has its timestamp; asserts that the block cannot
/// contain it.
fn assert_refused(inherent: UncheckedExtrinsic) {
	use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};
	assert_eq!(
		Executive::apply_extrinsic(inherent),
		Err(TransactionValidityError::Invalid(InvalidTransaction::BadMandatory))
	);
}

#[test]
fn the_beacon_refuses_another_authority_s_vrf() {
	ext_for(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		build_block(1, SLOT_0 + 1);
		let slot = SLOT_0 + 2;
		start_block(2, slot);
		// The authority of the next slot, and of the previous one, sign the current slot.
		for other in [slot + 1, slot - 1] {
			assert_refused(beacon_inherent(&slot_author_key(other), slot));
		}
		assert_eq!(Beacon::latest().0, 1);
		// The author's own is still accepted.
		assert_ok!(Executive::apply_extrinsic(beacon_inherent(&slot_author_key(slot), slot))
			.expect("the author's VRF applies"));
	});
}

#[test]
fn the_beacon_refuses_a_vrf_for_a_stale_slot() {
	ext_for(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		build_block(1, SLOT_0 + 1);
		// Block 2 is in slot SLOT_0 + 11: its author's previous turn was SLOT_0 + 2.
		let slot = SLOT_0 + 11;
		start_block(2, slot);
		let author = slot_author_key(slot);
		assert_refused(beacon_inherent(&author, slot - 9));
		assert_refused(beacon_inherent(&author, slot + 9));
		assert_ok!(Executive::apply_extrinsic(beacon_inherent(&author, slot))
			.expect("the author's VRF applies"));
	});
}

#[test]
fn the_beacon_refuses_a_replayed_vrf() {
	ext_for(DEV_RUNTIME_PRESET).execute_with(|| {
		// Alice authors every block of the dev chain, so her VRF of block 1 has the right key.
		let replayed = build_block(1, SLOT_0 + 1);
		start_block(2, SLOT_0 + 2);
		assert_refused(replayed);
		assert_eq!(Beacon::latest().0, 1);
	});
}

#[test]
fn a_block_without_the_beacon_inherent_fails_the_inherent_check() {
	use frame_support::inherent::InherentData;
	ext_for(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let slot = SLOT_0 + 1;
		let header = Header::new(
			1,
			Default::default(),
			Default::default(),
			Default::default(),
			aura_digest(slot),
		);
		let timestamp =
			UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(pallet_timestamp::Call::set {
				now: slot * SLOT_DURATION,
			}));
		let mut data = InherentData::new();
		data.put_data(
			<Timestamp as frame_support::inherent::ProvideInherent>::INHERENT_IDENTIFIER,
			&(slot * SLOT_DURATION),
		)
		.unwrap();

		let without = Block::new(header.clone(), vec![timestamp.clone()]).into();
		let result = data.check_extrinsics(&without);
		assert!(!result.ok());
		let errors: Vec<_> = result.into_errors().collect();
		assert_eq!(
			errors,
			vec![(
				pallet_beacon::INHERENT_IDENTIFIER,
				codec::Encode::encode(&pallet_beacon::InherentError::Missing)
			)]
		);

		let beacon = beacon_inherent(&slot_author_key(slot), slot);
		let with = Block::new(header, vec![timestamp, beacon]).into();
		assert!(data.check_extrinsics(&with).ok());
	});
}

#[test]
#[should_panic(expected = "the beacon inherent (the author's VRF) must be in every block")]
fn a_block_without_the_beacon_inherent_cannot_be_executed() {
	ext_for(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		start_block(1, SLOT_0 + 1);
		Executive::inherents_applied();
		Executive::finalize_block();
	});
}

/// Runs block `n` with chain time `now` as the executive does, by hand: `on_initialize` (batches
/// close), the timestamp (without Aura's slot check), the beacon's inherent by the slot's author,
/// `on_poll`, and the `on_finalize` of Mileage (points drawn), Crystals (boxes drawn) and the
/// beacon's (the block has its randomness); then checks the invariants of Stone, Mileage and the
/// beacon. Transactions dispatched after it count as the block's.
fn run_block(n: BlockNumber, now: u64) {
	use frame_support::traits::{OnFinalize, OnInitialize, OnPoll};
	use sp_runtime::traits::Dispatchable;
	let slot = now / SLOT_DURATION;
	System::set_block_number(n - 1);
	System::initialize(&n, &System::parent_hash(), &aura_digest(slot));
	AllPalletsWithSystem::on_initialize(n);
	pallet_timestamp::Now::<Runtime>::put(now);
	let beacon = beacon_inherent(&slot_author_key(slot), slot);
	assert_ok!(beacon.function.dispatch(RuntimeOrigin::none()));
	AllPalletsWithSystem::on_poll(n, &mut frame_support::weights::WeightMeter::new());
	// Points of a batch accepted earlier, and box openings requested in earlier blocks, are drawn
	// at the end of the block.
	<Mileage as OnFinalize<BlockNumber>>::on_finalize(n);
	<Crystals as OnFinalize<BlockNumber>>::on_finalize(n);
	<Beacon as OnFinalize<BlockNumber>>::on_finalize(n);
	Stone::do_try_state().expect("Stone's invariants hold");
	Mileage::do_try_state().expect("Mileage's invariants hold");
	Beacon::do_try_state().expect("the beacon's invariants hold");
	Crystals::do_try_state().expect("Crystals' invariants hold");
	Collectibles::do_try_state().expect("Collectibles' invariants hold");
	Redemption::do_try_state().expect("Redemption's invariants hold");
	assert_eq!(pallet_stone::Outstanding::<Runtime>::get(), Mileage::owed(), "owed ≠ in flight");
}

/// `call` as the operators' workers send it: a general transaction with every extension, no
/// signer and no fee, authorized by the call itself.
fn authorized(call: pallet_mileage::Call<Runtime>) -> UncheckedExtrinsic {
	UncheckedExtrinsic::new_transaction(
		RuntimeCall::Mileage(call),
		configs::tx_extension(sp_runtime::generic::Era::Immortal, 0),
	)
}

/// The development operator's (Ferdie's `orcl` key) commitment of `tree` for `batch`.
fn dev_commitment(batch: u64, tree: &valley_merkle_sum::Tree) -> UncheckedExtrinsic {
	use pallet_mileage::{signed_message, CommitmentPayload, COMMIT_TAG};
	let pair = pallet_mileage::crypto::Pair::from_string("//Ferdie", None).unwrap();
	let payload =
		CommitmentPayload { operator: pair.public(), batch, commitment: tree.commitment() };
	let signature = pair.sign(&signed_message(COMMIT_TAG, &System::block_hash(0), &payload));
	authorized(pallet_mileage::Call::commit { payload, signature })
}

/// A one-car tree: `car` with `weight`.
fn one_car_tree(car: pallet_mileage::VehicleId, weight: u64) -> valley_merkle_sum::Tree {
	valley_merkle_sum::Tree::from_sorted([3u8; 32], [(car.0, weight)]).unwrap()
}

#[test]
fn a_vehicle_committed_by_the_development_operator_is_proven_and_paid() {
	use pallet_mileage::VehicleId;
	ext_for(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let car = VehicleId::repeat_byte(7);
		let t0 = 1_800_000_000_000u64;
		run_block(1, t0);
		assert_ok!(Mileage::register_vehicle(RuntimeOrigin::root(), car, alice.clone(), None));
		run_block(2, t0 + 3_600_000);
		// The next block closes the overdue batch 0 (on block 2's time); the operator, alone a
		// majority, commits it.
		run_block(3, t0 + 3_606_000);
		let batch = Mileage::batches_in_flight()[0].batch;
		let tree = one_car_tree(car, 80);
		let info = Executive::apply_extrinsic(dev_commitment(batch, &tree)).expect("valid");
		assert_ok!(info);
		// Nobody else's key commits: a commitment signed by Alice's key is refused.
		let pair = pallet_mileage::crypto::Pair::from_string("//Alice", None).unwrap();
		let payload = pallet_mileage::CommitmentPayload {
			operator: pair.public(),
			batch,
			commitment: tree.commitment(),
		};
		let signature = pair.sign(&pallet_mileage::signed_message(
			pallet_mileage::COMMIT_TAG,
			&System::block_hash(0),
			&payload,
		));
		assert!(Executive::apply_extrinsic(authorized(pallet_mileage::Call::commit {
			payload,
			signature
		}))
		.is_err());
		// The points are drawn at the height fixed at the close: `DrawDelay` blocks after it (the
		// root was accepted before); the car's proof wins its slot, paid to its owner.
		let draw_at = 3
			+ <<Runtime as pallet_mileage::Config>::DrawDelay as frame_support::traits::Get<
				BlockNumber,
			>>::get();
		for n in 4..draw_at {
			run_block(n, t0 + 3_606_000 + u64::from(n - 3) * 6_000);
			assert!(Mileage::batches_in_flight()[0].slots.is_empty(), "no draw before {draw_at}");
		}
		run_block(draw_at, t0 + 3_606_000 + u64::from(draw_at - 3) * 6_000);
		let before = Balances::balance(&alice);
		let claim = pallet_mileage::Call::claim {
			batch,
			slot: 0,
			leaf: tree.leaf(0).unwrap(),
			leaf_salt: tree.leaf_salt(0).unwrap(),
			proof: tree.proof(0).unwrap(),
		};
		assert_ok!(Executive::apply_extrinsic(authorized(claim.clone())).expect("free and valid"));
		assert!(Balances::balance(&alice) > before);
		// Claimed once: the same claim is refused.
		assert!(Executive::apply_extrinsic(authorized(claim)).is_err());
		run_block(draw_at + 1, t0 + 3_606_000 + u64::from(draw_at - 2) * 6_000);
		let batches = Mileage::recent_batches(1);
		assert_eq!((batches[0].batch, batches[0].winners[0].vehicle), (batch, car));
		let share = Mileage::share(
			batch,
			tree.leaf(0).unwrap(),
			tree.leaf_salt(0).unwrap(),
			tree.proof(0).unwrap(),
			500 * UNIT,
		)
		.unwrap();
		assert_eq!((share.weight, share.leaves, share.expected_per_batch), (80, 1, 500 * UNIT));
	});
}

/// The admin makes `issuer` a crystals issuer, offers each of `boxes` (kind, name, its one prize
/// and that prize's stock) for 10 crystals, and task kind 1 ("Posting": 10 crystals, `limit` a
/// day).
fn offer_boxes_and_a_task(
	issuer: &AccountId,
	boxes: &[(pallet_crystals::BoxKindId, &str, pallet_crystals::Prize<Balance>, u32)],
	limit: u32,
) {
	use pallet_crystals::{Name, PrizeSlot, TaskKind};
	let root = RuntimeOrigin::root();
	let name = |s: &str| Name::truncate_from(s.as_bytes().to_vec());
	assert_ok!(Crystals::add_issuer(root.clone(), issuer.clone()));
	for (kind, title, prize, stock) in boxes {
		let table = vec![PrizeSlot { prize: *prize, stock: *stock }];
		assert_ok!(Crystals::set_box_kind(
			root.clone(),
			*kind,
			name(title),
			Some(10),
			table.try_into().unwrap()
		));
	}
	assert_ok!(Crystals::set_task_kind(
		root,
		1,
		TaskKind { name: name("Posting"), crystals: 10, egg: None, limit, period: DAYS }
	));
}

#[test]
fn an_account_with_only_crystals_opens_boxes_fee_free_and_only_owners_win_stones() {
	use crate::transactions::{signed, SigningContext};
	use pallet_crystals::Prize;
	ext_for(DEV_RUNTIME_PRESET).execute_with(|| {
		let t0 = 1_800_000_000_000u64;
		run_block(1, t0);
		let root = RuntimeOrigin::root();
		let issuer = Sr25519Keyring::Alice.to_account_id();
		let pair = sr25519::Pair::from_string("//CrystalsOnly", None).unwrap();
		let who = sp_runtime::AccountId32::from(pair.public());
		offer_boxes_and_a_task(
			&issuer,
			&[(1, "Blind box", Prize::Pieces(3), 5), (2, "Stones box", Prize::Stones(UNIT), 5)],
			5,
		);
		for reference in 1..=2u8 {
			assert_ok!(Crystals::award(
				RuntimeOrigin::signed(issuer.clone()),
				who.clone(),
				1,
				[reference; 32]
			));
		}
		assert_eq!(Balances::balance(&who), 0);
		assert!(System::account_exists(&who));

		// No Stones at all: the opening is valid and pays nothing.
		let genesis = System::block_hash(0);
		let context = SigningContext { genesis_hash: genesis, best_hash: genesis, best_number: 0 };
		let open = |kind, nonce| {
			signed(
				RuntimeCall::Crystals(pallet_crystals::Call::open_box { kind }),
				&pair,
				nonce,
				&context,
			)
		};
		assert_ok!(Executive::apply_extrinsic(open(1, 0)).expect("valid without Stones"));
		assert_eq!(Balances::balance(&who), 0);
		assert_eq!(System::account_nonce(&who), 1);
		// Nothing a non-owner can win in the Stones box: refused, and not free, so not valid.
		assert!(Executive::apply_extrinsic(open(2, 1)).is_err());

		// Drawn with the next block's randomness at its end (`on_finalize`).
		run_block(2, t0 + 6_000);
		assert_eq!(Crystals::holdings(who.clone()).pieces, 3);

		// A registered vehicle makes the account an owner: it can win Stones.
		let car = pallet_mileage::VehicleId::repeat_byte(9);
		assert_ok!(Mileage::register_vehicle(root, car, who.clone(), None));
		assert_ok!(Executive::apply_extrinsic(open(2, 1)).expect("valid for an owner"));
		run_block(3, t0 + 12_000);
		assert_eq!(Balances::balance(&who), UNIT);
	});
}

/// A block whose openings are full leaves the next opening out (`ExhaustsResources`: the block
/// builder keeps it in the pool, as it does a transaction beyond the block's weight) instead of
/// including it to fail with `BlockFull` at its signer's cost; the next block takes it.
#[test]
fn an_opening_beyond_a_full_block_waits_for_the_next_block_at_no_cost() {
	use crate::transactions::{signed, SigningContext};
	use pallet_crystals::Prize;
	use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};
	ext_for(DEV_RUNTIME_PRESET).execute_with(|| {
		let t0 = 1_800_000_000_000u64;
		run_block(1, t0);
		let issuer = Sr25519Keyring::Alice.to_account_id();
		offer_boxes_and_a_task(&issuer, &[(1, "Blind box", Prize::Pieces(1), 1_000)], 1);
		let award = |who: &AccountId, reference: u8| {
			assert_ok!(Crystals::award(
				RuntimeOrigin::signed(issuer.clone()),
				who.clone(),
				1,
				[reference; 32]
			));
		};
		let bob = Sr25519Keyring::Bob.to_account_id();
		award(&bob, 0);
		// The block's room taken by others.
		let room: u32 = <<Runtime as pallet_crystals::Config>::MaxOpensPerBlock as frame_support::traits::Get<u32>>::get();
		for i in 1..=room {
			let who = AccountId::new([i as u8; 32]);
			award(&who, i as u8);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), 1));
		}
		let genesis = System::block_hash(0);
		let context = SigningContext { genesis_hash: genesis, best_hash: genesis, best_number: 0 };
		let open = signed(
			RuntimeCall::Crystals(pallet_crystals::Call::open_box { kind: 1 }),
			&Sr25519Keyring::Bob.pair(),
			0,
			&context,
		);
		let balance = Balances::balance(&bob);
		assert_eq!(
			Executive::apply_extrinsic(open.clone()),
			Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources))
		);
		assert_eq!((Balances::balance(&bob), System::account_nonce(&bob)), (balance, 0));
		assert_eq!(Crystals::holdings(bob.clone()).crystals, 10);
		// The next block has room.
		run_block(2, t0 + 6_000);
		assert_ok!(Executive::apply_extrinsic(open).expect("valid in the next block"));
		assert_eq!((System::account_nonce(&bob), Crystals::holdings(bob).crystals), (1, 0));
	});
}

/// A block that draws a mining batch's points and box openings and carries a stranger's
/// transaction: the draws and the box's payout are the block's own events (its finalization),
/// never listed under the transaction, as polkadot.js shows them.
#[test]
fn draws_and_payouts_are_events_of_the_block_not_of_its_transactions() {
	use crate::transactions::{signed, SigningContext};
	use frame_system::Phase;
	use pallet_crystals::Prize;
	ext_for(DEV_RUNTIME_PRESET).execute_with(|| {
		let root = RuntimeOrigin::root();
		let alice = Sr25519Keyring::Alice.to_account_id();
		let car = pallet_mileage::VehicleId::repeat_byte(7);
		build_block(1, SLOT_0);
		assert_ok!(Mileage::register_vehicle(root.clone(), car, alice.clone(), None));
		// Alice also opens a box, to be drawn at the end of the next block.
		offer_boxes_and_a_task(&alice, &[(1, "Blind box", Prize::Stones(UNIT), 3)], 5);
		assert_ok!(Crystals::award(
			RuntimeOrigin::signed(alice.clone()),
			alice.clone(),
			1,
			[1; 32]
		));
		// An hour later; the next block closes the batch due; the operator commits it (the points
		// are drawn at the end of the block `DrawDelay` after the close) and, in the block before
		// that, Alice opens a box (drawn at the end of the next block).
		build_block(2, SLOT_0 + 600);
		build_block(3, SLOT_0 + 601);
		let batch = Mileage::batches_in_flight()[0].batch;
		let commitment = dev_commitment(batch, &one_car_tree(car, 80));
		assert_ok!(commitment
			.function
			.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into()));
		let draw_at = 3
			+ <<Runtime as pallet_mileage::Config>::DrawDelay as frame_support::traits::Get<
				BlockNumber,
			>>::get();
		for n in 4..draw_at {
			build_block(n, SLOT_0 + 598 + u64::from(n));
		}
		assert_ok!(Crystals::open_box(RuntimeOrigin::signed(alice.clone()), 1));

		// The draw block: inherents, a stranger's remark, then the end of the block.
		let slot = SLOT_0 + 598 + u64::from(draw_at);
		start_block(draw_at, slot);
		let beacon = beacon_inherent(&slot_author_key(slot), slot);
		assert_ok!(Executive::apply_extrinsic(beacon).expect("the beacon applies"));
		let bob = sr25519::Pair::from_string("//Bob", None).unwrap();
		let genesis = System::block_hash(0);
		let context = SigningContext { genesis_hash: genesis, best_hash: genesis, best_number: 0 };
		let remark = RuntimeCall::System(SystemCall::remark { remark: b"hello".to_vec() });
		assert_ok!(Executive::apply_extrinsic(signed(remark, &bob, 0, &context)).expect("valid"));
		Executive::finalize_block();

		let events = System::events();
		let phase_of = |wanted: &dyn Fn(&RuntimeEvent) -> bool| -> Vec<Phase> {
			events.iter().filter(|r| wanted(&r.event)).map(|r| r.phase.clone()).collect()
		};
		let drawn = phase_of(&|e| {
			matches!(e, RuntimeEvent::Mileage(pallet_mileage::Event::PointsDrawn { .. }))
		});
		let opened = phase_of(&|e| {
			matches!(e, RuntimeEvent::Crystals(pallet_crystals::Event::BoxOpened { .. }))
		});
		let minted = phase_of(&|e| {
			matches!(e, RuntimeEvent::Balances(pallet_balances::Event::Minted { .. }))
		});
		assert_eq!(drawn, vec![Phase::Finalization]);
		assert_eq!(opened, vec![Phase::Finalization]);
		// The box's Stone prize (the batch pays its winners when their proofs come in).
		assert_eq!(minted, vec![Phase::Finalization]);
		// The remark (extrinsic 2, after the timestamp and the beacon) has only its own events.
		let remark_events: Vec<_> = events
			.iter()
			.filter(|r| r.phase == Phase::ApplyExtrinsic(2))
			.map(|r| &r.event)
			.collect();
		assert!(!remark_events.is_empty());
		assert!(
			!remark_events.iter().any(|e| matches!(
				e,
				RuntimeEvent::Mileage(_)
					| RuntimeEvent::Crystals(_)
					| RuntimeEvent::Stone(_)
					| RuntimeEvent::Balances(pallet_balances::Event::Minted { .. })
			)),
			"{remark_events:?}"
		);
		assert_eq!(Balances::balance(&alice), presets::DEV_ENDOWMENT + UNIT);
	});
}

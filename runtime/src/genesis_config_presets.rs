//! Genesis presets: `development` (Alice the only authority), `local_testnet` (nine development
//! authorities on one machine) and `im_valley` (the production shape: nine authorities, an admin
//! account, no development endowments).
//!
//! The nine authorities' keys are derived from the Substrate development phrase with the paths
//! `//Validator1` … `//Validator9` (sr25519 for Aura, ed25519 for GRANDPA), so that
//! `scripts/start` can insert them with `valley-node key insert --suri //ValidatorN`. The runtime
//! cannot derive keys from a phrase (no `std`), so the public keys are written out here and a test
//! checks them against the derivation.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use hex_literal::hex;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::{ed25519, sr25519};
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;

use pallet_stone::ScheduleParams;

use pallet_collectibles::{GenesisArtwork, MediaKind};

use crate::{
	AccountId, Balance, BalancesConfig, CollectiblesConfig, OracleMembershipConfig,
	RedemptionConfig, RuntimeGenesisConfig, StoneConfig, SudoConfig, EXISTENTIAL_DEPOSIT, UNIT,
};

/// The preset of the nine-validator network run by the car maker and its partners.
pub const IM_VALLEY_RUNTIME_PRESET: &str = "im_valley";

/// What each development account starts with (outside the mining caps).
pub const DEV_ENDOWMENT: u128 = 1_000_000 * UNIT;
/// What the IM Valley admin account starts with, to pay for its transactions.
pub const ADMIN_ENDOWMENT: u128 = 1_000 * UNIT;

/// sr25519 (Aura) and ed25519 (GRANDPA) public keys of `//Validator1` … `//Validator9`.
pub const VALIDATOR_KEYS: [([u8; 32], [u8; 32]); 9] = [
	(
		hex!("f452cc9c48012cdde4ccdf3b5c2f5a26816292f85572554f9ee7ac14c1fcab46"),
		hex!("212a4711590741ef1bfffdbb82a55a871af3052d88de1369664100c953d8388f"),
	),
	(
		hex!("b2a618444ec2fe714b3d811358154ee326822c8f4c9dfa11ddddce86232df05e"),
		hex!("1e800e03fbe3ed781bc06e0d25019a3c234ad394d48c54c2bfdf18251dd09bc6"),
	),
	(
		hex!("40746dd99b0cd9b8003137482d5e5a5db27018b5fcf3dfc2804ba79dd18fa064"),
		hex!("5a1ddef2afb18be94d05a7ebab7af19fb4f41679e1e6c7e03e79c6121bdd0a37"),
	),
	(
		hex!("0084df35e1a4365297c88c8c1d23771f33629a985595801eac6a8d63ad37cf7c"),
		hex!("e6ccfa351c46b32fe890097374bc9dc3b486d6d77933994d1d4a64abc4fb1c13"),
	),
	(
		hex!("de829258a4d8f3b7aba1fcafac2a3f90934fe06e29fb5e892676efd55aa5ab7a"),
		hex!("b1cb239b09bde0eda11e188db24d7abd7ac6111034d6405149d9fa829cb8e3cc"),
	),
	(
		hex!("24fb1fce1c3362778ee8a1c39ac55cf84114fa9fa2159f145be5ff9db471692c"),
		hex!("f68297937ededacdd24237fab6dbc4d110390264592ece8d840aeda000aa7a41"),
	),
	(
		hex!("a0043aeb20a72fe653b8a9033f45f6f773e74a7459291f0749e83e4c88a40138"),
		hex!("c92087bc383d1fe32f2cdce893131ff4097f196692fc39ef853e048d6c0ad9ca"),
	),
	(
		hex!("009f9573813397c72b4dc6c892042f0966e215acbd50d42d6160536d7459ec36"),
		hex!("2569e6ff85c6a6dd429ec47e2f5183764e0ee89526b229e49e08ca1b0c5aea47"),
	),
	(
		hex!("4620c12c7e24b58439098cd5a187c9cf4c0c4f46f4aefbe3501dfa2793a08b1f"),
		hex!("d95e565abe8cf9a81a9a416385b28d4daa3edce6d6217d60e9553d0748ea95f7"),
	),
];

/// The sr25519 account of `//Admin`, the admin (sudo) origin of the `im_valley` preset.
pub const IM_VALLEY_ADMIN: [u8; 32] =
	hex!("224c165ffa105effca35afb231aa4d00b3b4c7e3bb1549cd2c48369f8e28d80f");

/// The nine IM Valley authorities.
pub fn nine_authorities() -> Vec<(AuraId, GrandpaId)> {
	VALIDATOR_KEYS
		.iter()
		.map(|(aura, grandpa)| {
			(
				AuraId::from(sr25519::Public::from_raw(*aura)),
				GrandpaId::from(ed25519::Public::from_raw(*grandpa)),
			)
		})
		.collect()
}

/// Alice alone, for `--dev`.
fn alice_authority() -> Vec<(AuraId, GrandpaId)> {
	vec![(
		AuraId::from(Sr25519Keyring::Alice.public()),
		GrandpaId::from(sp_keyring::Ed25519Keyring::Alice.public()),
	)]
}

/// The well-known development accounts (Alice … Ferdie).
fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

/// Development chains close a batch every two blocks, so that a batch closes within a minute of
/// starting a node; the reward schedule is IM Valley's.
/// The oracle operator of the development chain: Ferdie (its node needs Ferdie's `orcl` key:
/// `scripts/start --dev` inserts it), alone a majority.
pub const DEV_ORACLE: Sr25519Keyring = Sr25519Keyring::Ferdie;

pub const DEV_BATCH_LENGTH_MS: u64 = 2 * crate::MILLI_SECS_PER_BLOCK;

/// IM Valley's schedule with batches of `batch_length` milliseconds, starting at the first block.
fn stone_schedule(batch_length: u64) -> ScheduleParams<Balance> {
	ScheduleParams {
		start: 0,
		batch_length,
		initial_reward: 500 * UNIT,
		halving_interval: pallet_stone::HALVING_INTERVAL,
	}
}

fn genesis(
	authorities: Vec<(AuraId, GrandpaId)>,
	mut endowed: Vec<(AccountId, u128)>,
	admin: AccountId,
	batch_length: u64,
	oracles: Vec<AccountId>,
	collectibles: CollectiblesConfig,
	redemption: RedemptionConfig,
) -> Value {
	// The collectibles pallet's account keeps charities' pots: it exists from genesis on.
	endowed.push((crate::Collectibles::account(), EXISTENTIAL_DEPOSIT));
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: endowed },
		aura: pallet_aura::GenesisConfig {
			authorities: authorities.iter().map(|(aura, _)| aura.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: authorities
				.iter()
				.map(|(_, grandpa)| (grandpa.clone(), 1))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(admin) },
		stone: StoneConfig { schedule: stone_schedule(batch_length) },
		oracle_membership: OracleMembershipConfig {
			members: oracles.try_into().expect("at most MAX_ORACLES"),
		},
		collectibles,
		redemption,
	})
}

/// The development chains' collectibles: the charity "Green Roads" (Eve's account), IM Valley's
/// first community artwork, "IM Crossing: The New Totem", a video whose picture is made of
/// owners' profile pictures (Bob, Charlie and Dave credited), one edition owned by Alice, and
/// the "IM Valley Founders' Badge" (artwork 1), whose editions the redemption catalogue holds.
fn development_collectibles() -> CollectiblesConfig {
	CollectiblesConfig {
		artists: Vec::new(),
		charities: vec![(b"Green Roads".to_vec(), Sr25519Keyring::Eve.to_account_id())],
		artworks: vec![
			GenesisArtwork {
				owner: Sr25519Keyring::Alice.to_account_id(),
				title: b"IM Crossing: The New Totem".to_vec(),
				media_hash: NEW_TOTEM_MEDIA_HASH,
				media_kind: MediaKind::Video,
				uri: b"https://www.immotors.com/im-valley/new-totem.mp4".to_vec(),
				artists: vec![Sr25519Keyring::Alice.to_account_id()],
				co_creators: [Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
					.iter()
					.map(|k| k.to_account_id())
					.collect(),
				editions: 1,
			},
			GenesisArtwork {
				owner: crate::Redemption::account(),
				title: b"IM Valley Founders' Badge".to_vec(),
				media_hash: FOUNDERS_BADGE_MEDIA_HASH,
				media_kind: MediaKind::Image,
				uri: b"https://www.immotors.com/im-valley/founders-badge.png".to_vec(),
				artists: vec![Sr25519Keyring::Alice.to_account_id()],
				co_creators: Vec::new(),
				editions: FOUNDERS_BADGE_EDITIONS,
			},
		],
	}
}

/// blake2-256 of the bytes "IM Valley Founders' Badge" (a stand-in for the image's own hash).
pub const FOUNDERS_BADGE_MEDIA_HASH: [u8; 32] =
	hex!("42ed2315a2b0dd07654ad117aa9994c922ef9f227e7f1166200647d731adf645");
/// The development chains' catalogue: an item of each category, the driving package among
/// them; Charlie is the service desk.
fn development_catalogue() -> RedemptionConfig {
	use pallet_redemption::{CashPart, Category, Delivery, Eligibility, GenesisItem};
	let item = |name: &[u8], category, price: u128, stock, per_account, delivery| GenesisItem {
		name: name.to_vec(),
		category,
		price: price * UNIT,
		cash: None,
		stock,
		per_account,
		starts_ms: 0,
		ends_ms: None,
		eligibility: Eligibility::VehicleRegisteredDays(90),
		delivery,
	};
	RedemptionConfig {
		items: vec![
			(
				1,
				GenesisItem {
					// IM Motors' NOA (Navigate on Autopilot) package: 6,800 STONE + ¥10,000.
					cash: Some(CashPart { currency: *b"CNY", amount: 1_000_000 }),
					..item(b"NOA driving package", Category::Upgrade, 6_800, 100, 1, Delivery::Desk)
				},
			),
			(
				2,
				item(
					b"Supercharging, one month",
					Category::PremiumService,
					300,
					1_000,
					12,
					Delivery::Desk,
				),
			),
			(
				3,
				item(
					b"IM L7 scale model, limited edition",
					Category::LimitedEdition,
					1_000,
					500,
					1,
					Delivery::Desk,
				),
			),
			(
				4,
				GenesisItem {
					eligibility: Eligibility::Anyone,
					..item(
						b"IM Valley Founders' Badge",
						Category::DigitalCollectible,
						100,
						FOUNDERS_BADGE_EDITIONS,
						1,
						Delivery::Collectible { artwork: 1 },
					)
				},
			),
			(
				5,
				item(
					b"TechDay experience day",
					Category::ExperienceDay,
					2_000,
					50,
					1,
					Delivery::Desk,
				),
			),
		],
		desks: vec![Sr25519Keyring::Charlie.to_account_id()],
	}
}

/// Editions of the development chains' second artwork, held by the catalogue.
pub const FOUNDERS_BADGE_EDITIONS: u32 = 20;

/// blake2-256 of the bytes "IM Crossing: The New Totem" (the development chains have no video
/// file; a real artwork's hash is its media file's).
pub const NEW_TOTEM_MEDIA_HASH: [u8; 32] =
	hex!("83686b03fa65edc0602aaad3edfd38c73fb5390dc190c006620108fa9ba5dad1");

/// A development chain: endowed development accounts, Alice the admin, short batches, and
/// `oracles` as the oracle operators.
fn development_chain_genesis(
	authorities: Vec<(AuraId, GrandpaId)>,
	oracles: Vec<AccountId>,
) -> Value {
	genesis(
		authorities,
		dev_accounts().into_iter().map(|a| (a, DEV_ENDOWMENT)).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		DEV_BATCH_LENGTH_MS,
		oracles,
		development_collectibles(),
		development_catalogue(),
	)
}

/// The oracle operators of the local network: the nine validators, whose nodes run the operator
/// worker with their `//ValidatorN` key as oracle key (`scripts/start`): five make a majority.
fn local_oracles() -> Vec<AccountId> {
	VALIDATOR_KEYS.iter().map(|(sr25519, _)| AccountId::from(*sr25519)).collect()
}

fn im_valley_genesis() -> Value {
	let admin = AccountId::from(IM_VALLEY_ADMIN);
	genesis(
		nine_authorities(),
		vec![(admin.clone(), ADMIN_ENDOWMENT)],
		admin,
		pallet_stone::TEN_MINUTES_MS,
		// The admin adds the operators (oracleMembership.addMember) once their nodes run.
		Vec::new(),
		// The admin registers charities and approves artists by call.
		CollectiblesConfig::default(),
		// The admin sets the catalogue and names the service desk by call.
		RedemptionConfig::default(),
	)
}

/// The JSON of the preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => {
			development_chain_genesis(alice_authority(), vec![DEV_ORACLE.to_account_id()])
		},
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => {
			development_chain_genesis(nine_authorities(), local_oracles())
		},
		IM_VALLEY_RUNTIME_PRESET => im_valley_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of every preset.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(IM_VALLEY_RUNTIME_PRESET),
	]
}

/// Merges a preset's patch into the default genesis, as the node's chain-spec builder does.
#[cfg(feature = "std")]
fn merge(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// The full genesis config of preset `name`: the default genesis with the preset's patch merged
/// in, as the node's chain-spec builder makes it. For tests and tools that build a chain's state
/// natively (the runtime's tests, the randomized run).
#[cfg(feature = "std")]
pub fn full_config(name: &str) -> Option<crate::RuntimeGenesisConfig> {
	let patch: Value = serde_json::from_slice(&get_preset(&name.into())?).ok()?;
	let mut config = serde_json::to_value(crate::RuntimeGenesisConfig::default()).ok()?;
	merge(&mut config, patch);
	serde_json::from_value(config).ok()
}

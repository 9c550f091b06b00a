//! Genesis presets: `development` (Alice the only authority), `local_testnet` (nine development
//! authorities on one machine), `im_valley` (the production shape: nine authorities, an admin
//! account, no development endowments) and `gofun` (a second programme on the same runtime:
//! GoFun's "Energy Cube", seven consortium authorities, its own pools, schedule and tasks).
//!
//! One runtime serves both programmes: genesis chooses the pools, the schedule and the tasks
//! ([`Programme`]).
//!
//! The nine authorities' keys are derived from the Substrate development phrase with the paths
//! `//Validator1` … `//Validator9` (sr25519 for Aura, ed25519 for GRANDPA), so that
//! `scripts/start` can insert them with `valley-node key insert --suri //ValidatorN`; GoFun's seven
//! with `//GoFun1` … `//GoFun7`. The runtime cannot derive keys from a phrase (no `std`), so the
//! public keys are written out here and a test checks them against the derivation.

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
	configs, AccountId, Balance, BalancesConfig, BlockNumber, CollectiblesConfig, CrystalsConfig,
	MileageConfig, OracleMembershipConfig, RedemptionConfig, RuntimeGenesisConfig, StoneConfig,
	SudoConfig, DAYS, EXISTENTIAL_DEPOSIT, UNIT,
};

/// The preset of the nine-validator network run by the car maker and its partners.
pub const IM_VALLEY_RUNTIME_PRESET: &str = "im_valley";
/// The preset of GoFun's Energy Cube consortium: seven authorities, its own programme.
pub const GOFUN_RUNTIME_PRESET: &str = "gofun";
/// The token symbol of the `gofun` chain (IM Valley's is [`crate::TOKEN_SYMBOL`]).
pub const GOFUN_TOKEN_SYMBOL: &str = "CUBE";
/// GoFun's batches: one every 30 seconds (five blocks), for short urban trips.
pub const GOFUN_BATCH_LENGTH_MS: u64 = 5 * crate::MILLI_SECS_PER_BLOCK;
/// GoFun's community task kinds: a daily check-in and an invitation.
pub const CHECK_IN_TASK: pallet_crystals::TaskKindId = 1;
/// See [`CHECK_IN_TASK`]; the award's reference is the invitee's hash, so it pays once.
pub const INVITATION_TASK: pallet_crystals::TaskKindId = 2;

/// A drive-to-earn programme's monetary parameters: the two pools of its hard cap and its reward
/// schedule. Genesis checks that the schedule never releases more than the mining pool.
pub struct Programme {
	/// The mileage mining pool.
	pub mining_cap: Balance,
	/// The educational pool.
	pub education_cap: Balance,
	/// Each batch's reward in the first halving era.
	pub initial_reward: Balance,
	/// Batches per halving era.
	pub halving_interval: u64,
}

/// IM Valley: 300,000,000 STONE, 70 % mined by driving; 500 STONE a batch, halving every 210,000
/// batches (ten-minute batches: about four years).
pub const IM_VALLEY: Programme = Programme {
	mining_cap: configs::MINING_POOL,
	education_cap: configs::EDUCATION_POOL,
	initial_reward: 500 * UNIT,
	halving_interval: pallet_stone::HALVING_INTERVAL,
};

/// GoFun's Energy Cube: 4,000,000,000 CUBE, split 70/30 as IM Valley's (GoFun has published no
/// plan; mileage weighed by behaviour is its one rule, so driving takes the larger part); 350 CUBE
/// a 30-second batch, halving every 4,000,000 batches (about 3.8 years). The whole schedule
/// releases the mining pool less 88,000,000 planck.
pub const GOFUN: Programme = Programme {
	mining_cap: 2_800_000_000 * UNIT,
	education_cap: 1_200_000_000 * UNIT,
	initial_reward: 350 * UNIT,
	halving_interval: 4_000_000,
};

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

/// sr25519 (Aura) and ed25519 (GRANDPA) public keys of `//GoFun1` … `//GoFun7`: GoFun's
/// consortium (1 carmaker, 2 a second carmaker, 3 an insurer, 4 a regional transport authority,
/// 5 an identity platform, 6 GoFun, the operator, 7 the chain partner), each also an oracle
/// operator.
pub const GOFUN_VALIDATOR_KEYS: [([u8; 32], [u8; 32]); 7] = [
	(
		hex!("407232a40109d6fff7fe62162cf2bd5d9299b87daa2807bd75ec29e5409dd218"),
		hex!("0b4a40c837df84f01372051225efe57e8a4de46875d7c370918152ef2c5af996"),
	),
	(
		hex!("64c4607db6e7f0bd4455792b1e08f671ed71bfd9edbcbba274d0e131bb95b67a"),
		hex!("30040ce52e9d3e09e56adf0c8892be2f00c066d13753d312734a4ba1a5290acf"),
	),
	(
		hex!("624d1e6c2786e0aaa11c070a43700971610c77bbb35066374d117e606f6e2634"),
		hex!("a8d6515190e16e3e443ed3db2aaedccc4f2b0d9e8cbe3b6126e434a68dc5018a"),
	),
	(
		hex!("524d93f28810fa72184afa75ee123bea57792281b027fa75e7373d8578f5424b"),
		hex!("2097fdee0128ee661c020dd14a6158095080097159bd8b62d742dc6fa4ac5ae8"),
	),
	(
		hex!("801d3fed93c8fca4c19140cc65bec2cb06e9927412473b7f7984d8473d23e002"),
		hex!("d9555ac751f97fb6b7b278595de8cb63637e3c68e1567f0d6862ef9dd56c043b"),
	),
	(
		hex!("b4b307ede70e00a1d8f75fc90f5893656a4d921ca003280ca71e0974db777b45"),
		hex!("51875810e63a488e0d45d63cddf07ae69390a0d0b16253e0895bfe6e0eb7d620"),
	),
	(
		hex!("985317330cad34bead8aa8b9ac3c3b143954909f2843c746b6e27952edb12a6d"),
		hex!("8f60e904b7e37439f87e637deaecded59bd45ed4002135354d8497ff27fc486a"),
	),
];

/// The sr25519 account of `//GoFunAdmin`, the admin (sudo) origin and task issuer of `gofun`.
pub const GOFUN_ADMIN: [u8; 32] =
	hex!("58fb4b4ca05feef95ac8a974bd391afd0820c0f10b41c14361539a6a0e539c74");

/// The sr25519 account of `//Admin`, the admin (sudo) origin of the `im_valley` preset.
pub const IM_VALLEY_ADMIN: [u8; 32] =
	hex!("224c165ffa105effca35afb231aa4d00b3b4c7e3bb1549cd2c48369f8e28d80f");

/// The authorities of these public keys (Aura, GRANDPA).
pub fn authorities(keys: &[([u8; 32], [u8; 32])]) -> Vec<(AuraId, GrandpaId)> {
	keys.iter()
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

/// A programme's Stone genesis: its pools, and its schedule with batches of `batch_length`
/// milliseconds starting at the first block.
fn stone_programme(programme: &Programme, batch_length: u64) -> StoneConfig {
	StoneConfig {
		mining_cap: programme.mining_cap,
		education_cap: programme.education_cap,
		schedule: ScheduleParams {
			start: 0,
			batch_length,
			initial_reward: programme.initial_reward,
			halving_interval: programme.halving_interval,
		},
		transfers_enabled: false,
	}
}

/// What differs between chains besides their authorities and accounts.
struct Extras {
	collectibles: CollectiblesConfig,
	redemption: RedemptionConfig,
	crystals: CrystalsConfig,
}

fn genesis(
	authorities: Vec<(AuraId, GrandpaId)>,
	mut endowed: Vec<(AccountId, u128)>,
	admin: AccountId,
	stone: StoneConfig,
	oracles: Vec<AccountId>,
	min_operators: u32,
	extras: Extras,
) -> Value {
	let Extras { collectibles, redemption, crystals } = extras;
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
		stone,
		oracle_membership: OracleMembershipConfig {
			members: oracles.try_into().expect("at most MAX_ORACLES"),
		},
		mileage: MileageConfig { min_operators },
		collectibles,
		redemption,
		crystals,
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
/// `oracles` as the oracle operators, `min_operators` of whom at least must agree.
fn development_chain_genesis(
	authorities: Vec<(AuraId, GrandpaId)>,
	oracles: Vec<AccountId>,
	min_operators: u32,
) -> Value {
	genesis(
		authorities,
		dev_accounts().into_iter().map(|a| (a, DEV_ENDOWMENT)).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		stone_programme(&IM_VALLEY, DEV_BATCH_LENGTH_MS),
		oracles,
		min_operators,
		Extras {
			collectibles: development_collectibles(),
			redemption: development_catalogue(),
			crystals: CrystalsConfig::default(),
		},
	)
}

/// The oracle operators of the local network: the nine validators, whose nodes run the operator
/// worker with their `//ValidatorN` key as oracle key (`scripts/start`): five make a majority.
fn local_oracles() -> Vec<AccountId> {
	VALIDATOR_KEYS.iter().map(|(sr25519, _)| AccountId::from(*sr25519)).collect()
}

/// At least five operators agree on IM Valley's roots and registry changes (the majority of its
/// nine), whatever the membership: a chain with fewer operators pays no batch.
pub const IM_VALLEY_MIN_OPERATORS: u32 = 5;

/// At least four of GoFun's seven operators agree.
pub const GOFUN_MIN_OPERATORS: u32 = 4;

fn im_valley_genesis() -> Value {
	let admin = AccountId::from(IM_VALLEY_ADMIN);
	genesis(
		authorities(&VALIDATOR_KEYS),
		vec![(admin.clone(), ADMIN_ENDOWMENT)],
		admin,
		stone_programme(&IM_VALLEY, pallet_stone::TEN_MINUTES_MS),
		// The nine validators run the oracle operators from genesis: no batch is paid and no car
		// registered until five of them agree (a lone first operator decides nothing).
		local_oracles(),
		IM_VALLEY_MIN_OPERATORS,
		Extras {
			// The admin registers charities and approves artists by call.
			collectibles: CollectiblesConfig::default(),
			// The admin sets the catalogue and names the service desk by call.
			redemption: RedemptionConfig::default(),
			// The admin names task issuers and kinds by call.
			crystals: CrystalsConfig::default(),
		},
	)
}

/// GoFun's task kinds: (id, name, crystals per award, awards per period, period in blocks).
pub fn gofun_task_kinds() -> Vec<(pallet_crystals::TaskKindId, Vec<u8>, u64, u32, BlockNumber)> {
	vec![
		(CHECK_IN_TASK, b"Daily check-in".to_vec(), 10, 1, DAYS),
		(INVITATION_TASK, b"Invitation".to_vec(), 100, 10, 30 * DAYS),
	]
}

/// GoFun's Energy Cube: seven consortium authorities, each an oracle operator (four make a
/// majority); `//GoFunAdmin` the admin and task issuer; its own pools and 30-second batches.
/// Behaviour factors (0.9 per traffic violation, 0.75 per at-fault insurance claim) come from the
/// car-sharing service and stay off chain: every operator applies them, as of each batch's
/// cut-off, to the weights it commits.
fn gofun_genesis() -> Value {
	let admin = AccountId::from(GOFUN_ADMIN);
	genesis(
		authorities(&GOFUN_VALIDATOR_KEYS),
		vec![(admin.clone(), ADMIN_ENDOWMENT)],
		admin.clone(),
		stone_programme(&GOFUN, GOFUN_BATCH_LENGTH_MS),
		GOFUN_VALIDATOR_KEYS.iter().map(|(sr25519, _)| AccountId::from(*sr25519)).collect(),
		GOFUN_MIN_OPERATORS,
		Extras {
			collectibles: CollectiblesConfig::default(),
			redemption: RedemptionConfig::default(),
			crystals: CrystalsConfig { issuers: vec![admin], task_kinds: gofun_task_kinds() },
		},
	)
}

/// The JSON of the preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => {
			development_chain_genesis(alice_authority(), vec![DEV_ORACLE.to_account_id()], 1)
		},
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => development_chain_genesis(
			authorities(&VALIDATOR_KEYS),
			local_oracles(),
			IM_VALLEY_MIN_OPERATORS,
		),
		IM_VALLEY_RUNTIME_PRESET => im_valley_genesis(),
		GOFUN_RUNTIME_PRESET => gofun_genesis(),
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
		PresetId::from(GOFUN_RUNTIME_PRESET),
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

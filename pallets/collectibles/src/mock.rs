//! A test runtime: System, Balances, `pallet-nfts` (locked by this pallet) and Collectibles.

use frame_support::{
	derive_impl, parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU32, ConstU64, Hooks},
	PalletId,
};
use frame_system::{EnsureNever, EnsureRoot};
use pallet_nfts::PalletFeatures;
use sp_runtime::{
	testing::{TestSignature, UintAuthorityId},
	BuildStorage,
};

use crate::{self as pallet_collectibles, *};

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Nfts = pallet_nfts;
	#[runtime::pallet_index(3)]
	pub type Collectibles = pallet_collectibles;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = frame_support::traits::ConstU128<ED>;
}

/// The existential deposit.
pub const ED: Balance = 5;
/// One Stone.
pub const STONE: Balance = 100;
/// Every ordinary account's Stones at genesis.
pub const ENDOWMENT: Balance = 100 * STONE;

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
/// No Stones: cannot bid.
pub const DAVE: AccountId = 4;
/// Approved artists.
pub const ARTIST: AccountId = 10;
pub const ARTIST2: AccountId = 11;
/// A charity whose account does not exist yet (no Stones).
pub const GREEN: AccountId = 20;
/// A charity whose account exists.
pub const SCHOOL: AccountId = 21;
/// Charity numbers of the genesis charities.
pub const GREEN_ID: CharityId = 0;
pub const SCHOOL_ID: CharityId = 1;

pub const MIN_DURATION: u64 = 5;
pub const MAX_DURATION: u64 = 100;
pub const WINDOW: u64 = 10;
pub const MAX_EXTENSION: u64 = 30;
pub const MAX_ENDING: u32 = 2;
pub const MAX_CO_CREATORS: u32 = 4;
pub const MAX_ARTISTS: u32 = 3;
pub const MAX_EDITIONS: u32 = 5;
pub const MAX_CHARITIES: u32 = 3;

parameter_types! {
	pub NftsFeatures: PalletFeatures = PalletFeatures::from_disabled(
		pallet_nfts::PalletFeature::Trading | pallet_nfts::PalletFeature::Swaps
	);
	pub storage TransfersOpen: bool = false;
	pub const CollectiblesPalletId: PalletId = PalletId(*b"im/colct");
}

#[cfg(feature = "runtime-benchmarks")]
pub struct NftsHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_nfts::BenchmarkHelper<u32, u32, UintAuthorityId, AccountId, TestSignature>
	for NftsHelper
{
	fn collection(i: u16) -> u32 {
		i.into()
	}
	fn item(i: u16) -> u32 {
		i.into()
	}
	fn signer() -> (UintAuthorityId, AccountId) {
		(UintAuthorityId(99), 99)
	}
	fn sign(signer: &UintAuthorityId, message: &[u8]) -> TestSignature {
		TestSignature(signer.0, message.to_vec())
	}
}

impl pallet_nfts::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type CollectionId = u32;
	type ItemId = u32;
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureNever<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type Locker = Collectibles;
	type CollectionDeposit = frame_support::traits::ConstU128<0>;
	type ItemDeposit = frame_support::traits::ConstU128<0>;
	type MetadataDepositBase = frame_support::traits::ConstU128<1>;
	type AttributeDepositBase = frame_support::traits::ConstU128<1>;
	type DepositPerByte = frame_support::traits::ConstU128<1>;
	type StringLimit = ConstU32<64>;
	type KeyLimit = ConstU32<32>;
	type ValueLimit = ConstU32<64>;
	type ApprovalsLimit = ConstU32<4>;
	type ItemAttributesApprovalsLimit = ConstU32<4>;
	type MaxTips = ConstU32<4>;
	type MaxDeadlineDuration = ConstU64<1000>;
	type MaxAttributesPerCall = ConstU32<4>;
	type Features = NftsFeatures;
	type OffchainSignature = TestSignature;
	type OffchainPublic = UintAuthorityId;
	#[cfg(feature = "runtime-benchmarks")]
	type Helper = NftsHelper;
	type WeightInfo = ();
	type BlockNumberProvider = System;
}

impl pallet_collectibles::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Nfts = Nfts;
	type AdminOrigin = EnsureRoot<AccountId>;
	type TransfersOpen = TransfersOpen;
	type PalletId = CollectiblesPalletId;
	type StringLimit = ConstU32<64>;
	type MaxArtists = ConstU32<MAX_ARTISTS>;
	type MaxCoCreators = ConstU32<MAX_CO_CREATORS>;
	type MaxEditions = ConstU32<MAX_EDITIONS>;
	type MaxCharities = ConstU32<MAX_CHARITIES>;
	type MaxEndingPerBlock = ConstU32<MAX_ENDING>;
	type MinDuration = ConstU64<MIN_DURATION>;
	type MaxDuration = ConstU64<MAX_DURATION>;
	type ExtensionWindow = ConstU64<WINDOW>;
	type MaxExtension = ConstU64<MAX_EXTENSION>;
	type WeightInfo = ();
}

pub struct ExtBuilder;

impl ExtBuilder {
	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let mut balances: Vec<(AccountId, Balance)> =
			[ALICE, BOB, CHARLIE, ARTIST, ARTIST2, SCHOOL]
				.iter()
				.map(|a| (*a, ENDOWMENT))
				.collect();
		// The pallet's account holds charities' pots: endowed with the minimum balance.
		balances.push((Collectibles::account(), ED));
		pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		pallet_collectibles::GenesisConfig::<Test> {
			artists: vec![ARTIST, ARTIST2],
			charities: vec![(b"Green Roads".to_vec(), GREEN), (b"Driving School".to_vec(), SCHOOL)],
			artworks: vec![],
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Collectibles::do_try_state().expect("the invariants hold");
		})
	}
}

/// Runs the next block's `on_initialize`, which settles the auctions that ended.
pub fn next_block() {
	let now = System::block_number() + 1;
	System::set_block_number(now);
	Collectibles::on_initialize(now);
}

/// Advances to block `n`.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		next_block();
	}
}

/// An artwork's facts as its minter gives them.
pub fn input(title: &str) -> ArtworkInput {
	ArtworkInput {
		title: title.as_bytes().to_vec(),
		media_hash: sp_io::hashing::blake2_256(title.as_bytes()),
		media_kind: MediaKind::Video,
		uri: format!("ipfs://{title}").into_bytes(),
	}
}

/// The admin mints `editions` editions by ARTIST (and ARTIST2) to `owner`; returns the artwork.
pub fn mint(owner: AccountId, editions: u32) -> ArtworkId {
	let artwork = pallet_nfts::NextCollectionId::<Test>::get().unwrap_or_default();
	frame_support::assert_ok!(Collectibles::mint_artwork(
		RuntimeOrigin::root(),
		owner,
		input("IM Crossing: The New Totem"),
		vec![ARTIST, ARTIST2],
		vec![ALICE, BOB],
		editions,
	));
	artwork
}

/// Free Stones of `who`.
pub fn free(who: AccountId) -> Balance {
	pallet_balances::Pallet::<Test>::free_balance(who)
}

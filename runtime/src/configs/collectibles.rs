//! NFT collectibles: `pallet-nfts` is the ledger, `pallet-collectibles` mints IM Valley's
//! artworks, auctions them for Stones and pays charities.

use frame_support::{
	parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU128, ConstU32},
	PalletId,
};
use frame_system::{EnsureNever, EnsureRoot};
use pallet_nfts::{PalletFeature, PalletFeatures};
use sp_runtime::traits::Verify;

use crate::{
	AccountId, Runtime, RuntimeEvent, RuntimeHoldReason, Signature, System, DAYS, MICRO_UNIT,
	MILLI_UNIT, MINUTES,
};

parameter_types! {
	// The runtime exposes no call of `pallet-nfts` (`#[runtime::disable_call]`); its features
	// are off all the same where they would move Stones (trading, swaps) or let owners create
	// state (attributes), should a call ever be exposed.
	pub NftsFeatures: PalletFeatures = PalletFeatures::from_disabled(
		PalletFeature::Trading | PalletFeature::Swaps | PalletFeature::Attributes
	);
	pub const CollectiblesPalletId: PalletId = PalletId(*b"im/colct");
}

impl pallet_nfts::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type CollectionId = u32;
	type ItemId = u32;
	type Currency = crate::Balances;
	// Nobody creates collections by call: artworks are created by `pallet-collectibles`.
	type CreateOrigin = AsEnsureOriginWithArg<EnsureNever<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	// A listed edition cannot be transferred or burned.
	type Locker = crate::Collectibles;
	// Chain-issued collections and items: no deposits (reserves of 0 change nothing).
	type CollectionDeposit = ConstU128<0>;
	type ItemDeposit = ConstU128<0>;
	type MetadataDepositBase = ConstU128<{ 10 * MILLI_UNIT }>;
	type AttributeDepositBase = ConstU128<{ 10 * MILLI_UNIT }>;
	type DepositPerByte = ConstU128<MICRO_UNIT>;
	type StringLimit = ConstU32<256>;
	type KeyLimit = ConstU32<64>;
	type ValueLimit = ConstU32<256>;
	type ApprovalsLimit = ConstU32<20>;
	type ItemAttributesApprovalsLimit = ConstU32<20>;
	type MaxTips = ConstU32<10>;
	type MaxDeadlineDuration = ConstU32<{ 30 * DAYS }>;
	type MaxAttributesPerCall = ConstU32<10>;
	type Features = NftsFeatures;
	type OffchainSignature = Signature;
	type OffchainPublic = <Signature as Verify>::Signer;
	#[cfg(feature = "runtime-benchmarks")]
	type Helper = ();
	// Its calls are disabled: what it does is measured in the collectibles pallet's calls.
	type WeightInfo = pallet_nfts::weights::SubstrateWeight<Runtime>;
	type BlockNumberProvider = System;
}

/// Stones move between ordinary accounts only while `pallet-stone` opens transfers.
pub struct StoneTransfersOpen;

impl frame_support::traits::Get<bool> for StoneTransfersOpen {
	fn get() -> bool {
		pallet_stone::TransfersEnabled::<Runtime>::get()
	}
}

impl pallet_collectibles::Config for Runtime {
	type Currency = crate::Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Nfts = crate::Nfts;
	type AdminOrigin = EnsureRoot<AccountId>;
	type TransfersOpen = StoneTransfersOpen;
	type PalletId = CollectiblesPalletId;
	type StringLimit = ConstU32<256>;
	type MaxArtists = ConstU32<8>;
	// "IM Crossing: The New Totem" is made of owners' profile pictures: up to 512 credited.
	type MaxCoCreators = ConstU32<512>;
	type MaxEditions = ConstU32<100>;
	type MaxCharities = ConstU32<256>;
	type MaxEndingPerBlock = ConstU32<16>;
	type MinDuration = ConstU32<{ MINUTES }>;
	type MaxDuration = ConstU32<{ 30 * DAYS }>;
	// A bid in the last two minutes moves the end to two minutes after it, by 30 minutes at
	// most in all.
	type ExtensionWindow = ConstU32<{ 2 * MINUTES }>;
	type MaxExtension = ConstU32<{ 30 * MINUTES }>;
	type WeightInfo = crate::weights::pallet_collectibles::WeightInfo<Runtime>;
}

// Bootstrap: the pallet's estimates until `scripts/bench pallet_redemption` writes the measured
// weights here.

use core::marker::PhantomData;
use frame_support::weights::Weight;

/// Weight functions for `pallet_redemption`.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: frame_system::Config> pallet_redemption::WeightInfo for WeightInfo<T> {
	fn set_item() -> Weight {
		<() as pallet_redemption::WeightInfo>::set_item()
	}
	fn set_desk() -> Weight {
		<() as pallet_redemption::WeightInfo>::set_desk()
	}
	fn redeem_desk() -> Weight {
		<() as pallet_redemption::WeightInfo>::redeem_desk()
	}
	fn redeem_collectible() -> Weight {
		<() as pallet_redemption::WeightInfo>::redeem_collectible()
	}
	fn cancel() -> Weight {
		<() as pallet_redemption::WeightInfo>::cancel()
	}
	fn accept() -> Weight {
		<() as pallet_redemption::WeightInfo>::accept()
	}
	fn fulfil() -> Weight {
		<() as pallet_redemption::WeightInfo>::fulfil()
	}
	fn reject() -> Weight {
		<() as pallet_redemption::WeightInfo>::reject()
	}
	fn expire(n: u32) -> Weight {
		<() as pallet_redemption::WeightInfo>::expire(n)
	}
}

// Bootstrap: the pallet's estimates until `scripts/bench pallet_collectibles` writes the measured
// weights here.

use core::marker::PhantomData;
use frame_support::weights::Weight;

/// Weight functions for `pallet_collectibles`.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: frame_system::Config> pallet_collectibles::WeightInfo for WeightInfo<T> {
	fn set_artist() -> Weight {
		<() as pallet_collectibles::WeightInfo>::set_artist()
	}
	fn mint_artwork(e: u32, c: u32, a: u32) -> Weight {
		<() as pallet_collectibles::WeightInfo>::mint_artwork(e, c, a)
	}
	fn register_charity() -> Weight {
		<() as pallet_collectibles::WeightInfo>::register_charity()
	}
	fn set_charity_active() -> Weight {
		<() as pallet_collectibles::WeightInfo>::set_charity_active()
	}
	fn create_auction(a: u32) -> Weight {
		<() as pallet_collectibles::WeightInfo>::create_auction(a)
	}
	fn bid() -> Weight {
		<() as pallet_collectibles::WeightInfo>::bid()
	}
	fn settle(a: u32) -> Weight {
		<() as pallet_collectibles::WeightInfo>::settle(a)
	}
	fn cancel_auction() -> Weight {
		<() as pallet_collectibles::WeightInfo>::cancel_auction()
	}
	fn donate() -> Weight {
		<() as pallet_collectibles::WeightInfo>::donate()
	}
	fn transfer() -> Weight {
		<() as pallet_collectibles::WeightInfo>::transfer()
	}
	fn pay_out_pot() -> Weight {
		<() as pallet_collectibles::WeightInfo>::pay_out_pot()
	}
	fn settle_ended(n: u32) -> Weight {
		<() as pallet_collectibles::WeightInfo>::settle_ended(n)
	}
}

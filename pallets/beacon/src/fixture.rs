//! A VRF for benchmarks. It cannot be made inside the runtime (signing needs a random nonce), so
//! the benchmark verifies this fixed signature by //Alice; a unit test checks that it verifies.

use sp_core::H256;

use crate::BeaconVrf;

/// The slot the fixture is for.
pub const FIXTURE_SLOT: u64 = 1_000_000;
/// The previous randomness the fixture is made over.
pub const FIXTURE_PREVIOUS: H256 = H256::repeat_byte(0xbe);
/// //Alice's sr25519 public key.
pub const FIXTURE_AUTHOR: [u8; 32] =
	hex_literal::hex!("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d");
/// //Alice's VRF signature over `FIXTURE_PREVIOUS` and `FIXTURE_SLOT`.
pub const FIXTURE_VRF: BeaconVrf = BeaconVrf {
	pre_output: hex_literal::hex!("e0cbb5101e290465cb3a9a9ccbccbd9706cfa829653d2e501f87d00221cf9d32"),
	proof: hex_literal::hex!(
		"0c48d4c7de27a72cb1d3bbc402cceb47cd6af3d52be6508d018b1733b6c4da044be0f02e340bc32bed2557079f6b23f05af0f9c8fdac07b7083604e68e113702"
	),
};

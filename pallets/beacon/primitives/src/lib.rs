//! # IM Valley beacon primitives
//!
//! What the node and the runtime must agree on for the randomness beacon (`pallet-beacon`):
//!
//! - the inherent's identifier ([`INHERENT_IDENTIFIER`]) and its data, a [`BeaconVrf`]: the slot
//!   author's sr25519 VRF signature over the transcript of [`vrf_transcript`] — the previous
//!   block's randomness and the slot — made with its Aura key;
//! - [`verify`], which checks such a signature against the author's public key and turns its
//!   output into the block's randomness;
//! - the [`BeaconApi`] runtime API, through which the node reads the randomness a new block's
//!   VRF must be made over, and users read the randomness of recent blocks.

#![cfg_attr(not(feature = "std"), no_std)]
// `decl_runtime_apis!` repeats `BeaconApi`'s bound on every generated method.
#![allow(clippy::multiple_bound_locations)]

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{
	sr25519::{
		self,
		vrf::{VrfSignature, VrfTranscript},
	},
	H256,
};
use sp_inherents::{InherentIdentifier, IsFatalError};

/// The identifier of the beacon's inherent data.
pub const INHERENT_IDENTIFIER: InherentIdentifier = *b"vlbeacon";

/// The label of the VRF transcript: signatures made for anything else never verify here.
const TRANSCRIPT_LABEL: &[u8] = b"IM Valley beacon";
/// The context under which the VRF output is hashed into the block's randomness.
const RANDOMNESS_CONTEXT: &[u8] = b"IM Valley beacon randomness";

/// The length of a VRF pre-output.
pub const PRE_OUTPUT_LENGTH: usize = 32;
/// The length of a VRF proof.
pub const PROOF_LENGTH: usize = 64;

/// An sr25519 VRF signature as the beacon's inherent carries it: the VRF pre-output and the proof
/// that it was made with the slot author's key over the expected transcript.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct BeaconVrf {
	/// The VRF pre-output (a compressed Ristretto point).
	pub pre_output: [u8; PRE_OUTPUT_LENGTH],
	/// The proof (a DLEQ proof).
	pub proof: [u8; PROOF_LENGTH],
}

impl From<VrfSignature> for BeaconVrf {
	fn from(signature: VrfSignature) -> Self {
		let mut vrf = Self { pre_output: [0; PRE_OUTPUT_LENGTH], proof: [0; PROOF_LENGTH] };
		vrf.pre_output.copy_from_slice(&signature.pre_output.encode());
		vrf.proof.copy_from_slice(&signature.proof.encode());
		vrf
	}
}

impl BeaconVrf {
	/// The signature as sp-core's VRF type; `None` if the pre-output is not a valid point or the
	/// proof not a valid proof encoding.
	pub fn to_signature(&self) -> Option<VrfSignature> {
		VrfSignature::decode(&mut &(self.pre_output, self.proof).encode()[..]).ok()
	}
}

/// The transcript a block's VRF is made over: the previous block's randomness and the block's
/// slot. Both are fixed before the slot begins, so the author has nothing to choose.
pub fn vrf_transcript(previous: &H256, slot: u64) -> VrfTranscript {
	VrfTranscript::new(
		TRANSCRIPT_LABEL,
		&[(b"previous randomness", previous.as_bytes()), (b"slot", &slot.to_le_bytes())],
	)
}

/// Checks that `vrf` is `author`'s VRF signature over ([`vrf_transcript`]) `previous` and `slot`,
/// and if so returns the block's randomness: the hash of the VRF output.
pub fn verify(
	author: &sr25519::Public,
	previous: &H256,
	slot: u64,
	vrf: &BeaconVrf,
) -> Option<H256> {
	use sp_core::crypto::VrfPublic;
	let signature = vrf.to_signature()?;
	let transcript = vrf_transcript(previous, slot);
	if !author.vrf_verify(&transcript.clone().into_sign_data(), &signature) {
		return None;
	}
	author.make_bytes::<32>(RANDOMNESS_CONTEXT, &transcript, &signature.pre_output).ok().map(H256)
}

/// Why a block's inherents fail the beacon's check.
#[derive(Encode, Decode, Debug, Clone, PartialEq, Eq)]
pub enum InherentError {
	/// The block carries no beacon inherent: its author did not provide a VRF signature.
	Missing,
}

impl IsFatalError for InherentError {
	fn is_fatal_error(&self) -> bool {
		true
	}
}

impl InherentError {
	/// Decodes the error of the beacon's inherent check, if `id` is the beacon's.
	#[cfg(feature = "std")]
	pub fn try_from(id: &InherentIdentifier, mut data: &[u8]) -> Option<Self> {
		if id == &INHERENT_IDENTIFIER {
			Self::decode(&mut data).ok()
		} else {
			None
		}
	}
}

sp_api::decl_runtime_apis! {
	/// The randomness beacon: what the node signs over and what users read.
	pub trait BeaconApi<BlockNumber: codec::Codec> {
		/// The latest block whose randomness is known and that randomness. At a block's parent,
		/// the randomness the block's VRF is made over.
		fn latest() -> (BlockNumber, H256);
		/// The randomness of `block`, if its beacon inherent has been applied and it is still in
		/// the history.
		fn randomness_of(block: BlockNumber) -> Option<H256>;
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::{crypto::VrfSecret, Pair};

	fn sign(pair: &sr25519::Pair, previous: &H256, slot: u64) -> BeaconVrf {
		pair.vrf_sign(&vrf_transcript(previous, slot).into_sign_data()).into()
	}

	#[test]
	fn the_author_s_signature_verifies_and_nothing_else_does() {
		let alice = sr25519::Pair::from_string("//Alice", None).unwrap();
		let bob = sr25519::Pair::from_string("//Bob", None).unwrap();
		let previous = H256::repeat_byte(1);
		let vrf = sign(&alice, &previous, 7);
		let randomness = verify(&alice.public(), &previous, 7, &vrf).expect("valid");

		// Another slot, another previous value, another key: never.
		assert_eq!(verify(&alice.public(), &previous, 8, &vrf), None);
		assert_eq!(verify(&alice.public(), &H256::repeat_byte(2), 7, &vrf), None);
		assert_eq!(verify(&bob.public(), &previous, 7, &vrf), None);
		// A tampered proof or pre-output: never.
		let mut tampered = vrf.clone();
		tampered.proof[0] ^= 1;
		assert_eq!(verify(&alice.public(), &previous, 7, &tampered), None);
		let mut tampered = vrf.clone();
		tampered.pre_output[3] ^= 1;
		assert_eq!(verify(&alice.public(), &previous, 7, &tampered), None);

		// The VRF is unique: a second signature (new nonce, new proof) gives the same randomness,
		// so the author cannot pick among outputs.
		let again = sign(&alice, &previous, 7);
		assert_ne!(again.proof, vrf.proof);
		assert_eq!(verify(&alice.public(), &previous, 7, &again), Some(randomness));
		// And it differs with the input.
		let next = sign(&alice, &previous, 8);
		assert_ne!(verify(&alice.public(), &previous, 8, &next), Some(randomness));
	}

	#[test]
	fn the_wire_format_round_trips() {
		let alice = sr25519::Pair::from_string("//Alice", None).unwrap();
		let vrf = sign(&alice, &H256::zero(), 1);
		assert_eq!(vrf.encode().len(), BeaconVrf::max_encoded_len());
		assert_eq!(BeaconVrf::decode(&mut &vrf.encode()[..]).unwrap(), vrf);
		assert_eq!(BeaconVrf::from(vrf.to_signature().unwrap()), vrf);
		assert_eq!(
			InherentError::try_from(&INHERENT_IDENTIFIER, &InherentError::Missing.encode()),
			Some(InherentError::Missing)
		);
		assert_eq!(InherentError::try_from(b"timstap0", &[0]), None);
	}
}

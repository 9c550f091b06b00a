//! The randomness beacon's inherent data: the slot author's VRF over the previous randomness and
//! the slot, signed with the keystore's Aura key. The runtime verifies it (`pallet-beacon`).

use pallet_beacon_primitives::{
	vrf_transcript, BeaconApi, BeaconVrf, InherentError, INHERENT_IDENTIFIER,
};
use sp_api::ProvideRuntimeApi;
use sp_consensus_aura::{
	sr25519::{AuthorityId as AuraId, AuthorityPair as AuraPair},
	AuraApi, Slot,
};
use sp_core::crypto::{key_types::AURA, ByteArray};
use sp_inherents::{InherentData, InherentIdentifier};
use sp_keystore::KeystorePtr;
use valley_runtime::{opaque::Block, BlockNumber, Hash};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Provides the beacon's VRF when this node authors the slot; explains the beacon's inherent
/// errors when it imports.
pub struct InherentDataProvider {
	vrf: Option<BeaconVrf>,
}

impl InherentDataProvider {
	/// For a block in `slot` on top of `parent`: the VRF of the slot's author, if the keystore
	/// holds its Aura key (otherwise this node does not author the slot and provides nothing).
	pub fn for_slot<C>(
		client: &C,
		keystore: &KeystorePtr,
		parent: Hash,
		slot: Slot,
	) -> Result<Self, Error>
	where
		C: ProvideRuntimeApi<Block>,
		C::Api: AuraApi<Block, AuraId> + BeaconApi<Block, BlockNumber>,
	{
		let api = client.runtime_api();
		let authorities = api.authorities(parent)?;
		let Some(author) =
			sc_consensus_aura::standalone::slot_author::<AuraPair>(slot, &authorities)
		else {
			return Ok(Self { vrf: None });
		};
		if !keystore.has_keys(&[(author.to_raw_vec(), AURA)]) {
			return Ok(Self { vrf: None });
		}
		let (_, previous) = api.latest(parent)?;
		let sign_data = vrf_transcript(&previous, *slot).into_sign_data();
		let signature = keystore.sr25519_vrf_sign(AURA, author.as_ref(), &sign_data)?;
		Ok(Self { vrf: signature.map(BeaconVrf::from) })
	}

	/// For importing blocks: provides nothing (the runtime verifies the block's VRF) and names
	/// the beacon's errors.
	pub fn for_import() -> Self {
		Self { vrf: None }
	}
}

#[async_trait::async_trait]
impl sp_inherents::InherentDataProvider for InherentDataProvider {
	async fn provide_inherent_data(
		&self,
		inherent_data: &mut InherentData,
	) -> Result<(), sp_inherents::Error> {
		match &self.vrf {
			Some(vrf) => inherent_data.put_data(INHERENT_IDENTIFIER, vrf),
			None => Ok(()),
		}
	}

	async fn try_handle_error(
		&self,
		identifier: &InherentIdentifier,
		error: &[u8],
	) -> Option<Result<(), sp_inherents::Error>> {
		let error = InherentError::try_from(identifier, error)?;
		Some(Err(sp_inherents::Error::Application(Box::from(format!(
			"randomness beacon: {error:?}"
		)))))
	}
}

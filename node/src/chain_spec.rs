//! The chains the node knows by name: `dev`, `local`, `im_valley` and `gofun`, each built from
//! the runtime's genesis preset of the same shape. One runtime serves both programmes.

use sc_service::ChainType;
use valley_runtime::{
	genesis_config_presets::{GOFUN_RUNTIME_PRESET, GOFUN_TOKEN_SYMBOL, IM_VALLEY_RUNTIME_PRESET},
	production, SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL,
};

/// A chain spec of this node: no extensions.
pub type ChainSpec = sc_service::GenericChainSpec;

/// What polkadot.js reads to show balances and addresses: the programme's token symbol. Both
/// programmes count in planck of twelve decimals (the runtime's fees and deposits are set in them).
pub fn properties(symbol: &str) -> sc_chain_spec::Properties {
	let mut properties = sc_chain_spec::Properties::new();
	properties.insert("tokenSymbol".into(), symbol.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
	(protocol_id, symbol): (&str, &str),
) -> Result<ChainSpec, String> {
	// The production runtime: never the benchmark wasm this build may also carry.
	let wasm =
		production::WASM_BINARY.ok_or_else(|| "the runtime's wasm was not built".to_string())?;
	Ok(ChainSpec::builder(wasm, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_protocol_id(protocol_id)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties(symbol))
		.build())
}

/// IM Valley's network protocol id and token symbol.
const IM_VALLEY: (&str, &str) = ("im-valley", TOKEN_SYMBOL);

/// One validator (Alice), for `--dev`.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"IM Valley Development",
		"im_valley_dev",
		ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
		IM_VALLEY,
	)
}

/// Nine validators with development keys, on one machine.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"IM Valley Local Testnet",
		"im_valley_local",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
		IM_VALLEY,
	)
}

/// The nine-validator IM Valley network with production parameters.
pub fn im_valley_chain_spec() -> Result<ChainSpec, String> {
	from_preset("IM Valley", "im_valley", ChainType::Live, IM_VALLEY_RUNTIME_PRESET, IM_VALLEY)
}

/// GoFun's Energy Cube: the seven-authority consortium with GoFun's programme (CUBE).
pub fn gofun_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"GoFun Energy Cube",
		"gofun",
		ChainType::Live,
		GOFUN_RUNTIME_PRESET,
		("gofun", GOFUN_TOKEN_SYMBOL),
	)
}

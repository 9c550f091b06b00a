//! The command line.

/// The subcommands beside running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys (e.g. a validator's Aura and GRANDPA
	/// keys, or an oracle key).
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (prefer `export-chain-spec`).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification of a chain.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Benchmarks: runtime pallets (`benchmark pallet`), storage, block and extrinsic overhead,
	/// machine. `benchmark pallet` needs a node built with `--features runtime-benchmarks`.
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}

/// `valley-node`'s arguments.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// The car maker's telematics service (plain `http://`, e.g. `http://127.0.0.1:8787`,
	/// `scripts/telematics-sim`) that this node's oracle operator worker reads: it commits every
	/// batch's root of the cars' weights, proves the winners, proposes the fleet's registry
	/// changes and serves owners' proofs (`mileage_proof`). It acts only while the keystore holds
	/// the key of a current operator (`valley-node key insert --key-type orcl --scheme sr25519`).
	#[arg(long, value_name = "URL")]
	pub telematics_url: Option<String>,
}

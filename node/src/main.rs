//! `valley-node`: the IM Valley node.

// `sc_cli::Error` and `sc_service::Error`, the SDK's error types every command and service
// function returns, are large; boxing them at each call would only hide the SDK's signatures.
#![allow(clippy::result_large_err)]

mod beacon;
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod mileage_rpc;
mod operator;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}

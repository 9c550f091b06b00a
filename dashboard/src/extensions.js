// The chain's own transaction extensions, for @polkadot/api (`signedExtensions` of
// ApiPromise.create), so that it knows them instead of warning about them: `CheckOpeningRoom`
// (pallet-crystals: a box opening beyond its block's room waits in the pool) carries no data and
// adds nothing to what is signed. Also used by the tests and the throughput harness.
export const SIGNED_EXTENSIONS = { CheckOpeningRoom: { extrinsic: {}, payload: {} } };

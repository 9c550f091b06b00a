# Shared settings for the scripts in this folder; sourced, not run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# One target directory for every build of the workspace, checkouts and CI clones alike: a cold
# build of the ~1,200 crates takes most of an hour on two cores, a warm one seconds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/im-valley/target}"

# One profile and one feature set for the tests, the node the end-to-end tests start and the node
# users start, so that nothing is compiled twice.
CARGO_FLAGS=(--release --workspace --features runtime-benchmarks,try-runtime --locked)
export NODE_BIN="$CARGO_TARGET_DIR/release/valley-node"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

build_node() {
	log "building valley-node (release; cold: most of an hour on 2 cores, warm: seconds)"
	(cd "$ROOT" && cargo build "${CARGO_FLAGS[@]}" --bins)
}

# The runtime's wasm embeds source paths (panic locations): map them to fixed names so that no
# local path ends up on chain. (The wasm still differs between checkouts at different paths: crate
# hashes include the path. The chain-spec test compares what does not depend on that.)
export WASM_BUILD_RUSTFLAGS="--remap-path-prefix=$ROOT=/im-valley --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"

# The wasm build runs in the target directory, outside the checkout: point it at our Cargo.lock.
export WASM_BUILD_WORKSPACE_HINT="$ROOT"

# RPC as browsers reach it on the nodes scripts/start runs: safe methods only (no author_insertKey,
# no offchain_localStorageSet, no author_rotateKeys: a web page the user opens must not change
# a validator's keys or its oracle's telematics URL), and CORS limited to polkadot.js apps (hosted,
# or served locally on port 3000) and the owner dashboard (port 8000). The node matches origins
# exactly: a `*` port is not a wildcard. Keys go in with `valley-node key insert`, the telematics
# URL with `--telematics-url`. node/tests/safe_rpc.rs starts a node with exactly these flags.
SAFE_RPC_ORIGINS="https://polkadot.js.org,http://localhost:3000,http://127.0.0.1:3000"
SAFE_RPC_ORIGINS+=",http://localhost:8000,http://127.0.0.1:8000"
SAFE_RPC_FLAGS=(--rpc-methods safe --rpc-cors "$SAFE_RPC_ORIGINS")

# Where scripts/start keeps the chains' databases and logs.
export VALLEY_DATA="${VALLEY_DATA:-$HOME/.local/share/im-valley}"

# Development node key (libp2p identity) number N: N in hex. Fixed, so that the validators can list
# each other as peers; scripts/start gives validator N of `local` key N, of `gofun` key N + 100.
node_key() { printf '%064x' "$1"; }

# Installs the npm packages of a folder with a package-lock.json (tests/polkadot-js, dashboard)
# if missing or out of date: the folder given, or the current one.
npm_install() {
	local dir="${1:-.}"
	if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
		(cd "$dir" && npm ci --no-audit --no-fund)
	fi
}

# Headless Chromium for the owner dashboard's browser test (Debian's package; nothing is
# downloaded).
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

//! Where the runtime's weights come from: every dispatchable's weight from its pallet's
//! `WeightInfo`, every `WeightInfo` of the runtime from a file the benchmark CLI generated (or an
//! SDK pallet's reference weights, for a reason written down), and every such file from
//! `scripts/bench`'s run, its report kept.
//!
//! These read the sources: what they check is how the code is written, which no runtime value
//! shows.

use std::{
	collections::BTreeSet,
	fs,
	path::{Path, PathBuf},
};

fn repo() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn read(path: &Path) -> String {
	fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `.rs` files under `dir`, recursively.
fn sources(dir: &Path) -> Vec<PathBuf> {
	let mut out = Vec::new();
	for entry in fs::read_dir(dir).unwrap() {
		let path = entry.unwrap().path();
		if path.is_dir() {
			out.extend(sources(&path));
		} else if path.extension().is_some_and(|e| e == "rs") {
			out.push(path);
		}
	}
	out.sort();
	out
}

/// Files of a pallet that the runtime does not run: weights (generated), benchmarks, mocks and
/// tests.
fn is_runtime_code(path: &Path) -> bool {
	let name = path.file_name().unwrap().to_str().unwrap();
	let in_tests = path.components().any(|c| c.as_os_str() == "tests");
	!in_tests && !["weights.rs", "benchmarking.rs", "mock.rs", "tests.rs"].contains(&name)
}

/// The argument of the attribute `#[name(…)]` starting at `text[at..]`, brackets balanced.
fn attribute_argument(text: &str, at: usize) -> &str {
	let open = at + text[at..].find('(').unwrap();
	let mut depth = 0;
	for (i, c) in text[open..].char_indices() {
		match c {
			'(' => depth += 1,
			')' => {
				depth -= 1;
				if depth == 0 {
					return text[open + 1..open + i].trim();
				}
			},
			_ => {},
		}
	}
	panic!("unbalanced attribute at {at}")
}

/// `(pallet, SDK pallet's reference weights' reason)` from `benchmarks/reference-weights.tsv`.
fn reference_weights() -> Vec<(String, String)> {
	read(&repo().join("benchmarks/reference-weights.tsv"))
		.lines()
		.filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
		.map(|l| {
			let (pallet, reason) = l.split_once('\t').expect("pallet<TAB>reason");
			assert!(reason.len() > 20, "{pallet}: say why it keeps reference weights");
			(pallet.to_string(), reason.to_string())
		})
		.collect()
}

#[test]
fn every_call_of_our_pallets_is_weighed_by_its_weight_info() {
	let mut calls = 0;
	for pallet in fs::read_dir(repo().join("pallets")).unwrap() {
		let src = pallet.unwrap().path().join("src");
		if !src.is_dir() {
			continue;
		}
		for file in sources(&src).into_iter().filter(|f| is_runtime_code(f)) {
			let text = read(&file);
			let at = |needle: &str| text.match_indices(needle).map(|(i, _)| i).collect::<Vec<_>>();
			// A call's attributes sit between its `call_index` and its `pub fn`.
			for start in at("#[pallet::call_index(") {
				let end = start + text[start..].find("pub fn ").expect("a call after call_index");
				let attributes = &text[start..end];
				let weight = attributes
					.find("#[pallet::weight(")
					.map(|i| attribute_argument(attributes, i))
					.unwrap_or_else(|| {
						panic!("{}: a call without #[pallet::weight]", file.display())
					});
				assert!(
					weight.trim_start_matches('(').starts_with("T::WeightInfo::"),
					"{}: a call weighed by `{weight}`, not by its WeightInfo",
					file.display()
				);
				if let Some(i) = attributes.find("#[pallet::weight_of_authorize(") {
					let weight = attribute_argument(attributes, i);
					assert!(
						weight.starts_with("T::WeightInfo::"),
						"{}: an authorization weighed by `{weight}`",
						file.display()
					);
				}
				calls += 1;
			}
			// Hooks and calls may add the database reads of an early return, never a
			// hand-measured time.
			for pattern in ["Weight::from_parts(", "from_ref_time(", "Weight::from_all("] {
				assert!(
					!text.contains(pattern),
					"{}: a hand-written weight `{pattern}…)`: benchmark it",
					file.display()
				);
			}
		}
	}
	// stone 2, mileage 6, beacon 1, crystals 9, collectibles 11, redemption 7.
	assert!(calls >= 36, "found only {calls} calls: did the pallets move?");
}

#[test]
fn every_weight_info_of_the_runtime_is_generated_or_a_named_reference() {
	let reference = reference_weights();
	let named: BTreeSet<&str> = reference.iter().map(|(p, _)| p.as_str()).collect();
	let mut generated = BTreeSet::new();
	let mut kept = BTreeSet::new();
	for file in sources(&repo().join("runtime/src/configs")) {
		let text = read(&file);
		for (at, _) in text.match_indices("WeightInfo = ") {
			let line_end = at + text[at..].find(';').unwrap();
			let value = text[at + "WeightInfo = ".len()..line_end].trim();
			let block = text[..at].rfind("\nimpl ").expect("inside an impl block");
			let pallet =
				text[block + "\nimpl ".len()..].split("::").next().unwrap().trim().to_string();
			if let Some(module) = value.strip_prefix("crate::weights::") {
				let module = module.split("::").next().unwrap();
				generated.insert(module.to_string());
			} else {
				assert!(
					named.contains(pallet.as_str()),
					"{}: `{pallet}` uses `{value}`: generate its weights with scripts/bench or \
					 say in benchmarks/reference-weights.tsv why it keeps reference weights",
					file.display()
				);
				kept.insert(pallet);
			}
		}
	}
	for pallet in &named {
		assert!(kept.contains(*pallet), "{pallet} is listed with reference weights but uses none");
	}
	let files: BTreeSet<String> = sources(&repo().join("runtime/src/weights"))
		.iter()
		.map(|f| f.file_stem().unwrap().to_str().unwrap().to_string())
		.filter(|name| name != "mod")
		.collect();
	assert_eq!(generated, files, "every weight file is used, and every one used exists");
}

#[test]
fn every_runtime_weight_file_was_written_by_scripts_bench() {
	let benchmarks = read(&repo().join("runtime/src/benchmarks.rs"));
	let listed: BTreeSet<String> = benchmarks
		.lines()
		.filter_map(|l| l.trim().strip_prefix('[')?.split(',').next())
		.map(|p| p.trim().to_string())
		.filter(|p| p != "frame_benchmarking")
		.collect();
	let mut written = BTreeSet::new();
	for file in sources(&repo().join("runtime/src/weights")) {
		let pallet = file.file_stem().unwrap().to_str().unwrap().to_string();
		if pallet == "mod" {
			continue;
		}
		let text = read(&file);
		let command: Vec<&str> = text
			.lines()
			.skip_while(|l| !l.starts_with("// Executed Command:"))
			.skip(1)
			.map_while(|l| l.strip_prefix("// "))
			.collect();
		let arg = |flag: &str| {
			command.iter().position(|a| *a == flag).map(|i| command[i + 1]).unwrap_or_else(|| {
				panic!("{pallet}: the benchmark command has no {flag}: run scripts/bench")
			})
		};
		assert!(text.contains("THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI"));
		assert_eq!(command.get(1..3), Some(&["benchmark", "pallet"][..]), "{pallet}");
		assert_eq!(arg("--pallet"), pallet);
		assert_eq!(arg("--output"), format!("runtime/src/weights/{pallet}.rs"));
		assert_eq!(arg("--template"), "scripts/weights-template.hbs");
		assert_eq!(arg("--genesis-builder-preset"), "development");
		assert_eq!(arg("--json-file"), format!("benchmarks/results/{pallet}.json"));
		// The CLI's own report of the run (its analysis, and the file it wrote) is kept beside
		// the weights; the full samples (`.json`, ~100 MB a pallet) stay on the machine.
		let report = read(&repo().join(format!("benchmarks/results/{pallet}.txt")));
		assert!(
			report.contains(&format!("Created file: \"runtime/src/weights/{pallet}.rs\"")),
			"benchmarks/results/{pallet}.txt is the report of the run that wrote the weights"
		);
		written.insert(pallet);
	}
	assert_eq!(listed, written, "a weight file for every pallet the runtime benchmarks");
}

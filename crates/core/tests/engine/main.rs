//! The engine's integration tests, one binary (one link) for all of them:
//! real data from the shared corpus, damaged inputs, export round trips,
//! manifests, integrity chains and the query oracle.

mod case_roundtrip;
mod corrupt_inputs;
mod credential_chains;
mod credential_corpus;
mod export_roundtrip;
mod ingest_corpus;
mod integrity_chain;
mod manifest_hashes;
mod query_oracle;
mod sigma_differential;
mod sigma_rules;
mod signed_trail;

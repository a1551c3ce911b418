//! Credential chains on the real corpus (stratus-red-team and invictus-ir
//! hold real AssumeRole sequences): every key issued by a successful
//! issuing call in the data is followed back to the origin of the call
//! that issued it, checked against an oracle that reads the JSON directly.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use trailview_core::credentials::CredGraph;
use trailview_core::ingest::{LoadOptions, load_paths};
use trailview_core::model::Column;
use trailview_core::store::Store;

fn load(rel: &str) -> Store {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(rel);
    let mut store = Store::new();
    let _ = load_paths(&[p], &LoadOptions::default(), &mut store);
    let g = CredGraph::build(&store);
    store.set_credential_graph(Arc::new(g));
    store
}

/// (events using an issued key, of which linked) after checking each.
fn followed(store: &Store) -> (usize, usize) {
    // Oracle: issued key -> issuing events.
    let mut issued: HashMap<String, Vec<u32>> = HashMap::new();
    for i in 0..store.len() as u32 {
        let name = store.value(Column::EventName, i);
        if !name.starts_with("AssumeRole")
            && name != "GetSessionToken"
            && name != "GetFederationToken"
        {
            continue;
        }
        let Some(v) = store.json(i) else { continue };
        if v.get("errorCode").is_some_and(|e| !e.is_null()) {
            continue;
        }
        if let Some(k) = v["responseElements"]["credentials"]["accessKeyId"].as_str() {
            issued.entry(k.to_owned()).or_default().push(i);
        }
    }
    let (mut using, mut linked) = (0, 0);
    for i in 0..store.len() as u32 {
        let key = store.value(Column::AccessKey, i);
        let Some(issuers) = issued.get(key.as_ref()) else {
            continue;
        };
        using += 1;
        let origin = store.value(Column::Origin, i);
        if origin.starts_with("unknown") {
            continue;
        }
        linked += 1;
        // Linked: to the origin of (one copy of) the issuing call, one hop further.
        let ok = issuers.iter().any(|&j| {
            store.value(Column::Origin, j) == origin
                || origin.contains("(SAML ")
                || origin.contains("(web identity ")
        });
        assert!(ok, "event {i} with {key}: origin {origin}");
        let hops: u32 = store.value(Column::Hops, i).parse().unwrap_or(0);
        assert!(hops >= 1, "event {i}: {}", store.value(Column::Chain, i));
    }
    (using, linked)
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn stratus_red_team_chains_are_followed() {
    let s = load("stratus-red-team/stratus-red-team.json.gz");
    let (using, linked) = followed(&s);
    assert!(using >= 40, "{using}");
    assert_eq!(linked, using, "every issued key used is linked");
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn invictus_ir_chains_are_followed() {
    let s = load("invictus-ir-aws-dataset/invictus-ir-aws-dataset.json.gz");
    let (using, linked) = followed(&s);
    assert!(using >= 40, "{using}");
    assert_eq!(linked, using, "every issued key used is linked");
    // The EC2 instance profile sessions name the service that issued them.
    let ec2 = (0..s.len() as u32)
        .filter(|&i| {
            s.value(Column::Origin, i) == "ec2.amazonaws.com" && s.value(Column::Hops, i) == "1"
        })
        .count();
    assert!(ec2 > 0);
}

//! The key of an event's timeline lane for each [`LaneGrouping`]: a
//! store dictionary id (actor, role, access key) or the credential
//! graph's origin id (grouping by origin), with the lane's name.

use trailview_core::model::EventIdx;
use trailview_core::store::{Store, StrCol};

use crate::summary::LaneGrouping;

/// Lane ids and names of one grouping over one store.
pub(crate) enum LaneKeys<'s> {
    Dict(&'s [u32], &'s trailview_core::store::interner::Interner),
    Origin(&'s Store, &'s trailview_core::credentials::CredGraph),
}

impl<'s> LaneKeys<'s> {
    /// `None` when the grouping has nothing to group by yet (no graph).
    pub fn new(store: &'s Store, grouping: LaneGrouping) -> Option<LaneKeys<'s>> {
        if grouping == LaneGrouping::Origin {
            return store
                .credential_graph()
                .map(|g| LaneKeys::Origin(store, g.as_ref()));
        }
        let sc = StrCol::of(grouping.column())?;
        Some(LaneKeys::Dict(store.str_ids(sc), store.dict(sc)))
    }

    /// The lane id of event `i`.
    pub fn id(&self, i: EventIdx) -> u32 {
        match self {
            LaneKeys::Dict(ids, _) => ids.get(i as usize).copied().unwrap_or(0),
            LaneKeys::Origin(store, g) => g.origin_id(store, i),
        }
    }

    /// The name of lane `id`.
    pub fn name(&self, id: u32) -> &'s str {
        match self {
            LaneKeys::Dict(_, dict) => dict.get(id),
            LaneKeys::Origin(_, g) => g.text(id),
        }
    }
}

//! The vocabulary shared by every layer: event columns, credential kinds and
//! the row index type. Nothing here does work; it names things.

use std::fmt;

/// Index of an event in the [`crate::store::Store`] (insertion order).
pub type EventIdx = u32;

/// A column of the event store. Every column can be shown, sorted on,
/// filtered on and counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Time,
    Actor,
    Credential,
    EventName,
    EventSource,
    Region,
    Account,
    SourceIp,
    UserAgent,
    ErrorCode,
    EventType,
    EventCategory,
    ReadOnly,
    AccessKey,
    EventId,
    UserType,
    Mfa,
    Console,
    /// The role of a role session (`<role>` in `<role>/<session>`), else the actor.
    Role,
    /// The file the event was read from.
    SourceFile,
    /// The first identity of the event's credential chain (derived by
    /// [`crate::credentials`] after a load; empty before).
    Origin,
    /// The credential chain as text, origin first.
    Chain,
    /// The number of credential hops between the origin and the event.
    Hops,
    /// The session the event belongs to (its temporary key, ...).
    Session,
    /// `sourceIdentity` set on the chain.
    SourceIdentity,
}

impl Column {
    /// Every column, in the order a column chooser lists them.
    pub const ALL: [Column; 25] = [
        Column::Time,
        Column::Actor,
        Column::Credential,
        Column::EventName,
        Column::EventSource,
        Column::Region,
        Column::Account,
        Column::SourceIp,
        Column::ErrorCode,
        Column::UserAgent,
        Column::EventType,
        Column::EventCategory,
        Column::ReadOnly,
        Column::AccessKey,
        Column::EventId,
        Column::UserType,
        Column::Mfa,
        Column::Console,
        Column::Role,
        Column::SourceFile,
        Column::Origin,
        Column::Chain,
        Column::Hops,
        Column::Session,
        Column::SourceIdentity,
    ];

    /// The columns a new table shows.
    pub const DEFAULT_TABLE: [Column; 9] = [
        Column::Time,
        Column::Actor,
        Column::Credential,
        Column::EventName,
        Column::EventSource,
        Column::Region,
        Column::Account,
        Column::SourceIp,
        Column::ErrorCode,
    ];

    /// The columns the facet panel counts.
    pub const FACETS: [Column; 10] = [
        Column::Actor,
        Column::Origin,
        Column::EventName,
        Column::EventSource,
        Column::Account,
        Column::Region,
        Column::SourceIp,
        Column::ErrorCode,
        Column::Credential,
        Column::UserAgent,
    ];

    /// The canonical name (as used by the CLI, the query language and
    /// exported CSV headers). Mostly the CloudTrail field name.
    pub fn name(self) -> &'static str {
        match self {
            Column::Time => "eventTime",
            Column::Actor => "actor",
            Column::Credential => "credential",
            Column::EventName => "eventName",
            Column::EventSource => "eventSource",
            Column::Region => "awsRegion",
            Column::Account => "account",
            Column::SourceIp => "sourceIPAddress",
            Column::UserAgent => "userAgent",
            Column::ErrorCode => "errorCode",
            Column::EventType => "eventType",
            Column::EventCategory => "eventCategory",
            Column::ReadOnly => "readOnly",
            Column::AccessKey => "accessKeyId",
            Column::EventId => "eventID",
            Column::UserType => "userType",
            Column::Mfa => "mfa",
            Column::Console => "console",
            Column::Role => "role",
            Column::SourceFile => "file",
            Column::Origin => "origin",
            Column::Chain => "chain",
            Column::Hops => "hops",
            Column::Session => "session",
            Column::SourceIdentity => "source_identity",
        }
    }

    /// A short human title for table headers.
    pub fn title(self) -> &'static str {
        match self {
            Column::Time => "Time",
            Column::Actor => "Actor",
            Column::Credential => "Credential",
            Column::EventName => "Event name",
            Column::EventSource => "Event source",
            Column::Region => "Region",
            Column::Account => "Account",
            Column::SourceIp => "Source IP",
            Column::UserAgent => "User agent",
            Column::ErrorCode => "Error code",
            Column::EventType => "Event type",
            Column::EventCategory => "Category",
            Column::ReadOnly => "Read-only",
            Column::AccessKey => "Access key",
            Column::EventId => "Event ID",
            Column::UserType => "Identity type",
            Column::Mfa => "MFA",
            Column::Console => "Console",
            Column::Role => "Role",
            Column::SourceFile => "File",
            Column::Origin => "Origin",
            Column::Chain => "Chain",
            Column::Hops => "Hops",
            Column::Session => "Session",
            Column::SourceIdentity => "Source identity",
        }
    }

    /// Parses a column name: canonical names, query aliases and a few
    /// natural spellings, case-insensitively.
    pub fn parse(name: &str) -> Option<Column> {
        let lower = name.to_ascii_lowercase();
        let col = match lower.as_str() {
            "time" | "eventtime" => Column::Time,
            "actor" | "user" => Column::Actor,
            "credential" | "cred" => Column::Credential,
            "eventname" | "name" => Column::EventName,
            "eventsource" | "source" => Column::EventSource,
            "awsregion" | "region" => Column::Region,
            "account" | "recipientaccountid" => Column::Account,
            "sourceipaddress" | "ip" => Column::SourceIp,
            "useragent" | "agent" => Column::UserAgent,
            "errorcode" | "error" => Column::ErrorCode,
            "eventtype" => Column::EventType,
            "eventcategory" | "category" => Column::EventCategory,
            "readonly" => Column::ReadOnly,
            "accesskeyid" | "key" | "accesskey" | "useridentity.accesskeyid" => Column::AccessKey,
            "eventid" | "id" => Column::EventId,
            "usertype" | "type" | "useridentity.type" => Column::UserType,
            "mfa" => Column::Mfa,
            "console" => Column::Console,
            "role" => Column::Role,
            "file" | "path" => Column::SourceFile,
            "origin" => Column::Origin,
            "chain" => Column::Chain,
            "hops" => Column::Hops,
            "session" => Column::Session,
            "source_identity" | "sourceidentity" => Column::SourceIdentity,
            _ => return None,
        };
        Some(col)
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of credential made a call (see the identity table in the README).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[repr(u8)]
pub enum Credential {
    Root,
    IamUser,
    RoleSession,
    Federated,
    AwsService,
    AwsAccount,
    IdentityCenter,
    #[default]
    Unknown,
}

impl Credential {
    pub const ALL: [Credential; 8] = [
        Credential::Root,
        Credential::IamUser,
        Credential::RoleSession,
        Credential::Federated,
        Credential::AwsService,
        Credential::AwsAccount,
        Credential::IdentityCenter,
        Credential::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Credential::Root => "root",
            Credential::IamUser => "iam-user",
            Credential::RoleSession => "role-session",
            Credential::Federated => "federated",
            Credential::AwsService => "aws-service",
            Credential::AwsAccount => "aws-account",
            Credential::IdentityCenter => "identity-center",
            Credential::Unknown => "unknown",
        }
    }

    pub fn from_u8(v: u8) -> Credential {
        Credential::ALL
            .get(v as usize)
            .copied()
            .unwrap_or(Credential::Unknown)
    }
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A yes / no / not-stated flag (readOnly, mfa, console).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[repr(u8)]
pub enum Flag {
    #[default]
    Unset,
    False,
    True,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Unset => "",
            Flag::False => "false",
            Flag::True => "true",
        }
    }

    pub fn from_u8(v: u8) -> Flag {
        match v {
            1 => Flag::False,
            2 => Flag::True,
            _ => Flag::Unset,
        }
    }
}

/// What kind of file an input was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    /// CloudTrail events (any supported container shape).
    Log,
    /// A CloudTrail-Digest file (integrity data, not events).
    Digest,
    /// A file whose events are all CloudTrail Insights events.
    Insight,
    /// Anything else that was looked at but holds no CloudTrail data.
    Other,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Log => "log",
            FileKind::Digest => "digest",
            FileKind::Insight => "insight",
            FileKind::Other => "other",
        }
    }
}

/// A column that is not in the event but about it: what the analyst put on
/// it (tags, note, star) and the integrity status of its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mark {
    Tags,
    Note,
    Starred,
    Integrity,
    /// The titles of the detection rules the event matched.
    Detections,
}

impl Mark {
    pub const ALL: [Mark; 5] = [
        Mark::Tags,
        Mark::Note,
        Mark::Starred,
        Mark::Integrity,
        Mark::Detections,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mark::Tags => "tags",
            Mark::Note => "note",
            Mark::Starred => "starred",
            Mark::Integrity => "integrity",
            Mark::Detections => "detections",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Mark::Tags => "Tags",
            Mark::Note => "Note",
            Mark::Starred => "★",
            Mark::Integrity => "Integrity",
            Mark::Detections => "Detections",
        }
    }

    pub fn parse(name: &str) -> Option<Mark> {
        match name.to_ascii_lowercase().as_str() {
            "tags" | "tag" => Some(Mark::Tags),
            "note" | "notes" => Some(Mark::Note),
            "starred" | "star" => Some(Mark::Starred),
            "integrity" => Some(Mark::Integrity),
            "detections" | "detection" => Some(Mark::Detections),
            _ => None,
        }
    }
}

/// A table or export column: a store column, an annotation of the event
/// ([`Mark`]), or any JSON path into the event (`requestParameters.bucketName`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ColumnSpec {
    Column(Column),
    Mark(Mark),
    Path(String),
}

impl ColumnSpec {
    /// A known column name or alias, an annotation column, else a JSON path.
    pub fn parse(name: &str) -> ColumnSpec {
        let name = name.trim();
        if let Some(c) = Column::parse(name) {
            ColumnSpec::Column(c)
        } else if let Some(m) = Mark::parse(name) {
            ColumnSpec::Mark(m)
        } else {
            ColumnSpec::Path(name.to_owned())
        }
    }

    /// The name as typed in `--columns` or shown in a header.
    pub fn name(&self) -> &str {
        match self {
            ColumnSpec::Column(c) => c.name(),
            ColumnSpec::Mark(m) => m.name(),
            ColumnSpec::Path(p) => p,
        }
    }
}

/// Sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub enum Direction {
    #[default]
    Ascending,
    Descending,
}

impl Direction {
    /// Descending when `desc` is set (a `--desc` flag), else ascending.
    pub fn descending_if(desc: bool) -> Direction {
        if desc {
            Direction::Descending
        } else {
            Direction::Ascending
        }
    }

    /// The other direction.
    pub fn reversed(self) -> Direction {
        match self {
            Direction::Ascending => Direction::Descending,
            Direction::Descending => Direction::Ascending,
        }
    }
}

/// What rows are ordered by: any table column (store column, annotation or
/// JSON path) and a direction. Equal keys keep chronological order, then
/// load order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SortKey {
    pub column: ColumnSpec,
    pub direction: Direction,
}

impl Default for SortKey {
    /// Oldest first.
    fn default() -> Self {
        SortKey {
            column: ColumnSpec::Column(Column::Time),
            direction: Direction::Ascending,
        }
    }
}

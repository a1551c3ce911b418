//! Who did it: derives the `actor` (the name an analyst would say) and the
//! credential kind of an event from its `userIdentity`, by the rule table in
//! the README ("Who did it"). Also reads MFA and console-session flags.

use std::borrow::Cow;

use crate::ingest::record::{Loose, RecordFields, UserIdentity};
use crate::model::{Credential, Flag};

/// The identity summary of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity<'a> {
    pub actor: Cow<'a, str>,
    pub credential: Credential,
    /// `sessionContext.attributes.mfaAuthenticated`.
    pub mfa: Flag,
    /// `sessionCredentialFromConsole`.
    pub console: Flag,
}

/// The last `/`-separated segment of an ARN (`arn:aws:iam::1:user/dev/bob` → `bob`).
pub fn arn_last_segment(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let last = resource.rsplit('/').next()?;
    (!last.is_empty()).then_some(last)
}

/// For `arn:...:sts::1:assumed-role/<role>/<session>`: the role name.
fn assumed_role_name(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let mut parts = resource.split('/');
    if parts.next()? != "assumed-role" {
        return None;
    }
    parts.next().filter(|r| !r.is_empty())
}

/// For `arn:...:sts::1:federated-user/<name>`: the name.
fn federated_user_name(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    resource
        .strip_prefix("federated-user/")
        .filter(|n| !n.is_empty())
}

fn flag(v: &Loose<'_>) -> Flag {
    match v.as_str().to_ascii_lowercase().as_str() {
        "true" => Flag::True,
        "false" => Flag::False,
        _ => Flag::Unset,
    }
}

fn borrowed<'a>(s: &'a str) -> Cow<'a, str> {
    Cow::Borrowed(s)
}

/// Derives the identity of an event (see the module doc and the README).
pub fn derive<'a>(fields: &'a RecordFields<'_>) -> Identity<'a> {
    let console = flag(&fields.console);
    let Some(ui) = fields.user_identity.as_ref() else {
        return Identity {
            actor: Cow::Borrowed(""),
            credential: Credential::Unknown,
            mfa: Flag::Unset,
            console,
        };
    };
    let mfa = ui
        .session_context
        .as_ref()
        .and_then(|c| c.attributes.as_ref())
        .map(|a| flag(&a.mfa_authenticated))
        .unwrap_or_default();
    let additional_user = fields.additional.as_ref().and_then(|a| a.user_name.get());
    let (actor, credential) = actor_and_credential(ui, additional_user);
    Identity {
        actor,
        credential,
        mfa,
        console,
    }
}

/// The fallback chain used whenever a rule's own field is missing:
/// the ARN's last segment, then `principalId`, then `invokedBy`.
fn fallback<'a>(ui: &'a UserIdentity<'_>) -> Cow<'a, str> {
    ui.arn
        .get()
        .and_then(arn_last_segment)
        .or_else(|| ui.principal_id.get())
        .or_else(|| ui.invoked_by.get())
        .map(borrowed)
        .unwrap_or_default()
}

fn actor_and_credential<'a>(
    ui: &'a UserIdentity<'_>,
    additional_user: Option<&'a str>,
) -> (Cow<'a, str>, Credential) {
    let issuer_name = ui
        .session_context
        .as_ref()
        .and_then(|c| c.session_issuer.as_ref())
        .and_then(|i| i.user_name.get());
    let or_fallback = |v: Option<&'a str>| v.map(borrowed).unwrap_or_else(|| fallback(ui));
    match ui.kind.as_str() {
        "Root" => (Cow::Borrowed("root"), Credential::Root),
        "IAMUser" => (
            or_fallback(
                ui.user_name
                    .get()
                    .or_else(|| ui.arn.get().and_then(arn_last_segment)),
            ),
            Credential::IamUser,
        ),
        "AssumedRole" => {
            let arn = ui.arn.get();
            let role = issuer_name.or_else(|| arn.and_then(assumed_role_name));
            let session = arn.and_then(arn_last_segment);
            let actor = match (role, session) {
                (Some(role), Some(session)) => Cow::Owned(format!("{role}/{session}")),
                (Some(role), None) => Cow::Borrowed(role),
                _ => fallback(ui),
            };
            (actor, Credential::RoleSession)
        }
        "Role" => (or_fallback(issuer_name), Credential::RoleSession),
        "FederatedUser" => (
            or_fallback(ui.arn.get().and_then(federated_user_name)),
            Credential::Federated,
        ),
        "AWSService" => (or_fallback(ui.invoked_by.get()), Credential::AwsService),
        "AWSAccount" => {
            let actor = match (ui.account_id.get(), ui.invoked_by.get()) {
                (Some(acct), Some(by)) => Cow::Owned(format!("{acct} via {by}")),
                (Some(acct), None) => Cow::Borrowed(acct),
                (None, _) => fallback(ui),
            };
            (actor, Credential::AwsAccount)
        }
        "IdentityCenterUser" => {
            let on_behalf = ui.on_behalf_of.as_ref().and_then(|o| o.user_id.get());
            (
                or_fallback(additional_user.or(on_behalf)),
                Credential::IdentityCenter,
            )
        }
        "SAMLUser" | "WebIdentityUser" | "Directory" => {
            (or_fallback(ui.user_name.get()), Credential::Federated)
        }
        _ => {
            let actor = ui
                .user_name
                .get()
                .or_else(|| ui.principal_id.get())
                .or_else(|| ui.invoked_by.get())
                .map(borrowed)
                .unwrap_or_default();
            (actor, Credential::Unknown)
        }
    }
}

/// The role part of an actor: `<role>` for a `<role>/<session>` role
/// session, else the actor itself. Timelines group lanes by it.
pub fn role_of(actor: &str, credential: Credential) -> &str {
    match credential {
        Credential::RoleSession => actor.split('/').next().unwrap_or(actor),
        _ => actor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::record::parse_record;

    fn who(json: &str) -> (String, Credential) {
        let f = parse_record(json).expect("test JSON parses");
        let id = derive(&f);
        (id.actor.into_owned(), id.credential)
    }

    fn ui(body: &str) -> String {
        format!(r#"{{"userIdentity":{{{body}}}}}"#)
    }

    #[test]
    fn root() {
        assert_eq!(
            who(&ui(
                r#""type":"Root","arn":"arn:aws:iam::1:root","userName":"alias""#
            )),
            ("root".into(), Credential::Root)
        );
    }

    #[test]
    fn iam_user() {
        assert_eq!(
            who(&ui(
                r#""type":"IAMUser","userName":"alice","arn":"arn:aws:iam::1:user/x/bob""#
            )),
            ("alice".into(), Credential::IamUser)
        );
        assert_eq!(
            who(&ui(r#""type":"IAMUser","arn":"arn:aws:iam::1:user/x/bob""#)),
            ("bob".into(), Credential::IamUser)
        );
        assert_eq!(
            who(&ui(r#""type":"IAMUser","principalId":"AIDA1""#)),
            ("AIDA1".into(), Credential::IamUser)
        );
    }

    #[test]
    fn assumed_role() {
        let issuer = r#""type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/Admin/jane@x.com",
            "sessionContext":{"sessionIssuer":{"type":"Role","userName":"AdminIssuer"}}"#;
        assert_eq!(
            who(&ui(issuer)),
            ("AdminIssuer/jane@x.com".into(), Credential::RoleSession)
        );
        let no_issuer = r#""type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/Admin/i-0abc",
            "sessionContext":{"sessionIssuer":{}}"#;
        assert_eq!(
            who(&ui(no_issuer)),
            ("Admin/i-0abc".into(), Credential::RoleSession)
        );
        let gov = r#""type":"AssumedRole","arn":"arn:aws-us-gov:sts::1:assumed-role/R/s""#;
        assert_eq!(who(&ui(gov)), ("R/s".into(), Credential::RoleSession));
        let bare = r#""type":"AssumedRole","principalId":"AROA:sess""#;
        assert_eq!(
            who(&ui(bare)),
            ("AROA:sess".into(), Credential::RoleSession)
        );
    }

    #[test]
    fn role() {
        let r = r#""type":"Role","arn":"arn:aws:iam::1:role/Deployer",
            "sessionContext":{"sessionIssuer":{"userName":"DeployerIssuer"}}"#;
        assert_eq!(
            who(&ui(r)),
            ("DeployerIssuer".into(), Credential::RoleSession)
        );
        assert_eq!(
            who(&ui(r#""type":"Role","arn":"arn:aws:iam::1:role/Deployer""#)),
            ("Deployer".into(), Credential::RoleSession)
        );
    }

    #[test]
    fn federated_user() {
        let f = r#""type":"FederatedUser","arn":"arn:aws:sts::1:federated-user/carol","principalId":"1:carol""#;
        assert_eq!(who(&ui(f)), ("carol".into(), Credential::Federated));
        assert_eq!(
            who(&ui(r#""type":"FederatedUser","principalId":"1:dan""#)),
            ("1:dan".into(), Credential::Federated)
        );
    }

    #[test]
    fn aws_service() {
        assert_eq!(
            who(&ui(
                r#""type":"AWSService","invokedBy":"athena.amazonaws.com""#
            )),
            ("athena.amazonaws.com".into(), Credential::AwsService)
        );
    }

    #[test]
    fn aws_account() {
        assert_eq!(
            who(&ui(
                r#""type":"AWSAccount","accountId":"111","invokedBy":"s3.amazonaws.com""#
            )),
            ("111 via s3.amazonaws.com".into(), Credential::AwsAccount)
        );
        assert_eq!(
            who(&ui(r#""type":"AWSAccount","accountId":"111""#)),
            ("111".into(), Credential::AwsAccount)
        );
        assert_eq!(
            who(&ui(r#""type":"AWSAccount","principalId":"AIDX""#)),
            ("AIDX".into(), Credential::AwsAccount)
        );
    }

    #[test]
    fn identity_center_user() {
        let with_name = r#"{"userIdentity":{"type":"IdentityCenterUser","onBehalfOf":{"userId":"u-1"}},
            "additionalEventData":{"UserName":"erin"}}"#;
        assert_eq!(who(with_name), ("erin".into(), Credential::IdentityCenter));
        assert_eq!(
            who(&ui(
                r#""type":"IdentityCenterUser","onBehalfOf":{"userId":"u-1","identityStoreArn":"x"}"#
            )),
            ("u-1".into(), Credential::IdentityCenter)
        );
        assert_eq!(
            who(&ui(r#""type":"IdentityCenterUser","principalId":"P""#)),
            ("P".into(), Credential::IdentityCenter)
        );
    }

    #[test]
    fn saml_web_identity_directory() {
        for t in ["SAMLUser", "WebIdentityUser", "Directory"] {
            assert_eq!(
                who(&ui(&format!(r#""type":"{t}","userName":"frank""#))),
                ("frank".into(), Credential::Federated),
                "{t}"
            );
            assert_eq!(
                who(&ui(&format!(r#""type":"{t}","principalId":"p:1""#))),
                ("p:1".into(), Credential::Federated),
                "{t} fallback"
            );
        }
    }

    #[test]
    fn unknown_or_missing_type() {
        assert_eq!(
            who(&ui(
                r#""type":"Unknown","userName":"HIDDEN_DUE_TO_SECURITY_REASONS""#
            )),
            ("HIDDEN_DUE_TO_SECURITY_REASONS".into(), Credential::Unknown)
        );
        assert_eq!(
            who(&ui(r#""principalId":"P1","invokedBy":"x""#)),
            ("P1".into(), Credential::Unknown)
        );
        assert_eq!(
            who(&ui(r#""invokedBy":"cloudtrail.amazonaws.com""#)),
            ("cloudtrail.amazonaws.com".into(), Credential::Unknown)
        );
        assert_eq!(who(&ui("")), (String::new(), Credential::Unknown));
        assert_eq!(who("{}"), (String::new(), Credential::Unknown));
        assert_eq!(
            who(&ui(r#""type":"SomethingNew","userName":"z""#)),
            ("z".into(), Credential::Unknown)
        );
    }

    #[test]
    fn mfa_and_console() {
        let f = parse_record(
            r#"{"userIdentity":{"type":"IAMUser","userName":"a","sessionContext":{"attributes":{"mfaAuthenticated":"true"}}},
            "sessionCredentialFromConsole":"true"}"#,
        )
        .expect("parses");
        let id = derive(&f);
        assert_eq!(id.mfa, Flag::True);
        assert_eq!(id.console, Flag::True);
        let f = parse_record(r#"{"userIdentity":{"type":"IAMUser"}}"#).expect("parses");
        assert_eq!(derive(&f).mfa, Flag::Unset);
    }

    #[test]
    fn role_grouping() {
        assert_eq!(role_of("Admin/jane", Credential::RoleSession), "Admin");
        assert_eq!(role_of("alice", Credential::IamUser), "alice");
    }
}

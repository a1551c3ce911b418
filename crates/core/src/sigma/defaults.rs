//! Trailview's default rule set: Sigma rules written by the Trailview team
//! (their own words and ids, under the project's licence), embedded in the
//! binary from `assets/rules/`.

/// (file name, YAML text) of every default rule.
pub const RULES: &[(&str, &str)] = &[
    (
        "tv_admin_policy_attached.yml",
        include_str!("../../../../assets/rules/tv_admin_policy_attached.yml"),
    ),
    (
        "tv_assumerole_unusual_principal.yml",
        include_str!("../../../../assets/rules/tv_assumerole_unusual_principal.yml"),
    ),
    (
        "tv_athena_mass_results.yml",
        include_str!("../../../../assets/rules/tv_athena_mass_results.yml"),
    ),
    (
        "tv_athena_query_on_cloudtrail.yml",
        include_str!("../../../../assets/rules/tv_athena_query_on_cloudtrail.yml"),
    ),
    (
        "tv_athena_workgroup_output_changed.yml",
        include_str!("../../../../assets/rules/tv_athena_workgroup_output_changed.yml"),
    ),
    (
        "tv_cloudtrail_logging_tampered.yml",
        include_str!("../../../../assets/rules/tv_cloudtrail_logging_tampered.yml"),
    ),
    (
        "tv_console_login_failure_burst.yml",
        include_str!("../../../../assets/rules/tv_console_login_failure_burst.yml"),
    ),
    (
        "tv_console_login_without_mfa.yml",
        include_str!("../../../../assets/rules/tv_console_login_without_mfa.yml"),
    ),
    (
        "tv_credentials_for_other_user.yml",
        include_str!("../../../../assets/rules/tv_credentials_for_other_user.yml"),
    ),
    (
        "tv_kms_key_deletion.yml",
        include_str!("../../../../assets/rules/tv_kms_key_deletion.yml"),
    ),
    (
        "tv_root_activity.yml",
        include_str!("../../../../assets/rules/tv_root_activity.yml"),
    ),
    (
        "tv_s3_bucket_policy_or_public_access_changed.yml",
        include_str!("../../../../assets/rules/tv_s3_bucket_policy_or_public_access_changed.yml"),
    ),
    (
        "tv_secrets_mass_retrieval.yml",
        include_str!("../../../../assets/rules/tv_secrets_mass_retrieval.yml"),
    ),
    (
        "tv_security_services_disabled.yml",
        include_str!("../../../../assets/rules/tv_security_services_disabled.yml"),
    ),
    (
        "tv_snapshot_or_ami_shared.yml",
        include_str!("../../../../assets/rules/tv_snapshot_or_ami_shared.yml"),
    ),
];

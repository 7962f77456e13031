//! The wording of every error, for both surfaces, in one snapshot
//! (`tests/snapshots/error-wording.txt`, committed; the test fails when it changes, so a
//! changed sentence is reviewed like code). Also: the desktop never shows command-line advice
//! and the command line never shows the desktop's.

use gatehouse_commands::CommandFailure;
use gatehouse_core::profiles::ProfileError;
use gatehouse_core::store::StoreError;
use gatehouse_core::Error;
use gatehouse_errors::{Explain, Surface};
use gatehouse_graph::{ErrorDetails, GraphError, RateLimitScope, TokenProblem, UnsafeOperation};

/// An answer from Meta (an HTTP status and a Graph code, as every answer has).
fn details() -> Box<ErrorDetails> {
    Box::new(ErrorDetails {
        http_status: Some(400),
        graph_code: Some(100),
        ..ErrorDetails::local("what Meta said")
    })
}

fn graph_errors() -> Vec<GraphError> {
    vec![
        GraphError::TokenExpired { details: details() },
        GraphError::TokenInvalid { problem: TokenProblem::Invalid, details: details() },
        GraphError::TokenInvalid { problem: TokenProblem::Checkpointed, details: details() },
        GraphError::MissingPermission { permission: Some("ads_read".into()), details: details() },
        GraphError::MissingPermission { permission: Some("MANAGE".into()), details: details() },
        GraphError::MissingPermission { permission: None, details: details() },
        GraphError::AssetNotAssigned { details: details() },
        GraphError::SystemUserLimit {
            admin: false,
            tier: Some("Limited".into()),
            limit: Some(1),
            current: Some(1),
            details: details(),
        },
        GraphError::AppMissing { details: details() },
        GraphError::AppNotInstalled { details: details() },
        GraphError::TwoFactorRequired { details: details() },
        GraphError::BusinessNotVerified { details: details() },
        GraphError::AppSecretProofRejected { details: details() },
        GraphError::InvalidInput { field: Some("name".into()), details: details() },
        GraphError::ApiVersionDeprecated { details: details() },
        GraphError::AssetClaimRejected { details: details() },
        GraphError::RateLimited { scope: RateLimitScope::App, until: None, details: details() },
        GraphError::Blocked { details: details() },
        GraphError::ServiceUnavailable { details: details() },
        GraphError::Network { message: "connection refused".into() },
        GraphError::Timeout { message: "no answer in 30 s".into() },
        GraphError::OutcomeUnknown {
            operation: UnsafeOperation::CreateSystemUser {
                business_id: "1".into(),
                name: "CAPI".into(),
            },
            cause: "connection reset".into(),
        },
        GraphError::UnexpectedResponse { status: Some(200), message: "not JSON".into() },
        GraphError::InvalidConfig { message: "base URL".into() },
        GraphError::Unknown { details: details() },
    ]
}

fn engine_errors() -> Vec<Box<dyn Explain>> {
    let mut all: Vec<Box<dyn Explain>> = Vec::new();
    for e in graph_errors() {
        all.push(Box::new(Error::from(e)));
    }
    let cause = Box::new(GraphError::MissingPermission { permission: None, details: details() });
    let core = vec![
        Error::AmbiguousCreate { name: "CAPI".into(), count: 2 },
        Error::CreateNotConfirmed { name: "CAPI".into() },
        Error::LoginCancelled,
        Error::LoginRefused { description: "Permissions error.".into() },
        Error::LoginMissingPermission { missing: vec!["business_management".into()] },
        Error::LoginFailed("Meta's answer carried no token".into()),
        Error::SystemUserNotFound {
            id: "61".into(),
            cause: Box::new(GraphError::AssetNotAssigned { details: details() }),
        },
        Error::DemoUnavailable("port in use".into()),
        Error::TokenMayHaveBeenIssued {
            system_user_id: "61".into(),
            app_id: "55".into(),
            cause: "reset".into(),
        },
        Error::PermissionNotGrantable {
            permission: "ads_management".into(),
            app_id: "55".into(),
            cause: cause.clone(),
        },
        Error::AppNotClaimable { app_id: "55".into(), cause },
        Error::NeverExpiringToken,
        Error::NoKeptCopy,
        Error::FingerprintUnknown("no token Gatehouse knows of ends with “zzzz”".into()),
        Error::PastedTokenUnusable(Box::new(GraphError::TokenExpired { details: details() })),
        Error::ClipboardUnavailable("no display".into()),
    ];
    all.extend(core.into_iter().map(|e| Box::new(e) as Box<dyn Explain>));
    // Found wrong before anything was sent: the check's own words, never "Meta rejected".
    all.push(Box::new(Error::from(GraphError::invalid_input(
        "name",
        "the system user needs a name",
    ))));
    let profiles = vec![
        ProfileError::NoConfigDir,
        ProfileError::Corrupt { path: "/config/profiles.json".into(), message: "EOF".into() },
        ProfileError::InvalidId { id: "Acme!".into(), reason: "only a-z, 0-9 and -" },
        ProfileError::InvalidField { field: "business id", reason: "digits only".into() },
        ProfileError::NotFound("acme".into()),
        ProfileError::AlreadyExists("acme".into()),
        ProfileError::MissingSecret { profile: "acme".into(), what: "admin token" },
        ProfileError::GraphUrlUnconfirmed {
            profile: "acme".into(),
            url: "https://graph.example.net".into(),
        },
    ];
    all.extend(profiles.into_iter().map(|e| Box::new(e) as Box<dyn Explain>));
    let stores = vec![
        StoreError::NoDataDir,
        StoreError::TooNew { found: 9, known: 3 },
        StoreError::Corrupt("item 3".into()),
        StoreError::JobNotFound("01J".into()),
        StoreError::JobRunning("01J".into()),
    ];
    all.extend(stores.into_iter().map(|e| Box::new(e) as Box<dyn Explain>));
    let commands = vec![
        CommandFailure::TokenGone,
        CommandFailure::TokenAlreadyRevealed,
        CommandFailure::NoSignInUnderWay,
        CommandFailure::NoClientAdminToken { client_business_id: "200".into() },
        CommandFailure::NoDemoClientAdmin { client_business_id: "200".into() },
        CommandFailure::KeychainOwnerUnknown,
        CommandFailure::AppSecretMissing,
        CommandFailure::PortfolioNotFound { id: "demo:nope".into() },
        CommandFailure::JobOfAnotherPortfolio {
            job_id: "job-1".into(),
            portfolio_id: "demo:agency".into(),
        },
        CommandFailure::Internal { detail: "panicked".into() },
    ];
    all.extend(commands.into_iter().map(|e| Box::new(e) as Box<dyn Explain>));
    all
}

/// Advice only one surface can follow.
const CLI_ONLY: &[&str] = &["`gatehouse", "--show", "`--"];
const DESKTOP_ONLY: &[&str] = &["portfolio menu", "Reveal", "click"];

#[test]
fn every_error_is_worded_for_its_surface() {
    let mut snapshot = String::from(
        "# Generated by crates/gatehouse-commands/tests/error_wording.rs: every error's words.\n",
    );
    for error in engine_errors() {
        let message = error.explanation();
        assert!(!message.trim().is_empty(), "{}: no explanation", error.code());
        snapshot.push_str(&format!("\n{}\n  message: {message}\n", error.code()));
        for surface in [Surface::Desktop, Surface::Cli] {
            let fix = error.fix(surface).unwrap_or_default();
            let (wrong, label) = match surface {
                Surface::Desktop => (CLI_ONLY, "desktop"),
                Surface::Cli => (DESKTOP_ONLY, "cli"),
            };
            for advice in wrong {
                assert!(!fix.contains(advice), "{} on the {label}: {fix}", error.code());
            }
            snapshot.push_str(&format!("  fix ({label}): {fix}\n"));
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/error-wording.txt");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"))
        .expect("snapshot folder");
    std::fs::write(path, &snapshot).expect("snapshot written");
    assert!(committed == snapshot, "the error wording changed: review and commit {path}");
}

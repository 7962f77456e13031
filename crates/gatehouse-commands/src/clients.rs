//! Business On Behalf Of on the desktop (the client wizard over `gatehouse_core::obo`): the
//! clients the open (partner) portfolio linked, linking one with its admin's token, a system user
//! and token inside it (through the copy-once dialog), the client's assets given to it, and
//! removing the link. The client admin's token crosses from the window once, at linking; it is
//! then kept in memory for that client only while the wizard is open, never stored.

use gatehouse_core::access::AssetRow;
use gatehouse_core::obo::{ClientAssignment, ClientAssignmentOutcome, WHAT_THE_CLIENT_SEES};
use gatehouse_core::{parse_scopes, GeneratedToken};
use gatehouse_graph::{AssetKind, Secret};
use serde::Serialize;
use specta::Type;
use zeroize::Zeroizing;

use crate::error::CommandFailure;
use crate::state::lock;
use crate::tokens::{issue, IssuedToken};
use crate::{AppState, CommandError};

/// A client business, named when Gatehouse knows it (a saved or demo portfolio).
#[derive(Debug, Clone, Serialize, Type)]
pub struct ClientBusiness {
    pub id: String,
    pub name: Option<String>,
}

/// `ids` named by the portfolios Gatehouse knows (a client may be one of them).
pub(crate) fn named_clients(
    ids: &[String],
    known: &[crate::portfolios::PortfolioEntry],
) -> Vec<ClientBusiness> {
    ids.iter()
        .map(|id| ClientBusiness {
            id: id.clone(),
            name: known.iter().find(|p| &p.business_id == id).map(|p| p.label.clone()),
        })
        .collect()
}

/// What the wizard starts from.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ClientLinks {
    /// Linked through Gatehouse from this portfolio and not removed since.
    pub linked: Vec<ClientBusiness>,
    /// The business's clients as Meta lists them (they share assets with it), then other
    /// businesses Gatehouse knows (saved or demo portfolios), to pick from.
    pub suggestions: Vec<ClientBusiness>,
    pub what_the_client_sees: Vec<String>,
    /// How the client's admin gets the token the link needs.
    pub how_to_get_the_token: String,
}

/// The client's system user and its new token (in memory; the copy-once dialog shows it).
#[derive(Debug, Clone, Serialize, Type)]
pub struct ClientTokenIssued {
    pub client_business_id: String,
    pub system_user_id: String,
    pub name: String,
    pub token: IssuedToken,
}

/// How the client's admin gets the token (the partner's app, `business_management`).
const HOW_TO_GET_THE_TOKEN: &str = "The client's admin opens Graph API Explorer \
    (developers.facebook.com/tools/explorer), chooses your app under Meta App, adds the \
    business_management permission, presses Generate Access Token and sends you the token. \
    Gatehouse uses it to link the client and to give its assets to the new system user, and \
    forgets it when you close this wizard.";

pub async fn client_links(state: &AppState) -> Result<ClientLinks, CommandError> {
    let portfolio = state.portfolio().await?;
    let linked_ids = portfolio.linked_clients()?;
    let known = crate::portfolios::list_portfolios(state).await?;
    // The client relationships Meta lists first (they are the likely clients), by Meta's name.
    let relations = portfolio.business_clients().await.unwrap_or_else(|e| {
        eprintln!("gatehouse: the business's clients could not be read: {e}");
        Vec::new()
    });
    let mut linked = named_clients(&linked_ids, &known.portfolios);
    for c in &mut linked {
        if let Some(named) = relations.iter().find(|r| r.id == c.id).and_then(|r| r.name.clone()) {
            c.name = Some(named);
        }
    }
    let mut suggestions: Vec<ClientBusiness> = relations
        .iter()
        .filter(|r| !linked_ids.contains(&r.id))
        .map(|r| ClientBusiness { id: r.id.clone(), name: r.name.clone() })
        .collect();
    for p in &known.portfolios {
        let taken = p.business_id == portfolio.business_id()
            || linked_ids.contains(&p.business_id)
            || suggestions.iter().any(|s| s.id == p.business_id);
        if !taken {
            suggestions
                .push(ClientBusiness { id: p.business_id.clone(), name: Some(p.label.clone()) });
        }
    }
    Ok(ClientLinks {
        linked,
        suggestions,
        what_the_client_sees: WHAT_THE_CLIENT_SEES.iter().map(|s| (*s).to_owned()).collect(),
        how_to_get_the_token: HOW_TO_GET_THE_TOKEN.to_owned(),
    })
}

/// Links the client with its admin's token, then keeps that token in memory for this client's
/// next steps.
pub async fn link_client(
    state: &AppState,
    client_business_id: String,
    client_admin_token: String,
) -> Result<(), CommandError> {
    let token = {
        let typed = Zeroizing::new(client_admin_token);
        Secret::new(typed.trim().to_owned())
    };
    link_with(state, client_business_id.trim().to_owned(), token).await
}

async fn link_with(state: &AppState, client: String, token: Secret) -> Result<(), CommandError> {
    state.portfolio().await?.link_client(&client, &token).await.map_err(on_token_field)?;
    *lock(&state.client_admin) = Some((client, token));
    Ok(())
}

/// Demo only: links a demo client with its admin's token as the demo world holds it (in demo
/// mode nobody has one to paste). The token stays on this side, as a pasted one would; Meta's
/// answer is the demo's (a client admin whose token is for another app is refused).
pub async fn link_demo_client(
    state: &AppState,
    client_business_id: String,
) -> Result<(), CommandError> {
    let client = client_business_id.trim().to_owned();
    let no_admin = || CommandFailure::NoDemoClientAdmin { client_business_id: client.clone() };
    if !state.active_id().starts_with(crate::state::DEMO_PREFIX) {
        return Err(no_admin().into());
    }
    let token = state
        .demo()
        .await?
        .emulator()
        .manifest()
        .businesses
        .iter()
        .find(|b| b.id == client)
        .and_then(|b| b.user_token.clone())
        .ok_or_else(no_admin)?;
    link_with(state, client, Secret::new(token)).await
}

/// Meta refusing the pasted client admin token is about that field.
fn on_token_field(e: gatehouse_core::Error) -> CommandError {
    use gatehouse_errors::{ErrorCode, Explain};
    let about_token = matches!(
        e.code(),
        ErrorCode::TokenInvalid | ErrorCode::TokenExpired | ErrorCode::MissingPermission
    ) || e.field() == Some("client_admin_token");
    let mut error = CommandError::from(e);
    if about_token {
        error.field = Some("client_admin_token".to_owned());
    }
    error
}

/// A system user inside the client business and its token for the portfolio's app, kept in
/// memory for the copy-once dialog.
pub async fn client_token(
    state: &AppState,
    client_business_id: String,
    scopes: Vec<String>,
    system_user_name: Option<String>,
) -> Result<ClientTokenIssued, CommandError> {
    let scopes = parse_scopes(&scopes)?;
    let portfolio = state.portfolio().await?;
    let su =
        portfolio.client_token(&client_business_id, &scopes, system_user_name.as_deref()).await?;
    let generated = GeneratedToken {
        token: su.token,
        post_check: su.post_check,
        post_check_error: su.post_check_error,
    };
    let token = issue(state, generated);
    Ok(ClientTokenIssued {
        client_business_id: su.client_business_id,
        system_user_id: su.system_user_id,
        name: su.name,
        token,
    })
}

fn held_token(state: &AppState, client: &str) -> Result<Secret, CommandError> {
    match &*lock(&state.client_admin) {
        Some((id, token)) if id == client.trim() => Ok(token.clone()),
        _ => {
            Err(CommandFailure::NoClientAdminToken { client_business_id: client.trim().to_owned() }
                .into())
        }
    }
}

/// The client's own assets of `kind` (read with the client admin's token held for it).
pub async fn client_assets(
    state: &AppState,
    client_business_id: String,
    kind: AssetKind,
) -> Result<Vec<AssetRow>, CommandError> {
    let token = held_token(state, &client_business_id)?;
    Ok(state.portfolio().await?.client_assets(&client_business_id, &token, kind).await?)
}

/// Gives the client's system user `assignments` (with the client admin's token held for it);
/// each asset's outcome.
pub async fn assign_client_assets(
    state: &AppState,
    client_business_id: String,
    system_user_id: String,
    assignments: Vec<ClientAssignment>,
) -> Result<Vec<ClientAssignmentOutcome>, CommandError> {
    let token = held_token(state, &client_business_id)?;
    Ok(state
        .portfolio()
        .await?
        .assign_client_assets(&client_business_id, &token, &system_user_id, &assignments)
        .await?)
}

/// The wizard closed: the client admin's token is dropped.
pub fn forget_client_admin_token(state: &AppState) {
    lock(&state.client_admin).take();
}

/// Ends the link with the client (its system user and tokens go with it).
pub async fn unlink_client(
    state: &AppState,
    client_business_id: String,
) -> Result<(), CommandError> {
    state.portfolio().await?.unlink_client(&client_business_id).await?;
    let mut held = lock(&state.client_admin);
    if held.as_ref().is_some_and(|(id, _)| *id == client_business_id.trim()) {
        held.take();
    }
    Ok(())
}

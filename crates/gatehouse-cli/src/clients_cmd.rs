//! `gatehouse clients …`: Business On Behalf Of from the command line (the engine's
//! `gatehouse_core::obo`): link a client business, get a system user and token inside it, give
//! it the client's assets, list and remove the links. The client admin's token is read from
//! stdin (or asked for without echo), used for that command only and never stored.

use clap::{Args, Subcommand};
use gatehouse_core::obo::{ClientAssignment, WHAT_THE_CLIENT_SEES};
use gatehouse_core::GeneratedToken;
use gatehouse_graph::AssetKind;
use serde_json::json;

use crate::commands::{connect, read_one_secret, Global};
use crate::error::{exit, CliError};
use crate::tokens::{deliver, delivery_for, scopes_arg, DeliveryArgs};

#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// Client businesses this portfolio linked through Gatehouse (and has not removed).
    List,
    /// Link a client business (its admin's token, for your app, is read from stdin or asked
    /// for). Says first what the client will see.
    Link(ClientArg),
    /// A system user inside the client business and its token, for your app.
    Token(ClientTokenArgs),
    /// Give the client's system user some of the client's assets (the client admin's token is
    /// read from stdin or asked for).
    Assign(ClientAssignArgs),
    /// End the link: the client's system user and its tokens go with it.
    Remove(ClientArg),
}

#[derive(Debug, Args)]
pub struct ClientArg {
    /// The client business's ID.
    #[arg(long = "client", value_name = "ID")]
    pub client: String,
}

#[derive(Debug, Args)]
pub struct ClientTokenArgs {
    #[arg(long = "client", value_name = "ID")]
    pub client: String,
    /// Comma-separated permissions; the ones they depend on are added.
    #[arg(long, value_delimiter = ',', required = true, value_name = "S1,S2")]
    pub scopes: Vec<String>,
    /// The system user's name in the client business (Meta's default: "<client> SYSTEM USER").
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

#[derive(Debug, Args)]
pub struct ClientAssignArgs {
    #[arg(long = "client", value_name = "ID")]
    pub client: String,
    /// The client's system user (from `clients token`).
    #[arg(long, value_name = "ID")]
    pub system_user: String,
    /// The assets' kind: page, ad-account, catalog, pixel, instagram, whatsapp.
    #[arg(long, value_parser = parse_kind)]
    pub kind: AssetKind,
    /// Comma-separated tasks, e.g. MANAGE,ADVERTISE,ANALYZE.
    #[arg(long, value_delimiter = ',', required = true)]
    pub tasks: Vec<String>,
    /// The client's asset IDs.
    #[arg(required = true, value_name = "ASSET_ID")]
    pub assets: Vec<String>,
}

fn parse_kind(s: &str) -> Result<AssetKind, String> {
    AssetKind::parse(s).ok_or_else(|| format!("not an asset kind: {s}"))
}

fn client_admin_token() -> Result<gatehouse_graph::Secret, CliError> {
    read_one_secret("Client admin's token (for your app; not stored): ", "client admin's token")
}

pub async fn run_clients(g: &Global, cmd: ClientsCommand) -> Result<u8, CliError> {
    match cmd {
        ClientsCommand::List => {
            let conn = connect(g).await?;
            let clients = conn.portfolio().linked_clients()?;
            // The relationships Meta lists (businesses sharing assets with this one), for names
            // and for the ones not linked On Behalf Of yet.
            let relations = conn.portfolio().business_clients().await?;
            let name =
                |id: &str| relations.iter().find(|r| r.id == id).and_then(|r| r.name.clone());
            if g.json {
                let linked: Vec<_> =
                    clients.iter().map(|c| json!({ "id": c, "name": name(c) })).collect();
                let others: Vec<_> = relations
                    .iter()
                    .filter(|r| !clients.contains(&r.id))
                    .map(|r| json!({ "id": r.id, "name": r.name }))
                    .collect();
                println!(
                    "{}",
                    json!({ "clients": clients, "linked": linked, "not_linked": others })
                );
                return Ok(exit::OK);
            }
            if clients.is_empty() {
                eprintln!("No client business linked through Gatehouse yet.");
            }
            for c in &clients {
                println!("{c}  {}  linked", name(c).unwrap_or_default());
            }
            for r in relations.iter().filter(|r| !clients.contains(&r.id)) {
                println!(
                    "{}  {}  shares assets, not linked",
                    r.id,
                    r.name.as_deref().unwrap_or("")
                );
            }
            Ok(exit::OK)
        }
        ClientsCommand::Link(ClientArg { client }) => {
            eprintln!("Once linked:");
            for line in WHAT_THE_CLIENT_SEES {
                eprintln!("  - {line}");
            }
            // The profile's secrets come first on stdin (--secrets-stdin), then this token.
            let conn = connect(g).await?;
            let token = client_admin_token()?;
            conn.portfolio().link_client(&client, &token).await?;
            drop(token);
            if g.json {
                println!("{}", json!({ "linked": client }));
            } else {
                eprintln!("Client business {client} is linked. Next: `gatehouse clients token --client {client} --scopes …`.");
            }
            Ok(exit::OK)
        }
        ClientsCommand::Token(args) => {
            let scopes = scopes_arg(&args.scopes)?;
            let (delivery, clipboard) = delivery_for(&args.delivery).await?;
            let conn = connect(g).await?;
            let portfolio = conn.portfolio();
            let su = portfolio.client_token(&args.client, &scopes, args.name.as_deref()).await?;
            eprintln!(
                "System user “{}” ({}) in client business {}.",
                su.name, su.system_user_id, su.client_business_id
            );
            let generated = GeneratedToken {
                token: su.token,
                post_check: su.post_check,
                post_check_error: su.post_check_error,
            };
            deliver(g, generated, None, delivery, clipboard, args.delivery.clear_after).await
        }
        ClientsCommand::Assign(args) => {
            let conn = connect(g).await?;
            let token = client_admin_token()?;
            let assignments: Vec<ClientAssignment> = args
                .assets
                .iter()
                .map(|id| ClientAssignment {
                    kind: args.kind,
                    asset_id: id.trim().to_owned(),
                    asset_name: String::new(),
                    tasks: args.tasks.iter().map(|t| t.trim().to_ascii_uppercase()).collect(),
                })
                .collect();
            let outcomes = conn
                .portfolio()
                .assign_client_assets(&args.client, &token, &args.system_user, &assignments)
                .await?;
            drop(token);
            let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
            if g.json {
                println!("{}", serde_json::to_string_pretty(&outcomes).unwrap_or_default());
            } else {
                for o in &outcomes {
                    match &o.error {
                        None => println!("ok    {}", o.asset_id),
                        Some(e) => {
                            println!("FAIL  {}  {} ({})", o.asset_id, e.message, e.code.as_str())
                        }
                    }
                }
            }
            Ok(match failed {
                0 => exit::OK,
                n if n == outcomes.len() => exit::API,
                _ => exit::PARTIAL,
            })
        }
        ClientsCommand::Remove(ClientArg { client }) => {
            let conn = connect(g).await?;
            conn.portfolio().unlink_client(&client).await?;
            if g.json {
                println!("{}", json!({ "removed": client }));
            } else {
                eprintln!("The link with client business {client} is removed, with its system user and tokens.");
            }
            Ok(exit::OK)
        }
    }
}

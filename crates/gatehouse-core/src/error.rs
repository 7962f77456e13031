use gatehouse_graph::GraphError;

/// Why a workflow failed. Graph failures keep the client's typed error, with its plain-language
/// explanation and fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// The demo portfolio could not be started (the emulator failed to bind or build).
    #[error("the demo portfolio could not start: {0}")]
    DemoUnavailable(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A stable snake_case code for the UI and `--json`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Graph(e) => e.code(),
            Self::DemoUnavailable(_) => "demo_unavailable",
        }
    }

    /// What happened, in plain words.
    pub fn explanation(&self) -> String {
        match self {
            Self::Graph(e) => e.explanation(),
            Self::DemoUnavailable(_) => {
                "The demo portfolio could not start on this computer.".to_owned()
            }
        }
    }

    /// What to do about it.
    pub fn fix(&self) -> String {
        match self {
            Self::Graph(e) => e.fix(),
            Self::DemoUnavailable(_) => {
                "Restart Gatehouse. If it keeps happening, another program may be blocking local \
                 network ports (127.0.0.1)."
                    .to_owned()
            }
        }
    }

    /// Technical detail for a "Details" disclosure: Graph code, subcode and trace id. Never a
    /// secret.
    pub fn detail(&self) -> String {
        match self {
            Self::Graph(e) => {
                let report = e.report();
                match report.details {
                    Some(d) => format!(
                        "{} (Graph code {}, subcode {}, trace {})",
                        report.message,
                        d.graph_code.map_or("-".into(), |c| c.to_string()),
                        d.graph_subcode.map_or("-".into(), |c| c.to_string()),
                        d.fbtrace_id.as_deref().unwrap_or("-"),
                    ),
                    None => report.message,
                }
            }
            Self::DemoUnavailable(detail) => detail.clone(),
        }
    }
}

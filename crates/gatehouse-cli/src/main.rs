//! `gatehouse`: see the crate README.

fn main() -> std::process::ExitCode {
    gatehouse_cli::main_entry()
}

//! The command mdBook runs: `mdbook-concord supports <renderer>` answers by its exit status;
//! without arguments it reads `[context, book]` as JSON on stdin and writes the book back.

use std::io;
use std::process::ExitCode;

use mdbook_concord::Concord;
use mdbook_preprocessor::Preprocessor;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [supports, renderer] if supports == "supports" => {
            if Concord.supports_renderer(renderer).unwrap_or(false) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        [] => match run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mdbook-concord: {e:#}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!(
                "usage: mdbook-concord [supports <renderer>]\n\nmdBook runs this preprocessor; \
                 add `[preprocessor.concord]` to book.toml (see the crate's documentation)"
            );
            ExitCode::from(2)
        }
    }
}

fn run() -> mdbook_preprocessor::errors::Result<()> {
    let (ctx, book) = mdbook_preprocessor::parse_input(io::stdin())?;
    if ctx.mdbook_version != mdbook_preprocessor::MDBOOK_VERSION {
        eprintln!(
            "mdbook-concord: note: built against mdBook {}, run by mdBook {}",
            mdbook_preprocessor::MDBOOK_VERSION,
            ctx.mdbook_version
        );
    }
    let book = Concord.run(&ctx, book)?;
    serde_json::to_writer(io::stdout(), &book)?;
    Ok(())
}

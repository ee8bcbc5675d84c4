//! The learner's file is checked before it is built: a few things a solution never needs would
//! let it fake a grade instead of earning it.
//!
//! The threat model: the grader defends against a learner taking shortcuts *in their own file* —
//! ending the test process early with a clean exit, replacing the panic hook so a failed assertion
//! goes unseen, printing a fake `test … ok` line, reading the grader's environment, starting
//! processes, or reaching past Rust's safety rules. It does not defend against a learner who edits
//! the grader, the suites or `exercises.toml`.
//!
//! The check is lexical: the file is split into Rust tokens (comments and string contents are not
//! tokens, so prose may mention anything), and every identifier is looked up, inside macro calls
//! and `macro_rules!` bodies too. An identifier cannot be assembled from pieces in stable Rust
//! without a procedural macro, which a module cannot define, and a `use … as` rename still names
//! the original once — so a banned call cannot be hidden from the scan. An exercise whose lesson
//! needs one of the rules (chapter 6 starts processes) lists it in its `allow` key.

use std::fmt;

use proc_macro2::{TokenStream, TokenTree};

/// One rule: what it forbids and why, with the identifiers that break it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The rule's name, as an exercise's `allow` key lists it.
    pub name: &'static str,
    /// What the file may not do, completing "your file may not …".
    pub forbids: &'static str,
    /// The identifiers that break it.
    idents: &'static [&'static str],
}

/// Every rule, each named so that an exercise can allow it.
pub const RULES: &[Rule] = &[
    Rule {
        name: "exit",
        forbids: "end the process (the suite must finish and report each test itself)",
        idents: &["exit", "abort", "process"],
    },
    Rule {
        name: "panic-hook",
        forbids: "replace the panic hook or catch the suite's panics",
        idents: &["set_hook", "take_hook", "update_hook", "catch_unwind"],
    },
    Rule {
        name: "output",
        forbids: "print or write to stdout or stderr (the grader reads the test harness's report)",
        idents: &[
            "print", "println", "eprint", "eprintln", "dbg", "stdout", "stderr", "stdin",
        ],
    },
    Rule {
        name: "environment",
        forbids: "read the environment or the command line",
        idents: &["env", "option_env", "args", "args_os", "vars"],
    },
    Rule {
        name: "processes",
        forbids: "start or signal processes",
        idents: &["Command", "fork", "execv", "execvp", "kill", "nix", "libc"],
    },
    Rule {
        name: "files",
        forbids: "open files or include other sources",
        idents: &[
            "fs",
            "File",
            "OpenOptions",
            "include",
            "include_str",
            "include_bytes",
        ],
    },
    Rule {
        name: "unsafe",
        forbids: "use `unsafe`, `extern`, inline assembly or linker attributes",
        idents: &[
            "unsafe",
            "extern",
            "asm",
            "global_asm",
            "naked_asm",
            "link_section",
            "no_mangle",
            "export_name",
            "used",
        ],
    },
];

/// One place where the file breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule broken.
    pub rule: &'static Rule,
    /// The identifier found.
    pub ident: String,
    /// Its line (1-based).
    pub line: usize,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: `{}` — your file may not {} (rule `{}`)",
            self.line, self.ident, self.rule.forbids, self.rule.name
        )
    }
}

/// Why a file could not be scanned: it is not valid Rust tokens (unbalanced brackets, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// Every finding in `source`, in file order, skipping the rules named in `allowed`.
pub fn scan(source: &str, allowed: &[String]) -> Result<Vec<Finding>, Unreadable> {
    let tokens: TokenStream = source
        .parse()
        .map_err(|e: proc_macro2::LexError| Unreadable(format!("{e:?}")))?;
    let mut findings = Vec::new();
    walk(tokens, allowed, &mut findings);
    findings.sort_by_key(|f| f.line);
    Ok(findings)
}

fn walk(tokens: TokenStream, allowed: &[String], findings: &mut Vec<Finding>) {
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                let bare = text.strip_prefix("r#").unwrap_or(&text);
                let broken = RULES.iter().find(|rule| {
                    rule.idents.contains(&bare) && !allowed.iter().any(|a| a == rule.name)
                });
                if let Some(rule) = broken {
                    findings.push(Finding {
                        rule,
                        ident: bare.to_string(),
                        line: ident.span().start().line,
                    });
                }
            }
            // Attributes, macro arguments and bodies alike: a banned name is banned anywhere.
            TokenTree::Group(group) => {
                if let Some(line) = path_attribute(&group) {
                    let files = RULES.iter().find(|r| r.name == "files");
                    if let Some(rule) = files.filter(|r| !allowed.iter().any(|a| a == r.name)) {
                        findings.push(Finding {
                            rule,
                            ident: "path".to_string(),
                            line,
                        });
                    }
                }
                walk(group.stream(), allowed, findings)
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// The line of a `#[path = "…"]` attribute (a module read from another file), if `group` is
/// one's brackets. Only as an attribute: `path` is an ordinary name anywhere else.
fn path_attribute(group: &proc_macro2::Group) -> Option<usize> {
    if group.delimiter() != proc_macro2::Delimiter::Bracket {
        return None;
    }
    let mut inside = group.stream().into_iter();
    match (inside.next(), inside.next()) {
        (Some(TokenTree::Ident(name)), Some(TokenTree::Punct(eq)))
            if name == "path" && eq.as_char() == '=' =>
        {
            Some(name.span().start().line)
        }
        _ => None,
    }
}

/// The valid rule names, for `exercises.toml` errors.
pub fn rule_names() -> String {
    RULES.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_broken(source: &str) -> Vec<(&'static str, usize)> {
        scan(source, &[])
            .expect("tokens")
            .iter()
            .map(|f| (f.rule.name, f.line))
            .collect()
    }

    #[test]
    fn each_shortcut_is_found_with_its_line() {
        let source = "\
pub fn take() -> u64 {
    std::process::exit(0)
}
fn hook() { std::panic::set_hook(Box::new(|_| {})); }
fn fake() { println!(\"test result: ok. 3 passed\"); }
fn peek() -> bool { std::env::var(\"X\").is_ok() }
fn child() { std::process::Command::new(\"true\"); }
#[unsafe(no_mangle)] extern \"C\" fn f() {}
fn file() { let _ = std::fs::File::create(\"/dev/stdout\"); }
";
        assert_eq!(
            rules_broken(source),
            [
                ("exit", 2),
                ("exit", 2),
                ("panic-hook", 4),
                ("output", 5),
                ("environment", 6),
                ("exit", 7),
                ("processes", 7),
                ("unsafe", 8),
                ("unsafe", 8),
                ("unsafe", 8),
                ("files", 9),
                ("files", 9),
            ]
        );
    }

    #[test]
    fn renames_macros_and_raw_identifiers_do_not_hide_a_call() {
        let renamed = "use std::process::exit as finish;\nfn f() { finish(0) }\n";
        assert_eq!(rules_broken(renamed), [("exit", 1), ("exit", 1)]);
        let in_macro = "macro_rules! quit { () => { ::std::process::r#exit(0) } }\n";
        assert_eq!(rules_broken(in_macro), [("exit", 1), ("exit", 1)]);
        let attribute = "#[used]\nstatic X: u8 = 0;\n";
        assert_eq!(rules_broken(attribute), [("unsafe", 1)]);
    }

    #[test]
    fn comments_strings_and_longer_names_are_fine() {
        let source = "\
//! Never call std::process::exit or println! here.
/// The exit of the queue.
fn exit_code() -> &'static str { \"process::exit(0)\" }
fn printer(env_name: u8, files: u8) -> u8 { env_name + files }
";
        assert_eq!(rules_broken(source), []);
    }

    #[test]
    fn an_allowed_rule_is_skipped_and_the_rest_still_apply() {
        let source = "fn f() { nix::unistd::fork(); std::process::exit(1) }\n";
        let allowed = ["processes".to_string()];
        let findings = scan(source, &allowed).expect("tokens");
        assert_eq!(findings.len(), 2);
        assert!(findings.iter().all(|f| f.rule.name == "exit"));
        assert_eq!(
            findings[0].to_string(),
            "1: `process` — your file may not end the process (the suite must finish and \
             report each test itself) (rule `exit`)"
        );
    }

    #[test]
    fn unbalanced_source_is_reported_not_panicked_on() {
        assert!(scan("fn f( {", &[]).is_err());
    }

    #[test]
    fn a_module_read_from_another_file_is_refused_but_a_path_is_a_name() {
        let source = "#[path = \"../src/solutions/e1.rs\"]\nmod reference;\n\
                      fn f(path: &std::path::Path) -> usize { let v = [path]; v.len() }\n";
        assert_eq!(rules_broken(source), [("files", 1)]);
    }
}

//! A chapter's registry read from its source, without compiling the chapter.
//!
//! `cargo xtask list` needs only names and one-line summaries, and every one of them is a string
//! literal the chapter already declares: the `CHAPTER` static in `src/lib.rs` gives the number,
//! the title and each example's name, summary and `variants: module::Enum::ALL`, and that enum's
//! `common::variants! { … Case = "name": "summary", … }` block gives the variants. Reading those
//! as Rust tokens takes milliseconds, where building 21 chapters takes minutes.
//!
//! The reading is strict rather than clever: a field that is not a literal, or a path that names
//! no `variants!` enum (or more than one), is an error naming the file and line, never a guess.
//! A test compares what is read here with every chapter's compiled `CHAPTER`, so the two cannot
//! drift apart unnoticed.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use proc_macro2::{Delimiter, Group, Literal, TokenStream, TokenTree};

use super::{ChapterListing, ExampleListing, VariantListing};

/// The registry of the chapter whose crate is at `dir` (the directory holding `src/lib.rs`).
pub fn read(dir: &Path) -> Result<ChapterListing> {
    parse(dir).map(|(listing, _)| listing)
}

/// Each example's name and the file of the module its registry entry names (`variants:
/// two_locks::LockOrder::ALL` → `src/two_locks.rs`, relative to `dir`): its concept file, the
/// one a README links as its source. `None` where no such file is found.
pub fn example_sources(dir: &Path) -> Result<Vec<(String, Option<String>)>> {
    let (listing, modules) = parse(dir)?;
    let src = dir.join("src");
    Ok(listing
        .examples
        .into_iter()
        .zip(modules)
        .map(|(example, module)| (example.name, module.and_then(|m| module_file(&src, &m))))
        .collect())
}

/// The file holding module `module` of the crate at `src`, relative to the chapter directory.
fn module_file(src: &Path, module: &[String]) -> Option<String> {
    if module.is_empty() {
        return Some("src/lib.rs".to_string());
    }
    let path = module.join("/");
    [format!("{path}.rs"), format!("{path}/mod.rs")]
        .into_iter()
        .find(|candidate| src.join(candidate).is_file())
        .map(|found| format!("src/{found}"))
}

/// The listing, and for each example the module its entry names (its variants', else its
/// `run` function's).
fn parse(dir: &Path) -> Result<(ChapterListing, Vec<Option<Vec<String>>>)> {
    let src = dir.join("src");
    let enums = variant_enums(&src)?;
    let lib = src.join("lib.rs");
    let tokens = tokens_of(&lib)?;
    let fields = chapter_fields(tokens, &lib)?;
    let mut number = None;
    let mut title = None;
    let mut examples = Vec::new();
    let mut modules = Vec::new();
    for field in &fields {
        match field.name.as_str() {
            "number" => number = Some(integer(field, &lib)?),
            "title" => title = Some(string(field, &lib)?),
            "examples" => {
                for example in struct_literals(field, &lib)? {
                    let (listing, module) = example_listing(&example, &enums, &lib, field.line)?;
                    examples.push(listing);
                    modules.push(module);
                }
            }
            _ => {}
        }
    }
    let absent = |what: &str| format!("{}: `CHAPTER` has no `{what}`", lib.display());
    let listing = ChapterListing {
        number: number.with_context(|| absent("number"))?,
        title: title.with_context(|| absent("title"))?,
        examples,
    };
    Ok((listing, modules))
}

/// An error at `line` of `file`, as `path:line: message`.
fn at(file: &Path, line: usize, message: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{}:{line}: {message}", file.display())
}

/// One `name: value` of a struct literal.
struct Field {
    name: String,
    value: Vec<TokenTree>,
    line: usize,
}

/// A `common::variants!` enum and the module it is declared in.
struct VariantEnum {
    /// The module path inside the crate (`["executor", "timers"]`).
    module: Vec<String>,
    name: String,
    variants: Vec<VariantListing>,
}

fn read_text(file: &Path) -> Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

fn tokens_of(file: &Path) -> Result<TokenStream> {
    tokens_in(&read_text(file)?, file)
}

fn tokens_in(text: &str, file: &Path) -> Result<TokenStream> {
    text.parse()
        .map_err(|e: proc_macro2::LexError| anyhow::anyhow!("{}: {e:?}", file.display()))
}

/// The fields of the struct literal after `static CHAPTER: … = …`.
fn chapter_fields(tokens: TokenStream, lib: &Path) -> Result<Vec<Field>> {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let body = tokens
        .windows(2)
        .position(|pair| {
            matches!(&pair[0], TokenTree::Ident(i) if i == "static")
                && matches!(&pair[1], TokenTree::Ident(i) if i == "CHAPTER")
        })
        .and_then(|start| {
            tokens[start..].iter().find_map(|token| match token {
                TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => Some(g),
                _ => None,
            })
        })
        .ok_or_else(|| at(lib, 1, "no `static CHAPTER: Chapter = Chapter { … }`"))?;
    fields(body, lib)
}

/// `name: value, …` inside a struct literal's braces.
fn fields(body: &Group, file: &Path) -> Result<Vec<Field>> {
    let mut out = Vec::new();
    for item in split_commas(body.stream()) {
        let line = item.first().map_or(0, |t| t.span().start().line);
        match item.as_slice() {
            [TokenTree::Ident(name), TokenTree::Punct(colon), value @ ..]
                if colon.as_char() == ':' && !value.is_empty() =>
            {
                out.push(Field {
                    name: name.to_string(),
                    value: value.to_vec(),
                    line,
                });
            }
            _ => return Err(at(file, line, "not a `name: value` field")),
        }
    }
    Ok(out)
}

/// The tokens between top-level commas, empty items (a trailing comma) dropped.
fn split_commas(stream: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut items = vec![Vec::new()];
    for token in stream {
        match &token {
            TokenTree::Punct(p) if p.as_char() == ',' => items.push(Vec::new()),
            _ => items.last_mut().map_or((), |item| item.push(token)),
        }
    }
    items.retain(|item| !item.is_empty());
    items
}

fn string(field: &Field, file: &Path) -> Result<String> {
    match field.value.as_slice() {
        [TokenTree::Literal(literal)] => string_value(literal),
        _ => None,
    }
    .ok_or_else(|| {
        let name = &field.name;
        at(
            file,
            field.line,
            format!("`{name}` is not a string literal"),
        )
    })
}

fn integer(field: &Field, file: &Path) -> Result<u32> {
    let text = match field.value.as_slice() {
        [TokenTree::Literal(literal)] => literal.to_string(),
        _ => String::new(),
    };
    let end = text
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(text.len());
    let (digits, suffix) = text.split_at(end);
    let suffix_ok = matches!(suffix, "" | "u8" | "u16" | "u32" | "u64" | "usize");
    digits
        .replace('_', "")
        .parse()
        .ok()
        .filter(|_| suffix_ok)
        .ok_or_else(|| {
            let name = &field.name;
            at(
                file,
                field.line,
                format!("`{name}` is not an integer literal"),
            )
        })
}

/// The struct literals of `&[ Example { … }, … ]`.
fn struct_literals(field: &Field, file: &Path) -> Result<Vec<Vec<Field>>> {
    let name = &field.name;
    let list = match field.value.as_slice() {
        [TokenTree::Punct(amp), TokenTree::Group(list)]
            if amp.as_char() == '&' && list.delimiter() == Delimiter::Bracket =>
        {
            list
        }
        _ => {
            return Err(at(
                file,
                field.line,
                format!("`{name}` is not a `&[ … ]` list"),
            ));
        }
    };
    split_commas(list.stream())
        .iter()
        .map(|item| match item.last() {
            Some(TokenTree::Group(body)) if body.delimiter() == Delimiter::Brace => {
                fields(body, file)
            }
            _ => Err(at(
                file,
                item.first().map_or(field.line, |t| t.span().start().line),
                format!("`{name}` holds something that is not a struct literal"),
            )),
        })
        .collect()
}

/// One `Example { … }`, and the module its entry names; `line` is where the list holding it
/// starts (for an empty literal).
fn example_listing(
    fields: &[Field],
    enums: &[VariantEnum],
    lib: &Path,
    line: usize,
) -> Result<(ExampleListing, Option<Vec<String>>)> {
    let mut name = None;
    let mut summary = None;
    let mut variants = None;
    let mut module = None;
    let mut run_module = None;
    for field in fields {
        match field.name.as_str() {
            "name" => name = Some(string(field, lib)?),
            "summary" => summary = Some(string(field, lib)?),
            "variants" => {
                let resolved = variants_of(field, enums).map_err(|e| at(lib, field.line, e))?;
                variants = Some(resolved);
                module = path_segments(&field.value).map(|path| module_of(&path, 2));
            }
            "run" => run_module = path_segments(&field.value).map(|path| module_of(&path, 1)),
            _ => {}
        }
    }
    let line = fields.first().map_or(line, |f| f.line);
    let name = name.ok_or_else(|| at(lib, line, "an example has no `name`"))?;
    let absent = |part: &str| at(lib, line, format!("example {name} has no `{part}`"));
    let listing = ExampleListing {
        summary: summary.ok_or_else(|| absent("summary"))?,
        variants: variants.ok_or_else(|| absent("variants"))?,
        name,
    };
    Ok((listing, module.or(run_module)))
}

/// The module part of `path` without its last `items` segments, `crate::`/`self::` dropped.
fn module_of(path: &[String], items: usize) -> Vec<String> {
    let module = &path[..path.len().saturating_sub(items)];
    match module.first().map(String::as_str) {
        Some("crate" | "self") => module[1..].to_vec(),
        _ => module.to_vec(),
    }
}

/// `variants: module::Enum::ALL` resolved to that enum's `variants!` block (`&[]`: none).
fn variants_of(field: &Field, enums: &[VariantEnum]) -> Result<Vec<VariantListing>, String> {
    if let [TokenTree::Punct(amp), TokenTree::Group(empty)] = field.value.as_slice()
        && amp.as_char() == '&'
        && empty.delimiter() == Delimiter::Bracket
        && empty.stream().is_empty()
    {
        return Ok(Vec::new());
    }
    let path = path_segments(&field.value)
        .filter(|path| path.len() >= 2 && path.last().is_some_and(|s| s == "ALL"))
        .ok_or("`variants` is neither `module::Enum::ALL` nor `&[]`")?;
    let written = path.join("::");
    let module = &module_of(&path, 2)[..];
    let name = &path[path.len() - 2];
    // The enum may live in a child module that its parent re-exports (`executor::Clock` is
    // declared in `executor/timers.rs`): a declaration in the module itself wins, else exactly
    // one below it.
    let named: Vec<&VariantEnum> = enums
        .iter()
        .filter(|e| &e.name == name && e.module.starts_with(module))
        .collect();
    let exact: Vec<&VariantEnum> = named
        .iter()
        .copied()
        .filter(|e| e.module == module)
        .collect();
    match (exact.as_slice(), named.as_slice()) {
        ([one], _) | ([], [one]) => Ok(one.variants.clone()),
        ([], []) => Err(format!(
            "`{written}`: no `common::variants!` enum {name} in that module"
        )),
        _ => Err(format!(
            "`{written}`: more than one `common::variants!` enum {name} under that module ({})",
            named
                .iter()
                .map(|e| e.module.join("::"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `a::b::C` as `["a", "b", "C"]`; `None` if the tokens are anything else.
fn path_segments(tokens: &[TokenTree]) -> Option<Vec<String>> {
    let mut segments = Vec::new();
    let mut colons = 0;
    for token in tokens {
        match token {
            TokenTree::Ident(ident) if colons == 0 || colons == 2 => {
                if colons == 0 && !segments.is_empty() {
                    return None;
                }
                segments.push(ident.to_string());
                colons = 0;
            }
            TokenTree::Punct(p) if p.as_char() == ':' && colons < 2 && !segments.is_empty() => {
                colons += 1;
            }
            _ => return None,
        }
    }
    (colons == 0 && !segments.is_empty()).then_some(segments)
}

/// Every `common::variants!` enum in the crate's `src/`, with the module it is declared in.
fn variant_enums(src: &Path) -> Result<Vec<VariantEnum>> {
    let mut files = Vec::new();
    rust_files(src, &mut files)?;
    files.sort();
    let mut enums = Vec::new();
    for file in files {
        let Some(module) = module_path(src, &file) else {
            continue;
        };
        let text = read_text(&file)?;
        // Most files declare no variants, and a call names the macro: skip tokenizing them.
        if text.contains("variants") {
            collect_enums(tokens_in(&text, &file)?, &module, &file, &mut enums)?;
        }
    }
    Ok(enums)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("cannot read {}", dir.display()))?
            .path();
        if path.is_dir() {
            rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The module a file under `src/` is, by Rust's file layout: `lib.rs` the crate root,
/// `a/mod.rs` and `a.rs` the module `a`, `a/b.rs` the module `a::b`. `None` for `main.rs` and
/// `src/bin/`, which are other crates.
fn module_path(src: &Path, file: &Path) -> Option<Vec<String>> {
    let relative = file.strip_prefix(src).ok()?.with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [only] if only == "main" => return None,
        [first, ..] if first == "bin" => return None,
        [only] if only == "lib" => parts.clear(),
        [.., last] if last == "mod" => {
            parts.pop();
        }
        _ => {}
    }
    Some(parts)
}

/// The `variants!` enums in `tokens`, which are the items of module `module`; an inline
/// `mod name { … }` adds `name` to the path of what it holds.
fn collect_enums(
    tokens: TokenStream,
    module: &[String],
    file: &Path,
    out: &mut Vec<VariantEnum>,
) -> Result<()> {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        let TokenTree::Group(group) = token else {
            continue;
        };
        let before = |back: usize| i.checked_sub(back).map(|at| &tokens[at]);
        let is_macro_call = matches!(before(1), Some(TokenTree::Punct(p)) if p.as_char() == '!')
            && matches!(before(2), Some(TokenTree::Ident(name)) if name == "variants");
        let inline_module = match (before(2), before(1)) {
            (Some(TokenTree::Ident(kw)), Some(TokenTree::Ident(name)))
                if kw == "mod" && group.delimiter() == Delimiter::Brace =>
            {
                Some(name.to_string())
            }
            _ => None,
        };
        if is_macro_call && group.delimiter() == Delimiter::Brace {
            out.push(variant_enum(group, module, file)?);
        } else if let Some(name) = inline_module {
            let mut inner = module.to_vec();
            inner.push(name);
            collect_enums(group.stream(), &inner, file, out)?;
        } else {
            collect_enums(group.stream(), module, file, out)?;
        }
    }
    Ok(())
}

/// One `variants!` body: `#[…]* vis enum Name { #[…]* Case = "name": "summary", … }`.
fn variant_enum(group: &Group, module: &[String], file: &Path) -> Result<VariantEnum> {
    let line = group.span().start().line;
    let tokens: Vec<TokenTree> = group.stream().into_iter().collect();
    let enum_at = tokens
        .iter()
        .position(|t| matches!(t, TokenTree::Ident(i) if i == "enum"))
        .ok_or_else(|| at(file, line, "a `variants!` block without `enum`"))?;
    let (Some(TokenTree::Ident(name)), Some(TokenTree::Group(body))) =
        (tokens.get(enum_at + 1), tokens.get(enum_at + 2))
    else {
        return Err(at(file, line, "`variants!` wants `enum Name { … }`"));
    };
    let mut variants = Vec::new();
    for case in split_commas(body.stream()) {
        let case = without_attributes(&case);
        let line = case.first().map_or(line, |t| t.span().start().line);
        let variant = match case {
            [
                TokenTree::Ident(_),
                TokenTree::Punct(eq),
                TokenTree::Literal(name),
                TokenTree::Punct(colon),
                TokenTree::Literal(summary),
            ] if eq.as_char() == '=' && colon.as_char() == ':' => {
                string_value(name).zip(string_value(summary))
            }
            _ => None,
        };
        let (name, summary) = variant.ok_or_else(|| {
            let form = "`Case = \"name\": \"summary\"`";
            at(
                file,
                line,
                format!("a case of enum {name} that is not {form}"),
            )
        })?;
        variants.push(VariantListing { name, summary });
    }
    Ok(VariantEnum {
        module: module.to_vec(),
        name: name.to_string(),
        variants,
    })
}

/// `tokens` without the leading `#[…]` attributes (a case's doc comments are `#[doc = …]`).
fn without_attributes(tokens: &[TokenTree]) -> &[TokenTree] {
    let mut rest = tokens;
    while let [TokenTree::Punct(hash), TokenTree::Group(attr), tail @ ..] = rest {
        if hash.as_char() != '#' || attr.delimiter() != Delimiter::Bracket {
            break;
        }
        rest = tail;
    }
    rest
}

/// The text a string literal stands for, escapes resolved; `None` for any other literal.
pub fn string_value(literal: &Literal) -> Option<String> {
    let text = literal.to_string();
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let fence = "#".repeat(hashes);
        return raw
            .strip_prefix(&format!("{fence}\""))?
            .strip_suffix(&format!("\"{fence}"))
            .map(str::to_string);
    }
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let code = u32::from_str_radix(&hex.replace('_', ""), 16).ok()?;
                out.push(char::from_u32(code)?);
            }
            // A backslash before a line break continues the string: the break and the next
            // line's leading whitespace are not part of it.
            '\n' | '\r' => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A chapter crate in the system temp directory, removed on drop.
    struct Crate(PathBuf);

    impl Crate {
        fn new(files: &[(&str, &str)]) -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "xtask-registry-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            for (path, text) in files {
                let path = dir.join("src").join(path);
                std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
                std::fs::write(path, text).expect("write");
            }
            Self(dir)
        }
    }

    impl Drop for Crate {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const LIB: &str = r#"//! A chapter.
pub mod locks;
pub mod timers;
pub static CHAPTER: Chapter = Chapter {
    number: 12,
    title: "Deadlocks \u{2014} and \"livelock\"",
    tools: &[Tool { name: "serve", summary: "not an example", run: serve }],
    examples: &[
        Example {
            name: "two-locks",
            summary: "a cycle, \
                      then the fix",
            variants: locks::Order::ALL,
            threads: Some(ThreadsSpec { meaning: "threads", default: 2, min: 2, max: 8 }),
            run: locks::run,
        },
        common::Example {
            name: "sleep",
            summary: r"a \raw one",
            variants: crate::timers::Clock::ALL,
            threads: None,
            run: timers::run,
        },
        Example { name: "none", summary: "no variants", variants: &[], threads: None, run: f },
    ],
};
"#;

    const LOCKS: &str = r#"//! Locks.
common::variants! {
    /// How.
    pub enum Order {
        /// First.
        Broken = "broken": "opposite orders, a cycle",
        Ordered = "ordered": "one order",
    }
}
#[cfg(test)]
mod tests {
    common::variants! { enum Clock { Fake = "fake": "a test's own" } }
}
"#;

    const CLOCK: &str = r#"//! A clock, re-exported by timers.
common::variants! { pub(crate) enum Clock { Real = "real": "the wall clock", } }
"#;

    fn variant(name: &str, summary: &str) -> VariantListing {
        VariantListing {
            name: name.into(),
            summary: summary.into(),
        }
    }

    #[test]
    fn a_registry_is_read_with_its_variants_from_their_modules() {
        let krate = Crate::new(&[
            ("lib.rs", LIB),
            (
                "main.rs",
                "//! Main.\ncommon::variants! { enum Order { X = \"x\": \"y\" } }\n",
            ),
            ("locks.rs", LOCKS),
            (
                "timers.rs",
                "//! Timers.\nmod clock;\npub use clock::Clock;\n",
            ),
            ("timers/clock.rs", CLOCK),
        ]);
        let listing = read(&krate.0).expect("reads");
        assert_eq!(
            listing,
            ChapterListing {
                number: 12,
                title: "Deadlocks — and \"livelock\"".into(),
                examples: vec![
                    ExampleListing {
                        name: "two-locks".into(),
                        summary: "a cycle, then the fix".into(),
                        variants: vec![
                            variant("broken", "opposite orders, a cycle"),
                            variant("ordered", "one order"),
                        ],
                    },
                    ExampleListing {
                        name: "sleep".into(),
                        summary: "a \\raw one".into(),
                        variants: vec![variant("real", "the wall clock")],
                    },
                    ExampleListing {
                        name: "none".into(),
                        summary: "no variants".into(),
                        variants: vec![],
                    },
                ],
            }
        );
    }

    #[test]
    fn each_example_s_source_is_the_file_of_the_module_it_names() {
        let krate = Crate::new(&[
            ("lib.rs", LIB),
            ("locks.rs", LOCKS),
            (
                "timers/mod.rs",
                "//! Timers.\nmod clock;\npub use clock::Clock;\n",
            ),
            ("timers/clock.rs", CLOCK),
        ]);
        let sources = example_sources(&krate.0).expect("reads");
        let file = |name: &str, file: &str| (name.to_string(), Some(file.to_string()));
        assert_eq!(
            sources,
            [
                file("two-locks", "src/locks.rs"),
                file("sleep", "src/timers/mod.rs"),
                file("none", "src/lib.rs"),
            ]
        );
    }

    #[test]
    fn what_cannot_be_read_exactly_is_an_error_naming_the_place() {
        let error = |lib: &str, files: &[(&str, &str)]| {
            let mut all = vec![("lib.rs", lib)];
            all.extend_from_slice(files);
            let krate = Crate::new(&all);
            format!("{:#}", read(&krate.0).expect_err("refused"))
        };
        let missing = error(LIB, &[("locks.rs", LOCKS)]);
        assert!(
            missing.ends_with("lib.rs:20: `crate::timers::Clock::ALL`: no `common::variants!` enum Clock in that module"),
            "{missing}"
        );
        let twice = error(
            LIB,
            &[
                ("locks.rs", LOCKS),
                ("timers/a.rs", CLOCK),
                ("timers/b.rs", CLOCK),
            ],
        );
        assert!(
            twice.contains("more than one") && twice.contains("timers::a, timers::b"),
            "{twice}"
        );
        let computed = LIB.replace("title: \"Deadlocks", "title: concat!(\"Deadlocks\"), x: \"");
        let not_literal = error(&computed, &[("locks.rs", LOCKS), ("timers.rs", CLOCK)]);
        assert!(
            not_literal.contains("`title` is not a string literal"),
            "{not_literal}"
        );
        assert!(error("//! Empty.\n", &[]).contains("no `static CHAPTER"));
        let bad_case = LOCKS.replace("\"broken\": ", "");
        let malformed = error(LIB, &[("locks.rs", &bad_case), ("timers.rs", CLOCK)]);
        assert!(
            malformed.contains("locks.rs:6: a case of enum Order"),
            "{malformed}"
        );
    }

    #[test]
    fn string_literals_mean_what_rustc_says() {
        let value = |source: &str| {
            let tokens: TokenStream = source.parse().expect("a literal");
            match tokens.into_iter().next() {
                Some(TokenTree::Literal(literal)) => string_value(&literal),
                _ => None,
            }
        };
        assert_eq!(
            value(r#""a\tb\n\\ \"q\" \x41 \u{1F980}""#).as_deref(),
            Some("a\tb\n\\ \"q\" A 🦀")
        );
        assert_eq!(value("\"one \\\n     line\"").as_deref(), Some("one line"));
        assert_eq!(
            value(r###"r#"has "quotes""#"###).as_deref(),
            Some("has \"quotes\"")
        );
        assert_eq!(value("'c'"), None);
        assert_eq!(value("12"), None);
        assert_eq!(value("b\"bytes\""), None);
    }
}

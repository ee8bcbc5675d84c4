//! Just enough Markdown for the book: splitting a README into its `##` sections, and rewriting
//! the targets of its links and images while leaving code alone.
//!
//! The scan knows fenced code blocks, inline code spans, inline links and images
//! (`[text](dest "title")`, nested as in `[![chart](a.svg)](a.svg)`), autolinks (`<https://…>`,
//! kept as they are) and reference links (`[text][label]`, `[label]` with a `[label]: dest` line),
//! which come out as inline links so that every target goes through one rewrite. It is not a
//! full CommonMark parser: it reads the READMEs this workspace writes, and the link checker that
//! runs on the built HTML catches anything it misreads.

use std::collections::BTreeMap;

/// A link or image found in prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link<'a> {
    /// `![alt](dest)` rather than `[text](dest)`.
    pub image: bool,
    /// The link text (or the image's alt text), as written.
    pub text: &'a str,
    /// The destination, without angle brackets or title.
    pub dest: &'a str,
}

/// What to do with a link's destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Leave it as written.
    Keep,
    /// Point it here instead.
    To(String),
    /// No page in the book holds it: say where it is, as code text (a repository path).
    Code(String),
}

/// What the scan calls back for: each link's destination, and each stretch of plain prose
/// (outside code, links and HTML), which may be rewritten too.
pub trait Rewrite {
    /// The new destination of a link or image.
    fn target(&mut self, link: &Link<'_>) -> Target;

    /// Plain prose, returned as it should appear (by default unchanged).
    fn prose(&mut self, text: &str) -> String {
        text.to_string()
    }
}

/// `markdown` with every link's target rewritten, code blocks and code spans untouched.
pub fn rewrite(markdown: &str, rewrite: &mut dyn Rewrite) -> String {
    let (text, definitions) = take_definitions(markdown);
    let mut out = String::with_capacity(text.len());
    for chunk in chunks(&text) {
        match chunk {
            Chunk::Code(code) => out.push_str(code),
            Chunk::Prose(prose) => out.push_str(&rewrite_inline(prose, &definitions, rewrite)),
        }
    }
    out
}

/// A document's text before its first `## ` heading, then each `## ` section as (title, the
/// whole section including its heading line). Headings inside code blocks do not count.
pub fn sections(markdown: &str) -> (String, Vec<(String, String)>) {
    let mut preamble = String::new();
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut fence: Option<Fence> = None;
    for line in markdown.split_inclusive('\n') {
        if let Some(open) = fence {
            if open.closed_by(line) {
                fence = None;
            }
        } else if let Some(open) = Fence::opened_by(line) {
            fence = Some(open);
        } else if let Some(title) = line.strip_prefix("## ") {
            sections.push((title.trim().to_string(), String::new()));
        }
        match sections.last_mut() {
            Some((_, body)) => body.push_str(line),
            None => preamble.push_str(line),
        }
    }
    (preamble, sections)
}

/// A piece of a document: prose where links are looked for, or a fenced code block.
#[derive(Debug, PartialEq, Eq)]
enum Chunk<'a> {
    Prose(&'a str),
    Code(&'a str),
}

/// An open code fence: its character and length (a closing fence needs at least as many).
#[derive(Debug, Clone, Copy)]
struct Fence {
    mark: u8,
    len: usize,
}

impl Fence {
    fn opened_by(line: &str) -> Option<Self> {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() > 3 {
            return None;
        }
        let mark = *trimmed.as_bytes().first()?;
        if mark != b'`' && mark != b'~' {
            return None;
        }
        let len = trimmed.bytes().take_while(|&b| b == mark).count();
        // A backtick fence's info string may not hold a backtick (that is an inline code span).
        let info_ok = mark == b'~' || !trimmed[len..].contains('`');
        (len >= 3 && info_ok).then_some(Self { mark, len })
    }

    fn closed_by(self, line: &str) -> bool {
        let trimmed = line.trim_start_matches(' ');
        let len = trimmed.bytes().take_while(|&b| b == self.mark).count();
        line.len() - trimmed.len() <= 3 && len >= self.len && trimmed[len..].trim().is_empty()
    }
}

/// The document cut into prose and fenced code, in order, covering all of it.
fn chunks(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    let mut fence: Option<Fence> = None;
    for line in text.split_inclusive('\n') {
        let end = offset + line.len();
        match fence {
            Some(open) if open.closed_by(line) => {
                chunks.push(Chunk::Code(&text[start..end]));
                start = end;
                fence = None;
            }
            Some(_) => {}
            None => {
                if let Some(open) = Fence::opened_by(line) {
                    if start < offset {
                        chunks.push(Chunk::Prose(&text[start..offset]));
                    }
                    start = offset;
                    fence = Some(open);
                }
            }
        }
        offset = end;
    }
    if start < text.len() {
        chunks.push(match fence {
            Some(_) => Chunk::Code(&text[start..]),
            None => Chunk::Prose(&text[start..]),
        });
    }
    chunks
}

/// The text without its reference definitions (`[label]: dest`, outside code), and those
/// definitions by lower-cased label. Footnotes (`[^1]: …`) are not link definitions.
fn take_definitions(markdown: &str) -> (String, BTreeMap<String, String>) {
    let mut text = String::with_capacity(markdown.len());
    let mut definitions = BTreeMap::new();
    let mut fence: Option<Fence> = None;
    for line in markdown.split_inclusive('\n') {
        if let Some(open) = fence {
            if open.closed_by(line) {
                fence = None;
            }
        } else if let Some(open) = Fence::opened_by(line) {
            fence = Some(open);
        } else if let Some((label, dest)) = definition(line) {
            definitions
                .entry(label.to_lowercase())
                .or_insert_with(|| dest.to_string());
            continue;
        }
        text.push_str(line);
    }
    (text, definitions)
}

/// `[label]: dest` (an optional title after the destination is dropped).
fn definition(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let rest = trimmed.strip_prefix('[')?;
    let (label, rest) = rest.split_once("]:")?;
    if label.is_empty() || label.starts_with('^') || label.contains(['[', ']']) {
        return None;
    }
    let dest = rest.split_whitespace().next()?;
    let dest = dest
        .strip_prefix('<')
        .and_then(|d| d.strip_suffix('>'))
        .unwrap_or(dest);
    Some((label, dest))
}

/// Where the code span opening at `start` (a run of backticks) ends, if it is closed.
fn code_span_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let run = bytes[start..].iter().take_while(|&&b| b == b'`').count();
    let mut i = start + run;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let len = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            if len == run {
                return Some(i + len);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// Where the bracketed text opening at `start` (`[`) closes: the index just past its `]`.
/// Brackets nest, code spans inside count as text, `\]` is escaped.
fn bracket_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'`' => {
                if let Some(end) = code_span_end(text, i) {
                    i = end;
                    continue;
                }
                i += bytes[i..].iter().take_while(|&&b| b == b'`').count();
                continue;
            }
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            // A link's text stays within its paragraph.
            b'\n' if text[i + 1..].starts_with('\n') => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// An inline destination after `](`: `(dest)`, `(<dest>)` or `(dest "title")`, starting at
/// the `(`. Gives the destination and the index just past the `)`.
fn destination(text: &str, open: usize) -> Option<(&str, &str, usize)> {
    let bytes = text.as_bytes();
    let mut i = open + 1;
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\n') {
        i += 1;
    }
    let (dest, mut i) = if bytes.get(i) == Some(&b'<') {
        let close = text[i..].find('>')? + i;
        (&text[i + 1..close], close + 1)
    } else {
        let start = i;
        let mut depth = 0usize;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 1,
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                b' ' | b'\n' | b'\t' => break,
                _ => {}
            }
            i += 1;
        }
        (&text[start..i.min(bytes.len())], i)
    };
    let title_start = i;
    while i < bytes.len() && bytes[i] != b')' {
        if matches!(bytes[i], b'"' | b'\'') {
            let quote = bytes[i];
            i = text[i + 1..].find(char::from(quote))? + i + 1;
        }
        i += 1;
    }
    (i < bytes.len()).then(|| (dest, text[title_start..i].trim(), i + 1))
}

fn rewrite_inline(
    text: &str,
    definitions: &BTreeMap<String, String>,
    rewrite: &mut dyn Rewrite,
) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut plain = 0;
    let mut i = 0;
    while i < bytes.len() {
        let skip_to = match bytes[i] {
            b'\\' => Some((i + 2).min(bytes.len())),
            b'`' => Some(
                code_span_end(text, i)
                    .unwrap_or_else(|| i + bytes[i..].iter().take_while(|&&b| b == b'`').count()),
            ),
            b'<' if bytes
                .get(i + 1)
                .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'/' || b == b'!') =>
            {
                match markup_end(text, i) {
                    Some(end) => Some(end),
                    // Prose that only looks like a tag (`Mutex<Vec>`): shown as written, not
                    // swallowed as an unknown element.
                    None => {
                        out.push_str(&rewrite.prose(&text[plain..i]));
                        out.push_str("&lt;");
                        plain = i + 1;
                        i += 1;
                        continue;
                    }
                }
            }
            _ => None,
        };
        if let Some(end) = skip_to {
            if bytes[i] != b'\\' {
                out.push_str(&rewrite.prose(&text[plain..i]));
                out.push_str(&text[i..end]);
                plain = end;
            }
            i = end;
            continue;
        }
        let image = bytes[i] == b'!' && bytes.get(i + 1) == Some(&b'[');
        let open = if image { i + 1 } else { i };
        if bytes[open] != b'[' {
            i += 1;
            continue;
        }
        let Some(close) = bracket_end(text, open) else {
            i = open + 1;
            continue;
        };
        let link_text = &text[open + 1..close - 1];
        let found = if bytes.get(close) == Some(&b'(') {
            destination(text, close).map(|(dest, title, end)| (dest.to_string(), title, end))
        } else {
            reference(text, close, link_text, definitions).map(|(dest, end)| (dest, "", end))
        };
        let Some((dest, title, end)) = found else {
            i = open + 1;
            continue;
        };
        out.push_str(&rewrite.prose(&text[plain..i]));
        let link = Link {
            image,
            text: link_text,
            dest: &dest,
        };
        let inner = rewrite_inline(link_text, definitions, rewrite);
        let bang = if image { "!" } else { "" };
        let title = if title.is_empty() {
            String::new()
        } else {
            format!(" {title}")
        };
        match rewrite.target(&link) {
            Target::Keep if text[close..].starts_with('(') => {
                out.push_str(&format!("{bang}[{inner}]{}", &text[close..end]));
            }
            Target::Keep => out.push_str(&format!("{bang}[{inner}]({dest}{title})")),
            Target::To(new) if new.contains(' ') => {
                out.push_str(&format!("{bang}[{inner}](<{new}>{title})"));
            }
            Target::To(new) => out.push_str(&format!("{bang}[{inner}]({new}{title})")),
            Target::Code(path) => out.push_str(&code_text(&inner, link_text, &path)),
        }
        plain = end;
        i = end;
    }
    out.push_str(&rewrite.prose(&text[plain..]));
    out
}

/// The HTML elements a README may use on purpose; any other `<name>` is text.
const HTML_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "source",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
    "var",
    "video",
];

/// Where the comment, autolink (`<https://…>`) or HTML tag opening at `start` ends, kept as
/// written; `None` when the `<` starts none of them.
fn markup_end(text: &str, start: usize) -> Option<usize> {
    let rest = &text[start..];
    if rest.starts_with("<!--") {
        return rest.find("-->").map(|end| start + end + 3);
    }
    let end = rest.find('>').filter(|&end| !rest[..end].contains('\n'))?;
    let inside = &rest[1..end];
    let autolink = inside.contains(':') && !inside.contains(char::is_whitespace);
    let name = inside.trim_start_matches('/');
    let name = &name[..name
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(name.len())];
    let tag = HTML_TAGS.contains(&name.to_ascii_lowercase().as_str());
    (autolink || tag).then_some(start + end + 1)
}

/// A reference link after its text: `[label]`, `[]`, or nothing (the text is the label).
fn reference(
    text: &str,
    close: usize,
    link_text: &str,
    definitions: &BTreeMap<String, String>,
) -> Option<(String, usize)> {
    let (label, end) = if text[close..].starts_with('[') {
        let label_end = bracket_end(text, close)?;
        let label = &text[close + 1..label_end - 1];
        (if label.is_empty() { link_text } else { label }, label_end)
    } else {
        (link_text, close)
    };
    let key = label.split_whitespace().collect::<Vec<_>>().join(" ");
    definitions
        .get(&key.to_lowercase())
        .map(|dest| (dest.clone(), end))
}

/// A link to a file the book has no page for, as text: the repository path in code font, after
/// the link's words (`text`, already rewritten; `raw` as written) unless those only name the file
/// (its name, or a path that ends the repository path).
fn code_text(text: &str, raw: &str, path: &str) -> String {
    let words = text.trim();
    let bare = raw.trim().trim_matches('`').trim_start_matches("./");
    if words.is_empty() || bare == path || path.ends_with(&format!("/{bare}")) {
        format!("`{path}`")
    } else {
        format!("{words} (`{path}`)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rewrites every target to `new/<dest>`, except `code:` ones, which become code text, and
    /// upper-cases prose.
    struct Shout;

    impl Rewrite for Shout {
        fn target(&mut self, link: &Link<'_>) -> Target {
            match link.dest.strip_prefix("code:") {
                Some(path) => Target::Code(path.to_string()),
                None if link.dest.starts_with("https:") => Target::Keep,
                None => Target::To(format!("new/{}", link.dest)),
            }
        }

        fn prose(&mut self, text: &str) -> String {
            text.to_uppercase()
        }
    }

    fn shout(text: &str) -> String {
        rewrite(text, &mut Shout)
    }

    #[test]
    fn links_and_images_are_rewritten_and_code_is_not() {
        assert_eq!(
            shout("see [a](x.md) and ![b](y.svg)"),
            "SEE [A](new/x.md) AND ![B](new/y.svg)"
        );
        assert_eq!(shout("`[a](x.md)` [b](z)"), "`[a](x.md)` [B](new/z)");
        assert_eq!(
            shout("a\n```sh\n[a](x.md)\n```\n[b](z)\n"),
            "A\n```sh\n[a](x.md)\n```\n[B](new/z)\n"
        );
        assert_eq!(
            shout("~~~\n## not a [link](x)\n~~~\n"),
            "~~~\n## not a [link](x)\n~~~\n"
        );
    }

    #[test]
    fn nested_titled_wrapped_and_anchored_links() {
        assert_eq!(
            shout("[![c](a.svg)](a.svg)"),
            "[![C](new/a.svg)](new/a.svg)"
        );
        assert_eq!(shout("[a](x.md \"T\")"), "[A](new/x.md \"T\")");
        assert_eq!(
            shout("[two\nlines](x.md#sec)"),
            "[TWO\nLINES](new/x.md#sec)"
        );
        assert_eq!(shout("[a](<x y.md>)"), "[A](<new/x y.md>)");
        assert_eq!(shout("a < b and c > d"), "A < B AND C > D");
        assert_eq!(
            shout("[`code` text](f(1).md)"),
            "[`code` TEXT](new/f(1).md)"
        );
        assert_eq!(
            shout("[x](https://e.org/a_(b))"),
            "[X](https://e.org/a_(b))"
        );
    }

    #[test]
    fn plain_brackets_autolinks_and_html_are_left_alone() {
        assert_eq!(shout("[a, b] and [c]"), "[A, B] AND [C]");
        assert_eq!(
            shout("<https://ui.perfetto.dev> x"),
            "<https://ui.perfetto.dev> X"
        );
        assert_eq!(shout("<!-- bench:begin --> x"), "<!-- bench:begin --> X");
        assert_eq!(
            shout("<details><summary>x</summary>"),
            "<details><summary>X</summary>"
        );
        assert_eq!(
            shout("a Mutex<Vec> and Published<T>"),
            "A MUTEX&lt;VEC> AND PUBLISHED&lt;T>"
        );
        assert_eq!(shout(r"\[a](x)"), r"\[A](X)");
    }

    #[test]
    fn reference_links_become_inline_links() {
        let text = "[a][one], [One] and [b][]\n\n[one]: x.md\n[b]: <y.md> \"t\"\n[^1]: a note\n";
        assert_eq!(
            shout(text),
            "[A](new/x.md), [ONE](new/x.md) AND [B](new/y.md)\n\n[^1]: A NOTE\n"
        );
    }

    #[test]
    fn a_file_without_a_page_becomes_code_text() {
        assert_eq!(
            shout("[the waiter](code:ch/src/waiter.rs)"),
            "THE WAITER (`ch/src/waiter.rs`)"
        );
        assert_eq!(
            shout("[`waiter.rs`](code:ch/src/waiter.rs)"),
            "`ch/src/waiter.rs`"
        );
        assert_eq!(
            shout("[`src/waiter.rs`](code:ch/src/waiter.rs)"),
            "`ch/src/waiter.rs`"
        );
        assert_eq!(
            shout("[`iter.rs`](code:ch/src/waiter.rs)"),
            "`iter.rs` (`ch/src/waiter.rs`)"
        );
        assert_eq!(
            shout("[CONTRIBUTING.md](code:CONTRIBUTING.md)"),
            "`CONTRIBUTING.md`"
        );
    }

    #[test]
    fn sections_split_at_level_two_headings_outside_code() {
        let text = "# T\nintro\n## A\na\n```\n## not\n```\n### sub\n## B\nb\n";
        let (preamble, sections) = sections(text);
        assert_eq!(preamble, "# T\nintro\n");
        assert_eq!(
            sections,
            [
                (
                    "A".to_string(),
                    "## A\na\n```\n## not\n```\n### sub\n".to_string()
                ),
                ("B".to_string(), "## B\nb\n".to_string()),
            ]
        );
    }
}

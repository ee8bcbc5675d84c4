//! The link check of the built book: every `href` and `src` in its HTML pages that points inside
//! the book names a file that is there, and every `#anchor` an `id` on the page it points to.
//!
//! A small hand-written scan of the tags is enough for HTML that mdBook writes: comments and the
//! bodies of `<script>` and `<style>` are skipped (their text is not markup), attribute values
//! are unquoted and their entities decoded, and a page's `<base href>` is honoured (mdBook's
//! `404.html` uses one). External targets (any `scheme:`, `//host`) are not fetched: the
//! network is not the book's to check.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use anyhow::{Context, Result};

/// What the check found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// HTML pages scanned.
    pub pages: usize,
    /// Internal links and images checked (external ones are not counted).
    pub links: usize,
    /// Of those, the ones with a `#fragment` checked against the target's ids.
    pub anchors: usize,
    /// The ones that do not resolve.
    pub broken: Vec<Broken>,
}

/// One link that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The page it is on, relative to the book.
    pub page: String,
    /// The attribute's value, as written (entities decoded).
    pub target: String,
    /// Why it does not resolve.
    pub reason: Reason,
}

/// Why a link does not resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No such file in the book.
    NoFile,
    /// The file is there, but has no element with that id.
    NoAnchor,
    /// The path climbs out of the book's directory.
    OutsideBook,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.reason {
            Reason::NoFile => "no such file in the book",
            Reason::NoAnchor => "no such anchor on that page",
            Reason::OutsideBook => "points outside the book",
        };
        write!(f, "{}: `{}`: {why}", self.page, self.target)
    }
}

/// Checks every HTML page under `book`.
pub fn check(book: &Path) -> Result<Report> {
    let mut files = BTreeSet::new();
    list_files(book, "", &mut files)?;
    let mut pages = BTreeMap::new();
    for file in files.iter().filter(|f| f.ends_with(".html")) {
        let path = book.join(file);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        pages.insert(file.clone(), scan(&text));
    }
    Ok(check_pages(&files, &pages))
}

/// The check over pages already scanned, with `files` every file the book holds.
fn check_pages(files: &BTreeSet<String>, pages: &BTreeMap<String, Page>) -> Report {
    let mut report = Report {
        pages: pages.len(),
        ..Report::default()
    };
    for (name, page) in pages {
        let dir = match &page.base {
            Some(base) if base.starts_with('/') => base.trim_start_matches('/').to_string(),
            _ => parent(name).to_string(),
        };
        for target in &page.targets {
            if is_external(target) {
                continue;
            }
            report.links += 1;
            let (path, fragment) = match target.split_once('#') {
                Some((path, fragment)) => (path, Some(fragment)),
                None => (target.as_str(), None),
            };
            let path = path.split_once('?').map_or(path, |(path, _)| path);
            let resolved = if path.is_empty() {
                Some(name.clone())
            } else {
                resolve(&dir, &percent_decode(path)).map(|file| index_of(files, file))
            };
            let reason = match resolved {
                None => Some(Reason::OutsideBook),
                Some(file) if !files.contains(&file) => Some(Reason::NoFile),
                Some(file) => fragment.filter(|f| !f.is_empty()).and_then(|fragment| {
                    let target_page = pages.get(&file)?;
                    report.anchors += 1;
                    let id = percent_decode(fragment);
                    (!target_page.ids.contains(&id)).then_some(Reason::NoAnchor)
                }),
            };
            if let Some(reason) = reason {
                report.broken.push(Broken {
                    page: name.clone(),
                    target: target.clone(),
                    reason,
                });
            }
        }
    }
    report
}

/// A scanned page: the targets of its links and images, the ids it defines, its base.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Page {
    /// Every `href` and `src` value, in order.
    pub targets: Vec<String>,
    /// Every `id` (and `<a name>`) value.
    pub ids: BTreeSet<String>,
    /// The `<base href>`, if any.
    pub base: Option<String>,
}

/// The links, images and ids of one HTML page.
pub fn scan(html: &str) -> Page {
    let mut page = Page::default();
    let lower = html.to_ascii_lowercase();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        i += offset;
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(html.len(), |end| i + end + 3);
            continue;
        }
        if !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let name_end = html[i + 1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(html.len(), |end| i + 1 + end);
        let tag = lower[i + 1..name_end].to_string();
        let (attributes, end) = attributes(html, name_end);
        for (name, value) in attributes {
            match name.as_str() {
                "href" if tag == "base" => page.base = Some(value),
                "href" | "src" => page.targets.push(value),
                "id" => {
                    page.ids.insert(value);
                }
                "name" if tag == "a" => {
                    page.ids.insert(value);
                }
                _ => {}
            }
        }
        i = end;
        if tag == "script" || tag == "style" {
            let close = format!("</{tag}");
            i = lower[i..].find(&close).map_or(html.len(), |at| i + at);
        }
    }
    page
}

/// The attributes of the tag whose name ends at `start`, lower-cased names and decoded values,
/// and the index just past its `>`.
fn attributes(html: &str, start: usize) -> (Vec<(String, String)>, usize) {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = start;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (found, i);
        }
        if bytes[i] == b'>' {
            return (found, i + 1);
        }
        let name_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            found.push((name, String::new()));
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = match bytes.get(i) {
            Some(&quote @ (b'"' | b'\'')) => {
                let end = html[i + 1..]
                    .find(char::from(quote))
                    .map_or(html.len(), |end| i + 1 + end);
                let value = &html[i + 1..end];
                i = (end + 1).min(html.len());
                value
            }
            _ => {
                let value_start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                &html[value_start..i]
            }
        };
        found.push((name, decode_entities(value)));
    }
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` and numeric references decoded; anything else
/// kept as written.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity.strip_prefix('#').and_then(|number| {
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => number.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `%XX` escapes decoded (as UTF-8; a malformed escape is kept as written).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A target with a scheme (`https:`, `mailto:`, `data:`, `javascript:`) or a host (`//host`).
fn is_external(target: &str) -> bool {
    if target.starts_with("//") {
        return true;
    }
    let scheme_end = target.find(':');
    let first_delimiter = target.find(['/', '?', '#']);
    match (scheme_end, first_delimiter) {
        (Some(colon), Some(delimiter)) => colon < delimiter && colon > 0,
        (Some(colon), None) => colon > 0,
        (None, _) => false,
    }
}

/// `path` (relative to `dir`, or to the book if it starts with `/`) as a path relative to the
/// book, or `None` if it climbs out.
fn resolve(dir: &str, path: &str) -> Option<String> {
    let parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    let mut resolved = super::walk(parts, path)?;
    if path.ends_with('/') && !resolved.is_empty() {
        resolved.push('/');
    }
    Some(resolved)
}

/// A directory's `index.html` when `file` names a directory, else `file`.
fn index_of(files: &BTreeSet<String>, file: String) -> String {
    if file.is_empty() || file.ends_with('/') {
        return format!("{file}index.html");
    }
    let as_dir = format!("{file}/");
    let is_dir = files
        .range(as_dir.clone()..)
        .next()
        .is_some_and(|f| f.starts_with(&as_dir));
    if !files.contains(&file) && is_dir {
        format!("{as_dir}index.html")
    } else {
        file
    }
}

fn parent(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Every file under `dir`, as `/`-separated paths relative to the book (prefixed by `prefix`).
fn list_files(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type()?.is_dir() {
            list_files(&entry.path(), &format!("{name}/"), out)?;
        } else {
            out.insert(name);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scan_reads_links_images_and_ids_but_not_comments_or_scripts() {
        let page = scan(concat!(
            "<!DOCTYPE html><html><head><base href=\"/\">",
            "<script src=\"a.js\">let s = '<a href=\"in-script.html\">';</script>",
            "<style>a[href=\"x\"] {}</style></head><body>",
            "<!-- <a href=\"commented.html\"> -->",
            "<h2 id=\"sec\"><a class=header href='#sec'>Sec</a></h2>",
            "<A HREF=two.html?x=1&amp;y=2>t</A> <img alt=\"a > b\" src=\"i.svg\"/>",
            "<a name=\"old\"></a><pre><code>&lt;a href=\"code.html\"&gt;</code></pre>",
        ));
        assert_eq!(page.targets, ["a.js", "#sec", "two.html?x=1&y=2", "i.svg"]);
        assert_eq!(page.ids, BTreeSet::from(["sec".into(), "old".into()]));
        assert_eq!(page.base.as_deref(), Some("/"));
    }

    #[test]
    fn entities_percent_escapes_and_paths() {
        assert_eq!(
            decode_entities("a&amp;b&#39;c&#x41;&nope;&"),
            "a&b'cA&nope;&"
        );
        assert_eq!(percent_decode("a%20b%C3%A9%zz"), "a bé%zz");
        assert_eq!(resolve("a/b", "../c.html").as_deref(), Some("a/c.html"));
        assert_eq!(resolve("a", "/x/./y.svg").as_deref(), Some("x/y.svg"));
        assert_eq!(resolve("", "../x.html"), None);
        for external in ["https://e.org", "mailto:a@b", "data:x", "//cdn/x.js"] {
            assert!(is_external(external), "{external}");
        }
        for internal in ["a.html", "a/b:c.html", "#x", "?q=a:b"] {
            assert!(!is_external(internal), "{internal}");
        }
    }

    /// A scratch book in the system temp directory, removed on drop.
    struct Scratch(std::path::PathBuf);

    impl Scratch {
        fn new(files: &[(&str, &str)]) -> Self {
            let dir = std::env::temp_dir().join(format!("xtask-book-links-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            for (path, text) in files {
                let path = dir.join(path);
                std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dir");
                std::fs::write(path, text).expect("write file");
            }
            Self(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_planted_broken_link_anchor_and_image_are_found() {
        let book = Scratch::new(&[
            (
                "index.html",
                concat!(
                    "<a href=\"ch/one.html#sec\">ok</a> <a href=\"ch/\">ok: ch/index.html</a>",
                    "<a href=\"#top\" id=\"top\">ok</a> <a href=\"https://e.org/x\">external</a>",
                    "<a href=\"ch/missing.html\">planted</a>",
                ),
            ),
            (
                "ch/one.html",
                concat!(
                    "<h1 id=\"sec\">x</h1><img src=\"../img/chart.svg\">",
                    "<img src=\"../img/gone.svg\"><a href=\"../index.html#nowhere\">x</a>",
                    "<a href=\"../../up.html\">x</a>",
                ),
            ),
            ("ch/index.html", "<a href=\"one.html\">x</a>"),
            ("img/chart.svg", "<svg/>"),
            ("404.html", "<base href=\"/\"><a href=\"ch/one.html\">x</a>"),
        ]);
        let report = check(&book.0).expect("check runs");
        let broken: Vec<String> = report.broken.iter().map(ToString::to_string).collect();
        assert_eq!(
            broken,
            [
                "ch/one.html: `../img/gone.svg`: no such file in the book",
                "ch/one.html: `../index.html#nowhere`: no such anchor on that page",
                "ch/one.html: `../../up.html`: points outside the book",
                "index.html: `ch/missing.html`: no such file in the book",
            ]
        );
        assert_eq!(report.pages, 4);
        assert_eq!(report.links, 10);
        assert_eq!(report.anchors, 3);
    }
}

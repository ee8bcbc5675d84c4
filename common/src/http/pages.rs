//! The pages the local server hands out: stand-ins for the ones the book downloaded, of the
//! sizes the book saved, with bodies made up on the spot.

/// A page to download: a stand-in for one the book fetched, of the size the book saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// The name in `/pages/{name}`.
    pub name: &'static str,
    /// What it stands in for.
    pub stands_for: &'static str,
    /// Its exact size in bytes.
    pub bytes: usize,
}

/// The pages the server offers: chapter 5's `google.html` and chapter 11's five downloads.
pub const PAGES: &[Page] = &[
    Page {
        name: "google",
        stands_for: "http://www.google.com (chapter 5's google.html, chapter 11's google.com)",
        bytes: 11_264,
    },
    Page {
        name: "packtpub",
        stands_for: "http://packtpub.com (a short redirect page)",
        bytes: 230,
    },
    Page {
        name: "python",
        stands_for: "https://www.python.org",
        bytes: 49_152,
    },
    Page {
        name: "asyncio",
        stands_for: "https://docs.python.org/3/library/asyncio",
        bytes: 12_800,
    },
    Page {
        name: "aiohttp",
        stands_for: "https://aiohttp.readthedocs.io",
        bytes: 30_720,
    },
];

/// Finds a page by name.
pub fn page(name: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.name == name)
}

/// The page's HTML: deterministic, exactly `page.bytes` long, so a download can be checked byte
/// for byte.
pub fn page_body(page: &Page) -> String {
    const WORDS: &[&str] = &[
        "concurrency",
        "thread",
        "request",
        "latency",
        "socket",
        "future",
        "await",
        "lock",
        "queue",
        "process",
    ];
    let head = format!(
        "<!doctype html><html><head><title>{}</title></head><body><h1>{}</h1><p>",
        page.name, page.stands_for
    );
    let tail = "</p></body></html>\n";
    let mut html = head;
    let mut word = 0;
    while html.len() + tail.len() < page.bytes {
        let next = WORDS[word % WORDS.len()];
        word += 1;
        let room = page.bytes - tail.len() - html.len();
        if room > next.len() {
            html.push_str(next);
            html.push(' ');
        } else {
            html.extend(std::iter::repeat_n('.', room));
        }
    }
    html.push_str(tail);
    html.truncate(page.bytes);
    html
}

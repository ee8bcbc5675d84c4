//! The local server's routes: what each path answers, and the requests it refuses.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{ALLOW, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};

use super::pages::{PAGES, page, page_body};
use super::{MAX_CHUNK, MAX_SLEEP, MAX_STREAM_BYTES};

/// Every answer's body: a whole page, an empty one, or a stream of chunks.
pub(super) type Body = BoxBody<Bytes, Infallible>;

/// A request the server refuses before doing any work (and before any `?sleep=`).
struct Rejection(StatusCode, String);

impl From<Rejection> for Response<Body> {
    fn from(Rejection(status, message): Rejection) -> Self {
        text(status, message)
    }
}

fn text(status: StatusCode, message: impl Into<String>) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(message.into())).boxed());
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The query parameters the routes understand, parsed and checked.
#[derive(Debug, Default)]
struct Query {
    sleep: Duration,
    chunk: Option<usize>,
    chunk_delay: Duration,
}

fn parse_query(query: Option<&str>) -> Result<Query, String> {
    let mut parsed = Query::default();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{key}={value:?} is not a whole number"))
        };
        match key {
            "sleep" | "chunk_delay" => {
                let delay = Duration::from_millis(number()?);
                if delay > MAX_SLEEP {
                    return Err(format!(
                        "{key}={value} is too long: at most {} ms",
                        MAX_SLEEP.as_millis()
                    ));
                }
                if key == "sleep" {
                    parsed.sleep = delay;
                } else {
                    parsed.chunk_delay = delay;
                }
            }
            "chunk" => match usize::try_from(number()?) {
                Ok(0) => return Err("chunk=0: a chunk must hold at least one byte".into()),
                Ok(n) if n <= MAX_CHUNK => parsed.chunk = Some(n),
                _ => return Err(format!("chunk={value}: at most {MAX_CHUNK} bytes")),
            },
            // Unknown parameters are ignored, as most servers do (curl adds none, browsers some).
            _ => {}
        }
    }
    Ok(parsed)
}

fn index() -> String {
    let mut lines = vec![
        "Local status server (chapters 5, 10 and 11). Routes:".to_string(),
        "  GET /status/{code}?sleep=ms          that status (200-599) after ms milliseconds"
            .to_string(),
        "  GET /pages                           the pages to download".to_string(),
        "  GET /pages/{name}?sleep=ms           one page".to_string(),
        "  GET /bytes/{n}?chunk=k&chunk_delay=ms  n bytes streamed in k-byte chunks".to_string(),
    ];
    lines.push(format!(
        "sleep and chunk_delay are at most {} ms; /bytes at most {MAX_STREAM_BYTES} bytes.",
        MAX_SLEEP.as_millis()
    ));
    lines.join("\n") + "\n"
}

pub(super) async fn respond(request: Request<Incoming>) -> Response<Body> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = text(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{} is not served here: use GET or HEAD\n", request.method()),
        );
        response
            .headers_mut()
            .insert(ALLOW, hyper::header::HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let query = match parse_query(request.uri().query()) {
        Ok(query) => query,
        Err(reason) => return text(StatusCode::BAD_REQUEST, reason + "\n"),
    };
    let segments: Vec<&str> = request
        .uri()
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    // Validate before sleeping, so a bad request fails fast.
    let answer = match segments.as_slice() {
        [] => Ok(text(StatusCode::OK, index())),
        ["status", code] => status_response(code),
        ["pages"] => Ok(text(
            StatusCode::OK,
            PAGES
                .iter()
                .map(|p| format!("{} {}\n", p.name, p.bytes))
                .collect::<String>(),
        )),
        ["pages", name] => match page(name) {
            Some(page) => {
                let mut response = Response::new(Full::new(Bytes::from(page_body(page))).boxed());
                response.headers_mut().insert(
                    CONTENT_TYPE,
                    hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
                );
                Ok(response)
            }
            None => Err(Rejection(
                StatusCode::NOT_FOUND,
                format!(
                    "no page {name:?}; pages: {}\n",
                    PAGES.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
                ),
            )),
        },
        ["bytes", n] => stream_response(n, &query),
        _ => Err(Rejection(
            StatusCode::NOT_FOUND,
            format!("no route {}\n\n{}", request.uri().path(), index()),
        )),
    };
    match answer {
        Ok(response) => {
            tokio::time::sleep(query.sleep).await;
            response
        }
        Err(rejection) => rejection.into(),
    }
}

fn status_response(code: &str) -> Result<Response<Body>, Rejection> {
    let status = code
        .parse::<u16>()
        .ok()
        .filter(|c| (200..=599).contains(c))
        .and_then(|c| StatusCode::from_u16(c).ok())
        .ok_or_else(|| {
            Rejection(
                StatusCode::BAD_REQUEST,
                format!("/status/{code}: give a status code from 200 to 599\n"),
            )
        })?;
    let reason = status.canonical_reason().unwrap_or(match status.as_u16() {
        // Cloudflare's, which the book checks: the origin took too long.
        524 => "A Timeout Occurred",
        _ => "Unknown",
    });
    let mut response = text(status, format!("{} {reason}\n", status.as_u16()));
    if status.canonical_reason().is_none() {
        // Without this, hyper writes no reason phrase for codes outside the standard (524).
        response
            .extensions_mut()
            .insert(hyper::ext::ReasonPhrase::from_static(reason.as_bytes()));
    }
    Ok(response)
}

fn stream_response(n: &str, query: &Query) -> Result<Response<Body>, Rejection> {
    let total = n
        .parse::<u64>()
        .ok()
        .filter(|n| *n <= MAX_STREAM_BYTES)
        .ok_or_else(|| {
            Rejection(
                StatusCode::BAD_REQUEST,
                format!("/bytes/{n}: give a size from 0 to {MAX_STREAM_BYTES}\n"),
            )
        })?;
    let chunk = query.chunk.unwrap_or(16 * 1024) as u64;
    let delay = query.chunk_delay;
    // Each chunk is a run of one letter, a to z in turn, so a reader can tell chunks apart.
    let chunks = futures::stream::unfold(0u64, move |sent| async move {
        if sent >= total {
            return None;
        }
        if sent > 0 && !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let len = chunk.min(total - sent);
        let letter = b'a' + ((sent / chunk) % 26) as u8;
        let bytes = Bytes::from(vec![letter; len as usize]);
        Some((Ok::<_, Infallible>(Frame::data(bytes)), sent + len))
    });
    Ok(Response::new(BodyExt::boxed(StreamBody::new(chunks))))
}

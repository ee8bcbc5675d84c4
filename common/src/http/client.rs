//! A small async HTTP/1.1 client for the local server (no TLS, one connection a request).

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::header::HOST;
use hyper::{Request, Response, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// What [`get`] returns: the status, the whole body, and how long the exchange took.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The HTTP status code.
    pub status: u16,
    /// The body, collected.
    pub body: Bytes,
    /// From connecting to the last body byte.
    pub elapsed: Duration,
}

/// Sends `GET url` on a new connection and returns the response with its body still streaming
/// (read it frame by frame with `http_body_util::BodyExt::frame`). Only `http://` URLs: this is
/// a client for the local server. Must be called inside a tokio runtime with I/O enabled.
pub async fn get_streaming(url: &str) -> anyhow::Result<Response<Incoming>> {
    let uri: Uri = url.parse().with_context(|| format!("bad URL {url:?}"))?;
    if uri.scheme_str() != Some("http") {
        bail!("only http:// URLs are fetched here, not {url:?}");
    }
    let authority = uri
        .authority()
        .with_context(|| format!("no host in {url:?}"))?
        .clone();
    let port = authority.port_u16().unwrap_or(80);
    let stream = TcpStream::connect((authority.host(), port))
        .await
        .with_context(|| format!("connecting to {authority}"))?;
    let _ = stream.set_nodelay(true);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .context("HTTP handshake")?;
    // The connection future moves the bytes; it ends when the response body is read or dropped.
    tokio::spawn(connection);
    let path = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .to_string();
    let request = Request::get(path)
        .header(HOST, authority.as_str())
        .body(Empty::<Bytes>::new())
        .context("building the request")?;
    sender
        .send_request(request)
        .await
        .with_context(|| format!("GET {url}"))
}

/// Sends `GET url` on a new connection and collects the whole body. See [`get_streaming`].
pub async fn get(url: &str) -> anyhow::Result<Fetched> {
    let started = Instant::now();
    let response = get_streaming(url).await?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .with_context(|| format!("reading the body of {url}"))?
        .to_bytes();
    Ok(Fetched {
        status,
        body,
        elapsed: started.elapsed(),
    })
}

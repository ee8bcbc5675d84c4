//! A real client against the real servers on ephemeral ports: the framed protocol answers requests
//! however they are split into writes, answers every malformed frame with `ERR` and keeps the
//! connection, survives clients that hang up mid-request or mid-reply, and the echo server serves
//! many clients at once. Synchronization is by the server's own counters (a `watch` channel) or
//! by the protocol itself, never by sleeping; the timeouts only turn a hang into a failure.

use std::net::SocketAddr;
use std::time::Duration;

use chapter_11::echo::{self, Behavior, EchoSettings};
use chapter_11::framed_protocol::{Framing, ProtocolServer, Request, Stats, parse};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Only turns a hang into a failure.
const LIMIT: Duration = Duration::from_secs(20);

struct Client {
    stream: BufReader<TcpStream>,
}

impl Client {
    async fn connect(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).await.expect("connects");
        stream.set_nodelay(true).expect("nodelay");
        Self {
            stream: BufReader::new(stream),
        }
    }

    async fn send(&mut self, bytes: &[u8]) {
        self.stream
            .get_mut()
            .write_all(bytes)
            .await
            .expect("writes");
    }

    /// The next reply line, or `None` once the server has closed.
    async fn reply(&mut self) -> Option<String> {
        let mut line = String::new();
        let n = tokio::time::timeout(LIMIT, self.stream.read_line(&mut line))
            .await
            .expect("a reply within the limit")
            .expect("reads");
        (n > 0).then(|| line.trim_end().to_string())
    }

    async fn ask(&mut self, request: &str) -> String {
        self.send(format!("{request}\n").as_bytes()).await;
        self.reply()
            .await
            .expect("a reply, not a closed connection")
    }
}

async fn wait_for(server: &ProtocolServer, done: impl FnMut(&Stats) -> bool) -> Stats {
    let mut rx = server.shared().watch();
    let stats = tokio::time::timeout(LIMIT, rx.wait_for(done))
        .await
        .expect("the server reaches the state within the limit")
        .expect("the server is alive");
    *stats
}

#[test]
fn requests_parse_as_documented() {
    assert_eq!(parse("PING"), Ok(Request::Ping));
    assert_eq!(
        parse("SET a b c"),
        Ok(Request::Set("a".into(), "b c".into()))
    );
    assert_eq!(parse("GET a"), Ok(Request::Get("a".into())));
    assert_eq!(
        parse("ECHO  two  spaces"),
        Ok(Request::Echo(" two  spaces".into()))
    );
    assert_eq!(parse("SLOW 10"), Ok(Request::Slow(10)));
    assert_eq!(parse("QUIT"), Ok(Request::Quit));
    for bad in [
        "",
        "ping",
        "PING now",
        "SET a",
        "SET",
        "GET",
        "GET a b",
        "SLOW",
        "SLOW -1",
        "SLOW 10001",
        "ECHO",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} parsed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_gets_every_reply_in_order() {
    let server = ProtocolServer::start(Framing::Lines).await.expect("starts");
    let mut client = Client::connect(server.addr()).await;
    assert_eq!(client.ask("PING").await, "PONG");
    assert_eq!(client.ask("GET x").await, "NIL");
    assert_eq!(client.ask("SET x 42 and more").await, "OK");
    assert_eq!(client.ask("GET x").await, "VALUE 42 and more");
    assert_eq!(client.ask("ECHO hello, channel").await, "hello, channel");
    assert_eq!(client.ask("SLOW 1").await, "DONE 1");
    // telnet ends lines with \r\n.
    assert_eq!(client.ask("PING\r").await, "PONG");
    assert_eq!(client.ask("QUIT").await, "BYE");
    assert_eq!(client.reply().await, None, "the server closes after BYE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_sent_one_byte_at_a_time_gets_one_reply() {
    let server = ProtocolServer::start(Framing::Lines).await.expect("starts");
    let mut client = Client::connect(server.addr()).await;
    for byte in b"SET slow poke\nGET slow\n" {
        client.send(&[*byte]).await;
    }
    assert_eq!(client.reply().await.as_deref(), Some("OK"));
    assert_eq!(client.reply().await.as_deref(), Some("VALUE poke"));
    assert_eq!(client.ask("PING").await, "PONG");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_malformed_frame_gets_an_err_and_the_connection_goes_on() {
    let server = ProtocolServer::start(Framing::Lines).await.expect("starts");
    let mut client = Client::connect(server.addr()).await;
    let cases: [(&[u8], &str); 7] = [
        (b"FLY me\n", "ERR unknown command \"FLY\""),
        (b"SET lonely\n", "ERR usage: SET <key> <value>"),
        (b"\xff\xfe\n", "ERR line is not UTF-8"),
        (b"\n", "ERR empty request"),
        (
            b"SLOW 99999999999999999999\n",
            "ERR usage: SLOW <ms from 0 to 10000>",
        ),
        (&[b'y'; 1025], "ERR line longer than 1024 bytes"),
        (&[b'z'; 70_000], "ERR line longer than 1024 bytes"),
    ];
    for (bytes, want) in cases {
        client.send(bytes).await;
        if bytes.last() != Some(&b'\n') {
            client.send(b"\n").await;
        }
        assert_eq!(client.reply().await.as_deref(), Some(want));
        assert_eq!(client.ask("PING").await, "PONG", "after {want}");
    }
    // A line of exactly the limit is fine.
    let longest = format!("ECHO {}", "w".repeat(1024 - 5));
    assert_eq!(client.ask(&longest).await, "w".repeat(1024 - 5));
    let stats = server.shared().stats();
    assert_eq!(stats.errors, 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_hangs_up_mid_request_does_not_hurt_the_server() {
    let server = ProtocolServer::start(Framing::Lines).await.expect("starts");
    let mut quitter = Client::connect(server.addr()).await;
    quitter.send(b"SET half-a-requ").await;
    drop(quitter);
    let stats = wait_for(&server, |s| s.truncated == 1 && s.closed == 1).await;
    assert_eq!(stats.requests, 0, "the half request was not executed");

    // One that hangs up inside an over-long line, too.
    let mut flooder = Client::connect(server.addr()).await;
    flooder.send(&[b'q'; 5_000]).await;
    drop(flooder);
    wait_for(&server, |s| s.truncated == 2 && s.closed == 2).await;

    let mut next = Client::connect(server.addr()).await;
    assert_eq!(next.ask("GET half-a-requ").await, "NIL");
    assert_eq!(next.ask("PING").await, "PONG");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_hangs_up_while_its_request_runs_does_not_hurt_the_server() {
    let server = ProtocolServer::start(Framing::Lines).await.expect("starts");
    let mut leaver = Client::connect(server.addr()).await;
    leaver.send(b"SLOW 50\n").await;
    wait_for(&server, |s| s.in_flight == 1).await;
    drop(leaver);
    // The server finishes the request, fails (or not) to deliver it, and closes the connection.
    wait_for(&server, |s| s.in_flight == 0 && s.closed == 1).await;
    let mut next = Client::connect(server.addr()).await;
    assert_eq!(next.ask("PING").await, "PONG");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_requests_come_back_in_order_from_many_clients() {
    let server = ProtocolServer::start(Framing::Lines).await.expect("starts");
    let addr = server.addr();
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..16 {
        tasks.spawn(async move {
            let (requests, expected) = chapter_11::framed_protocol::script(client, 500);
            let got = chapter_11::framed_protocol::pipeline(addr, &requests)
                .await
                .expect("pipelines");
            assert_eq!(got, expected, "client {client}");
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.expect("client passed");
    }
    let stats = server
        .stop_when(LIMIT, |s| s.closed == 16)
        .await
        .expect("stops");
    assert_eq!(stats.requests, 16 * 500);
    assert_eq!(stats.errors, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_echo_server_serves_a_hundred_clients_at_once() {
    let settings = EchoSettings {
        behavior: Behavior::Echo,
        clients: 100,
        messages: 20,
    };
    let run = tokio::time::timeout(LIMIT, echo::run_clients(settings))
        .await
        .expect("within the limit")
        .expect("runs");
    echo::check(settings, &run).expect("every reply exact");
    assert_eq!(run.rtts.len(), 100 * 20);
    assert_eq!(run.server.messages, 100 * 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_echo_protocol_logs_echoes_and_closes() {
    let server = echo::EchoServer::start(Behavior::EchoAndClose)
        .await
        .expect("starts");
    let mut stream = TcpStream::connect(server.addr()).await.expect("connects");
    stream.write_all(b"Hello, book").await.expect("writes");
    let mut reply = Vec::new();
    // read_to_end returns only because the server closes the transport.
    tokio::time::timeout(LIMIT, stream.read_to_end(&mut reply))
        .await
        .expect("the server closes")
        .expect("reads");
    assert_eq!(reply, b"Echoed back: Hello, book");
    let log = server.stop().await;
    assert_eq!(log.connections, 1);
    assert_eq!(log.closed_by_server, 1);
    assert!(
        log.lines[0].starts_with("Connection from 127.0.0.1:"),
        "{:?}",
        log.lines
    );
    assert_eq!(log.lines[1], "Data received: \"Hello, book\"");
    assert_eq!(log.lines[2], "Close the client socket");
}

#[test]
fn percentiles_are_nearest_rank() {
    let ms = |n: u64| Duration::from_millis(n);
    let sorted: Vec<Duration> = (1..=100).map(ms).collect();
    assert_eq!(echo::percentile(&sorted, 50.0), ms(50));
    assert_eq!(echo::percentile(&sorted, 99.0), ms(99));
    assert_eq!(echo::percentile(&sorted, 100.0), ms(100));
    assert_eq!(echo::percentile(&sorted, 0.0), ms(1));
    assert_eq!(echo::percentile(&[], 50.0), Duration::ZERO);
}

//! The tokio conversation (`converse`) on tokio's paused clock, over an in-memory pipe: the idle
//! timeout fires after exactly the configured silence (no real waiting), and a shutdown with a
//! request already sent still answers it before closing.

use std::time::Duration;

use chapter_18::lifecycle::{Shutdown, Stats};
use chapter_18::protocol::{IDLE, Limits};
use chapter_18::tokio_server::{Ending, converse};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LIMITS: Limits = Limits {
    max_line: 64,
    max_connections: 8,
    idle_timeout: Duration::from_secs(30),
};

#[tokio::test(start_paused = true)]
async fn a_silent_client_is_closed_after_the_idle_timeout() {
    let (server_end, mut client) = tokio::io::duplex(1024);
    let stats = Stats::default();
    let shutdown = Shutdown::default();
    let started = tokio::time::Instant::now();
    let client_side = async {
        client.write_all(b"1,2\n").await.expect("writes");
        let mut all = String::new();
        client.read_to_string(&mut all).await.expect("reads");
        (all, started.elapsed())
    };
    let (ending, (all, elapsed)) = tokio::join!(
        converse(server_end, LIMITS, &stats, shutdown.subscribe()),
        client_side
    );
    assert_eq!(ending.expect("ends"), Ending::IdleTimeout);
    assert_eq!(all, format!("starting in sum mode\n3\n{IDLE}\n"));
    assert!(elapsed >= LIMITS.idle_timeout, "{elapsed:?}");
    assert_eq!(stats.snapshot().idle_timeouts, 1);
}

#[tokio::test(start_paused = true)]
async fn shutdown_answers_what_was_already_sent() {
    let (server_end, mut client) = tokio::io::duplex(1024);
    let stats = Stats::default();
    let shutdown = Shutdown::default();
    let client_side = async {
        let mut welcome = [0u8; 21];
        client.read_exact(&mut welcome).await.expect("welcome");
        client
            .write_all(b"2,2\nproduct\n3,3\n")
            .await
            .expect("writes");
        shutdown.trigger();
        let mut rest = String::new();
        client.read_to_string(&mut rest).await.expect("reads");
        rest
    };
    let (ending, rest) = tokio::join!(
        converse(server_end, LIMITS, &stats, shutdown.subscribe()),
        client_side
    );
    assert_eq!(ending.expect("ends"), Ending::Shutdown);
    assert_eq!(rest, "4\nswitched to product mode\n9\n");
    assert_eq!(stats.snapshot().requests, 3);
}

//! The report of the `framed-protocol` example: what the clients got (the table), the requests
//! left without their reply, and the verdict: replies missing for `broken`, every request and
//! every malformed frame answered for `framed`. Apart from the protocol (in `framed_protocol.rs`)
//! so the lesson is not interleaved with the reporting.

use common::{Outcome, RunConfig, TableData, Verdict};

use super::{Framing, ProtocolRun};

/// The outcome of `run`, a run of `clients` pipelining clients of `count` requests each against a
/// server with `framing`.
pub(super) fn outcome(
    config: &RunConfig,
    framing: Framing,
    clients: usize,
    count: usize,
    run: &ProtocolRun,
) -> Outcome {
    let lost = run.requests - run.replies.min(run.requests);
    let mut table = TableData::new("what the clients got", &["", "sent", "replies", "correct"]);
    table.row([
        format!("{clients} pipelining clients"),
        common::format::count(run.requests),
        common::format::count(run.replies),
        common::format::count(run.correct),
    ]);
    table.row([
        "one malformed-frames client".to_string(),
        run.malformed.0.to_string(),
        "".to_string(),
        run.malformed.1.to_string(),
    ]);
    let outcome = config.outcome(Verdict::Showed)
        .key_figure("requests without their reply", lost as f64, "requests")
        .figure("requests sent", run.requests as f64, "requests")
        .figure("correct replies", run.correct as f64, "replies")
        .figure("malformed frames answered with ERR", run.malformed.1.saturating_sub(1) as f64, "frames")
        .figure("clients that hung up mid-request", run.server.truncated as f64, "clients")
        .figure("server connections served", run.server.connections as f64, "connections")
        .table(table)
        .line(format!(
            "Each client writes its {count} requests in one go and then reads; one more sends 7 malformed frames and a PING; one more hangs up after half a request."
        ));
    match framing {
        Framing::OneReadOneMessage => {
            let showed = lost > 0;
            Outcome { verdict: Verdict::from(showed), ..outcome }
                .line(format!("One read = one message: {} of {} requests got no reply of their own; the server took whole batches as one request.", common::format::count(lost), common::format::count(run.requests)))
                .notice("TCP is a byte stream: reads do not keep the client's message boundaries, so a server that trusts them answers the wrong questions")
        }
        Framing::Lines => {
            let showed = run.correct == run.requests
                && run.replies == run.requests
                && run.malformed.1 == run.malformed.0
                && run.server.truncated == 1;
            Outcome { verdict: Verdict::from(showed), ..outcome }
                .line("With the codec every request got its own reply, in order; every malformed frame got an ERR and the connection went on; the half request was noticed and the server kept serving.")
                .notice("framing puts the message boundaries back: the codec buffers partial lines and splits batched ones, whatever the reads look like")
        }
    }
}

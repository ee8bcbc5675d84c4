//! The chart `bounded-buffer --variant compare` attaches for `cargo xtask bench`, at quick
//! settings: its id, the shapes as categories, one line per channel with one point per shape,
//! every value positive — and, behind every point, every message delivered exactly once.
//! Structure and invariants only: how fast anything ran is never asserted.

#![cfg(not(shuttle))]

use chapter_20::CHAPTER;
use chapter_20::bounded_buffer::{Channel, Shape};
use common::{Outcome, RunConfig, Verdict};

fn compare(threads: usize) -> Outcome {
    let example = CHAPTER.example("bounded-buffer").expect("example exists");
    let mut config = RunConfig::quick(example, "compare");
    config.threads = threads;
    (example.run)(&config).expect("runs")
}

#[test]
fn compare_charts_every_channel_on_every_shape() {
    for n in [2, 3] {
        let outcome = compare(n);
        // Showed means every run finished and delivered every message exactly once (count and
        // checksum), so every point below stands for a complete delivery.
        assert_eq!(outcome.verdict, Verdict::Showed, "{outcome:#?}");
        assert_eq!(outcome.plots.len(), 1);
        let plot = &outcome.plots[0];
        assert_eq!(plot.id, "chapter-20-throughput-by-shape");
        let shapes: Vec<String> = Shape::table(n).iter().map(|s| s.label()).collect();
        assert_eq!(plot.x_categories, shapes);
        let names: Vec<&str> = plot.series.iter().map(|s| s.name.as_str()).collect();
        let labels: Vec<&str> = Channel::ALL.iter().map(|c| c.label()).collect();
        assert_eq!(names, labels);
        for series in &plot.series {
            let xs: Vec<f64> = series.points.iter().map(|p| p.0).collect();
            let expected: Vec<f64> = (0..shapes.len()).map(|i| i as f64).collect();
            assert_eq!(xs, expected, "{}: one point a shape", series.name);
            assert!(
                series.points.iter().all(|&(_, y)| y.is_finite() && y > 0.0),
                "{}: {:?}",
                series.name,
                series.points
            );
        }
    }
}

#[test]
fn the_full_sweep_adds_more_threads_than_cores() {
    let labels: Vec<String> = Shape::sweep(2).iter().map(|s| s.label()).collect();
    assert_eq!(labels, ["1:1", "2:1", "1:2", "2:2", "4:1", "1:4", "4:4"]);
}

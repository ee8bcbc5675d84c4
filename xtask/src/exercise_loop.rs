//! `cargo xtask exercise next | watch [ID] | reset ID` — the learner's loop around `check`.
//!
//! `next` names the first exercise, in chapter order, that is not done (done means: passed with
//! the file exactly as it is now). `watch` checks an exercise (the next one by default), then
//! sleeps until its file is saved again and checks it again; once it passes, it moves on to the
//! next exercise, until none is left. It sleeps in the kernel (inotify on the file's directory,
//! since editors often save by writing a new file and renaming it over the old one), not by
//! polling. `reset` puts a starter back as it was committed and forgets the exercise's progress,
//! after the learner confirms by typing the id (or passes `--yes`).

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, anyhow};
use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify};

use crate::UsageError;
use crate::exercise::{Checked, check_exercise};
use crate::exercises::{self, Exercise, Progress};
use crate::workspace;

/// The first exercise, in chapter order, that is not done.
fn first_undone(root: &Path, exercises: &[Exercise]) -> Result<Option<Exercise>> {
    let progress = Progress::load(root)?;
    Ok(exercises
        .iter()
        .find(|e| !progress.is_done(root, e))
        .cloned())
}

/// `exercise next`: what to do now.
pub fn next(root: &Path) -> Result<ExitCode> {
    let exercises = exercises::load(root)?;
    let Some(exercise) = first_undone(root, &exercises)? else {
        println!(
            "All {} exercises are done. `cargo xtask exercise list` shows them.",
            exercises.len()
        );
        return Ok(ExitCode::SUCCESS);
    };
    println!("Next: exercise {} — {}", exercise.id, exercise.title);
    println!("  your file: {}\n", exercise.starter);
    for line in exercise.task.trim().lines() {
        println!("  {line}");
    }
    println!("\nEdit the file, then:");
    let commands = [
        (
            format!("cargo xtask exercise check {}", exercise.id),
            "grade it once",
        ),
        (
            "cargo xtask exercise watch".to_string(),
            "grade it on every save",
        ),
        (
            format!("cargo xtask exercise hint {}", exercise.id),
            "when stuck",
        ),
    ];
    let width = commands.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    for (command, what) in commands {
        println!("  {command:width$}   {what}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `exercise watch [ID]`: check, wait for a save, check again; move on after a pass.
pub fn watch(root: &Path, id: Option<&str>) -> Result<ExitCode> {
    let exercises = exercises::load(root)?;
    let chapters = workspace::discover(root)?;
    let mut current = match id {
        Some(id) => exercises::find(&exercises, id)?.clone(),
        None => match first_undone(root, &exercises)? {
            Some(exercise) => exercise,
            None => {
                println!("All {} exercises are done.", exercises.len());
                return Ok(ExitCode::SUCCESS);
            }
        },
    };
    loop {
        let chapter = current
            .chapter_crate(&chapters)
            .ok_or_else(|| anyhow!("exercise {} has no chapter crate", current.id))?;
        if check_exercise(root, &current, chapter)? == Checked::Passed {
            match first_undone(root, &exercises)? {
                Some(next) => {
                    println!("\n→ On to exercise {} — {}", next.id, next.title);
                    println!("  your file: {}", next.starter);
                    current = next;
                    continue;
                }
                None => {
                    println!("\nAll {} exercises are done.", exercises.len());
                    return Ok(ExitCode::SUCCESS);
                }
            }
        }
        println!(
            "\nWatching {} — save it to check again (Ctrl-C to stop).",
            current.starter
        );
        SaveWatch::new(&root.join(&current.starter))?.wait()?;
        println!("\n{}", "─".repeat(60));
    }
}

/// A watch on one file: [`SaveWatch::wait`] returns once it has been saved since the watch
/// began — written and closed, or another file moved or created in its place (how many editors
/// save).
pub struct SaveWatch {
    inotify: Inotify,
    name: std::ffi::OsString,
}

impl SaveWatch {
    /// Starts watching `file` (through its directory).
    pub fn new(file: &Path) -> Result<Self> {
        let dir = file
            .parent()
            .ok_or_else(|| anyhow!("{} has no directory", file.display()))?;
        let inotify = Inotify::init(InitFlags::IN_CLOEXEC).context("inotify is not available")?;
        let flags =
            AddWatchFlags::IN_CLOSE_WRITE | AddWatchFlags::IN_MOVED_TO | AddWatchFlags::IN_CREATE;
        inotify
            .add_watch(dir, flags)
            .with_context(|| format!("cannot watch {}", dir.display()))?;
        Ok(Self {
            inotify,
            name: file.file_name().unwrap_or_default().to_os_string(),
        })
    }

    /// Sleeps until the file is saved; events for other files in its directory are skipped.
    pub fn wait(&self) -> Result<()> {
        loop {
            let events = self
                .inotify
                .read_events()
                .context("cannot read inotify events")?;
            if events
                .iter()
                .any(|e| e.name.as_deref() == Some(self.name.as_os_str()))
            {
                return Ok(());
            }
        }
    }
}

/// `exercise reset ID [--yes]`: the starter back as committed, the exercise's progress gone.
pub fn reset(root: &Path, id: &str, yes: bool) -> Result<ExitCode> {
    let exercises = exercises::load(root)?;
    let exercise = exercises::find(&exercises, id)?.clone();
    if !yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(UsageError(format!(
                "reset replaces {} and its progress; confirm with --yes when not at a terminal",
                exercise.starter
            ))
            .into());
        }
        print!(
            "This replaces {} with the committed starter: your work in it is lost. \
             Type {} to confirm: ",
            exercise.starter, exercise.id
        );
        std::io::stdout().flush()?;
        let mut answer = String::new();
        stdin.lock().read_line(&mut answer)?;
        if answer.trim() != exercise.id {
            println!("Not reset.");
            return Ok(ExitCode::FAILURE);
        }
    }
    let committed = Command::new("git")
        .current_dir(root)
        .args(["show", &format!("HEAD:{}", exercise.starter)])
        .output()
        .context("cannot run git")?;
    if !committed.status.success() {
        return Err(anyhow!(
            "git has no committed {}: {}",
            exercise.starter,
            String::from_utf8_lossy(&committed.stderr).trim()
        ));
    }
    let path = root.join(&exercise.starter);
    std::fs::write(&path, &committed.stdout)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut progress = Progress::load(root)?;
    progress.done.remove(&exercise.id);
    progress.hints.remove(&exercise.id);
    progress.save(root)?;
    println!(
        "Exercise {} reset: {} is the committed starter again, its hints and progress forgotten.",
        exercise.id, exercise.starter
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_editors_save_ends_the_wait_and_other_files_do_not() {
        let dir = std::env::temp_dir().join(format!("xtask-watch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("e1_task.rs");
        std::fs::write(&file, "fn a() {}\n").expect("write");
        let watch = SaveWatch::new(&file).expect("inotify works here");
        // Other files come first: `wait` must read past them to the save.
        std::fs::write(dir.join("other.rs"), "x").expect("write");
        std::fs::write(dir.join(".e1_task.rs.swp"), "fn b() {}\n").expect("write");
        std::fs::rename(dir.join(".e1_task.rs.swp"), &file).expect("rename over the file");
        watch.wait().expect("the save was seen");
        std::fs::remove_dir_all(&dir).ok();
    }
}

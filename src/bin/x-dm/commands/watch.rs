//! `x-dm watch`: new DM events as they arrive, each once, as one JSON line
//! exactly as X sent it, or handed to a command.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::TryStreamExt;
use futures::stream::BoxStream;
use x_dm::engine::{Batch, Feed, Poll, Position, Start};
use x_dm::x::Activity;
use x_dm::x::types::DmEvent;

use crate::args::Format;
use crate::context::Context;
use crate::exec::run_with_input;
use crate::export::Failure;
use crate::stop::Stop;
use crate::watch_state::{Mark, WatchState, mark_of, recover};

/// `x-dm watch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Watch this DM conversation only, instead of the whole inbox.
    #[arg(long, value_name = "ID")]
    pub conversation: Option<String>,

    /// Poll every SECONDS (decimals allowed), but never faster than the
    /// rate limit allows: an exhausted window is waited for. Default: the
    /// time left in the rate-limit window spread over the requests left in
    /// it (a minute at X's 15 requests per 15 minutes).
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    pub interval: Option<Duration>,

    /// Save the position here after each batch, atomically, and resume from
    /// it: killed and restarted with the same file, the watch neither loses
    /// nor repeats an event.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Start with the newest N events already there, oldest first, then go
    /// on with what arrives. A saved --state takes precedence.
    #[arg(long, value_name = "N")]
    pub backfill: Option<usize>,

    /// Where new events come from. `poll`: GET /2/dm_events (or the
    /// conversation's events) at the interval. `stream`: X's Activity API
    /// stream, with X_BEARER_TOKEN (the app's token), of the events the app
    /// subscribed to (`x-dm activity subscribe`); a disconnect's gap is
    /// filled by polling the inbox with the user's token. Each stream line
    /// is written as sent (`{"data": …}`), each DM event the gap fill finds
    /// as GET /2/dm_events sent it.
    #[arg(long, value_enum, default_value_t = EventSource::Poll)]
    pub source: EventSource,

    /// Run CMD (with `sh -c`) once per event, with the event's JSON on its
    /// standard input, instead of writing the event out. A non-zero exit
    /// stops the watch with exit code 1, and the saved position stays before
    /// that event, so that a restart offers it again.
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
}

type Event = x_dm::Item<DmEvent>;

/// `--source`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum EventSource {
    /// Poll the DM events.
    #[default]
    Poll,
    /// Follow the Activity API's stream.
    Stream,
}

/// Watches until interrupted (SIGINT, SIGTERM, SIGHUP), finishing the batch
/// at hand first.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    if context.format_given.is_some() && context.format != Format::Jsonl {
        return Err(Failure::Usage(
            "watch writes one JSON line per event: --format jsonl, or leave --format out".into(),
        ));
    }
    if args.exec.is_some() && context.output.is_some() {
        return Err(Failure::Usage(
            "--exec hands each event to the command: leave --output out".into(),
        ));
    }
    let streaming = args.source == EventSource::Stream;
    if streaming && args.conversation.is_some() {
        return Err(Failure::Usage(
            "--source stream follows the whole account: leave --conversation out".into(),
        ));
    }
    if streaming && args.interval.is_some() {
        return Err(Failure::Usage(
            "--interval sets how often --source poll polls: leave it out with --source stream"
                .into(),
        ));
    }
    let watching = match (&args.conversation, streaming) {
        (_, true) => "inbox (activity stream)".to_owned(),
        (Some(id), false) => format!("conversation {id}"),
        (None, false) => "inbox".to_owned(),
    };
    let mut saved = match &args.state {
        Some(path) => WatchState::load(path).map_err(Failure::Usage)?,
        None => None,
    };
    if let (Some(saved), Some(path)) = (&saved, &args.state)
        && saved.watching != watching
    {
        return Err(Failure::Usage(format!(
            "{}: this state is of a watch of the {}, not of the {watching}; use another state file or remove it",
            path.display(),
            saved.watching
        )));
    }
    let mut handler = match args.exec {
        Some(command) => Handler::Exec(command),
        None => Handler::Write(Sink::open(context.output.as_deref())?),
    };
    if let (Some(state), Handler::Write(sink), Some(path)) = (&mut saved, &handler, &args.state)
        && sink.catch_up(state)?
    {
        state.save(path)?;
    }
    let start = match (&saved, args.backfill) {
        (Some(state), _) => Start::At(state.position.clone()),
        (None, Some(n)) => Start::Backfill(n),
        (None, None) => Start::Now,
    };
    let mut saver = Saver {
        path: args.state.clone(),
        watching,
        last: saved.map(|state| (state.position, state.output)),
    };
    if streaming {
        return follow_stream(&context, start, handler, saver).await;
    }
    let client = context.x_client()?;
    let mut batches = match &args.conversation {
        Some(id) => configure(client.dm_events(id).watch(), start, args.interval),
        None => configure(client.inbox().watch(), start, args.interval),
    };
    let stop = Stop::listen()?;
    loop {
        let batch = tokio::select! {
            biased;
            () = stop.requested() => return Ok(()),
            batch = batches.try_next() => batch?,
        };
        let Some(batch) = batch else { return Ok(()) };
        match &mut handler {
            Handler::Exec(command) => {
                for (index, event) in batch.items.iter().enumerate() {
                    if let Err(failure) = exec(command, event).await {
                        saver.save(batch.position_before(index), None)?;
                        return Err(failure);
                    }
                    saver.save(batch.position_after(index), None)?;
                    if stop.is_requested() {
                        return Ok(());
                    }
                }
                saver.save(batch.position().clone(), None)?;
            }
            Handler::Write(sink) => {
                sink.write(batch.items.iter().map(json_of))?;
                let mark = sink.mark()?;
                saver.save(batch.position().clone(), mark)?;
            }
        }
    }
}

/// `--source stream`: each arrival handled, then its position saved; a
/// failed `--exec` saves the position before it.
async fn follow_stream(
    context: &Context,
    start: Start,
    mut handler: Handler,
    mut saver: Saver,
) -> Result<(), Failure> {
    let app = context.app_client()?;
    let user = context.x_client()?;
    let mut arrivals = app
        .activity_stream()
        .follow()
        .fill_gaps_from(user.inbox())
        .start(start)
        .stream();
    let stop = Stop::listen()?;
    loop {
        let arrival = tokio::select! {
            biased;
            () = stop.requested() => return Ok(()),
            arrival = arrivals.try_next() => arrival?,
        };
        let Some(arrival) = arrival else {
            return Ok(());
        };
        let json = activity_json(&arrival.activity);
        match &mut handler {
            Handler::Exec(command) => {
                let what = "this activity; the watch stops before it, and a restart with the same --state offers its DM again";
                if let Err(failure) = run_with_input(command, &json, what).await {
                    saver.save(arrival.before, None)?;
                    return Err(failure);
                }
                saver.save(arrival.position, None)?;
            }
            Handler::Write(sink) => {
                sink.write([json])?;
                let mark = sink.mark()?;
                saver.save(arrival.position, mark)?;
            }
        }
    }
}

fn activity_json(activity: &Activity) -> String {
    match (activity.raw_json(), activity) {
        (Some(raw), _) => raw.to_owned(),
        (None, Activity::Recovered(event)) => json_of(event),
        (None, _) => String::new(),
    }
}

/// What becomes of each event: handed to `--exec`, or written out.
enum Handler {
    Exec(String),
    Write(Sink),
}

fn configure<F: Feed<Item = Event>>(
    poll: Poll<F>,
    start: Start,
    interval: Option<Duration>,
) -> BoxStream<'static, Result<Batch<Event>, x_dm::Error>> {
    let poll = poll.start(start);
    match interval {
        Some(interval) => poll.interval(interval),
        None => poll,
    }
    .stream()
}

/// `--interval`: seconds, more than none and at most a day.
fn seconds(value: &str) -> Result<Duration, String> {
    let seconds: f64 = value
        .parse()
        .map_err(|_| format!("`{value}` is not a number of seconds"))?;
    if !(seconds > 0.0 && seconds <= 86_400.0) {
        return Err("must be more than 0 and at most 86400 seconds".into());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Saves the position to `--state`, when given and when it moved.
struct Saver {
    path: Option<PathBuf>,
    watching: String,
    last: Option<(Position, Option<Mark>)>,
}

impl Saver {
    fn save(&mut self, position: Position, output: Option<Mark>) -> io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let state = (position, output);
        if self.last.as_ref() == Some(&state) {
            return Ok(());
        }
        WatchState {
            watching: self.watching.clone(),
            position: state.0.clone(),
            output,
        }
        .save(path)?;
        self.last = Some(state);
        Ok(())
    }
}

/// Runs `command` with the event on its standard input.
async fn exec(command: &str, event: &Event) -> Result<(), Failure> {
    let what = format!(
        "event {}; the watch stops before it, and a restart with the same --state offers it again",
        event.id
    );
    run_with_input(command, &json_of(event), &what).await
}

fn json_of(event: &Event) -> String {
    match event.raw_json() {
        Some(raw) => raw.to_owned(),
        None => serde_json::to_string(event).unwrap_or_default(),
    }
}

/// Where event lines go: standard output or `--output`, and, when that is
/// a regular file, the file itself, to say how long it is and to read back
/// what a killed run wrote.
struct Sink {
    writer: BufWriter<Box<dyn Write>>,
    file: Option<File>,
    /// Where the same file can be opened for reading.
    readable: Option<PathBuf>,
}

impl Sink {
    fn open(output: Option<&Path>) -> io::Result<Self> {
        match output {
            Some(path) => {
                let file = OpenOptions::new().create(true).append(true).open(path)?;
                Ok(Self {
                    writer: BufWriter::with_capacity(64 * 1024, Box::new(file.try_clone()?)),
                    file: Some(file),
                    readable: Some(path.to_owned()),
                })
            }
            None => Ok(Self {
                writer: BufWriter::with_capacity(64 * 1024, Box::new(io::stdout().lock())),
                file: stdout_file(),
                readable: Some(PathBuf::from("/proc/self/fd/1")),
            }),
        }
    }

    /// Takes in what a killed run wrote past the saved mark: the position
    /// moves after its last whole line. Whether the state changed.
    fn catch_up(&self, state: &mut WatchState) -> io::Result<bool> {
        let (Some(mark), Some(file), Some(readable)) = (state.output, &self.file, &self.readable)
        else {
            return Ok(false);
        };
        let Ok(reader) = File::open(readable) else {
            return Ok(false);
        };
        let Some(unsaved) = recover(mark, file, reader)? else {
            return Ok(false);
        };
        if let Some(id) = unsaved.last_id {
            state.position = Position::after(id);
        }
        state.output = Some(Mark {
            len: unsaved.len,
            ..mark
        });
        Ok(true)
    }

    /// Writes events, one JSON line each, and flushes them; on a file, to
    /// the disk, so that the position saved next never runs ahead of the
    /// output.
    fn write(&mut self, events: impl IntoIterator<Item = impl AsRef<str>>) -> io::Result<()> {
        let mut any = false;
        for event in events {
            self.writer.write_all(event.as_ref().as_bytes())?;
            self.writer.write_all(b"\n")?;
            any = true;
        }
        self.writer.flush()?;
        if let Some(file) = &self.file
            && any
        {
            file.sync_data()?;
        }
        Ok(())
    }

    fn mark(&self) -> io::Result<Option<Mark>> {
        match &self.file {
            Some(file) => mark_of(file),
            None => Ok(None),
        }
    }
}

/// Standard output, when it is a regular file.
#[cfg(unix)]
fn stdout_file() -> Option<File> {
    use std::os::fd::AsFd;
    let file = File::from(io::stdout().as_fd().try_clone_to_owned().ok()?);
    file.metadata().ok()?.is_file().then_some(file)
}

#[cfg(not(unix))]
fn stdout_file() -> Option<File> {
    None
}

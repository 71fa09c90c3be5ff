//! Writing items in the chosen format, page by page, buffered.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use bytes::Bytes;
use x_dm::compact_json;

use crate::args::Format;

/// One item, ready for any format.
#[derive(Debug)]
pub struct Row {
    /// The item's id, to recognise it again at the next page's start.
    pub id: String,
    /// The item's JSON as the API sent it.
    pub raw: Bytes,
    /// The table's columns: time, sender, type, text.
    pub cells: [String; 4],
}

/// Where items go, and how far the output has got.
pub struct Output {
    writer: BufWriter<Box<dyn Write>>,
    /// The file behind the writer, when a checkpoint will say how far it
    /// got: each page is made durable before the checkpoint records it.
    durable: Option<File>,
    format: Format,
    /// Bytes in the output so far, resumed ones included.
    position: u64,
    items: u64,
    /// Whether the JSON array's bracket has been written.
    closed: bool,
}

impl Output {
    /// Writes to `file` (already cut back to `position`) or to standard
    /// output, after `items` items written by earlier runs. With `durable`,
    /// each page reaches the disk before [`commit_page`](Self::commit_page)
    /// returns; without a checkpoint to keep in step, flushing is enough.
    pub fn new(
        file: Option<File>,
        format: Format,
        position: u64,
        items: u64,
        durable: bool,
    ) -> io::Result<Self> {
        let (sink, sync): (Box<dyn Write>, Option<File>) = match file {
            Some(file) => {
                let sync = durable.then(|| file.try_clone()).transpose()?;
                (Box::new(file), sync)
            }
            None => (Box::new(io::stdout().lock()), None),
        };
        let mut output = Self {
            // Large enough that a 100-item page is a handful of writes.
            writer: BufWriter::with_capacity(64 * 1024, sink),
            durable: sync,
            format,
            position,
            items,
            closed: false,
        };
        if format == Format::Json && position == 0 {
            output.write(b"[")?;
        }
        Ok(output)
    }

    /// Writes one page: its rows, or its body for the `pages` format.
    pub fn page(&mut self, body: &[u8], rows: &[Row]) -> io::Result<()> {
        match self.format {
            // One body or item per line: whitespace between tokens is
            // dropped, and nothing else changes, numbers and escapes included.
            Format::Pages => {
                self.write(&compact_json(body))?;
                self.write(b"\n")?;
            }
            Format::Jsonl => {
                for row in rows {
                    self.write(&compact_json(&row.raw))?;
                    self.write(b"\n")?;
                }
            }
            Format::Json => {
                for row in rows {
                    let separator: &[u8] = if self.items == 0 { b"\n" } else { b",\n" };
                    self.write(separator)?;
                    self.write(&compact_json(&row.raw))?;
                    self.items += 1;
                }
                return Ok(());
            }
            Format::Table => {
                for row in rows {
                    let [time, sender, kind, text] = &row.cells;
                    let line =
                        format!("{time:<24}  {sender:<16}  {kind:<17}  {}\n", one_line(text));
                    self.write(line.as_bytes())?;
                }
            }
        }
        self.items += rows.len() as u64;
        Ok(())
    }

    /// Flushes the page to the file (and to the disk when writing a file) and
    /// returns the output's length, for the checkpoint.
    pub fn commit_page(&mut self) -> io::Result<u64> {
        self.writer.flush()?;
        if let Some(file) = &self.durable {
            match file.sync_data() {
                // `/dev/null` and the like cannot be synced, and need not be.
                Err(error) if error.kind() == io::ErrorKind::InvalidInput => {}
                other => other?,
            }
        }
        Ok(self.position)
    }

    /// Ends the output: the JSON array's closing bracket, once.
    pub fn close(&mut self) -> io::Result<()> {
        if self.format == Format::Json && !self.closed {
            self.closed = true;
            self.write(if self.items == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        Ok(())
    }

    /// Closes the output if that has not happened yet, and flushes it.
    pub fn finish(mut self) -> io::Result<()> {
        self.close()?;
        self.writer.flush()
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes)?;
        self.position += bytes.len() as u64;
        Ok(())
    }
}

/// Text on one line, safe for a terminal: line breaks, tabs and escape
/// sequences' control characters become spaces.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

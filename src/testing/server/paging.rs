//! The fake's page tokens and the slices of a list they name.
//!
//! A token is a prefix of the endpoint that issued it, a direction letter and
//! a zero-padded offset: only the fake can read it, and a token is only good
//! where it was issued. How long a token must be is the spec's rule, checked
//! with the other parameters; these are the checks only the fake knows.

/// Where a token points: the page starting at an offset (`next_token`) or
/// the page ending just before one (`previous_token`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cursor {
    From(usize),
    Before(usize),
}

impl Cursor {
    /// At least 16 characters, as X's tokens are.
    pub fn encode(self, prefix: &str) -> String {
        match self {
            Cursor::From(offset) => format!("{prefix}N{offset:012}"),
            Cursor::Before(offset) => format!("{prefix}P{offset:012}"),
        }
    }

    pub fn decode(prefix: &str, token: &str) -> Option<Cursor> {
        let (direction, offset) = token.strip_prefix(prefix)?.split_at_checked(1)?;
        if offset.len() != 12 || !offset.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let offset = offset.parse().ok()?;
        match direction {
            "N" => Some(Cursor::From(offset)),
            "P" => Some(Cursor::Before(offset)),
            _ => None,
        }
    }
}

/// The items of one page and the tokens around it.
pub(crate) struct Slice {
    pub start: usize,
    pub end: usize,
    pub next: Option<Cursor>,
    pub previous: Option<Cursor>,
}

/// The page `cursor` names among `len` items, `size` at most; `None` for a
/// cursor the fake cannot have issued for this list.
pub(crate) fn slice(cursor: Option<Cursor>, size: usize, len: usize) -> Option<Slice> {
    let (start, end) = match cursor {
        None => (0, size.min(len)),
        Some(Cursor::From(start)) if start < len => (start, start.saturating_add(size).min(len)),
        Some(Cursor::Before(end)) if (1..=len).contains(&end) => (end.saturating_sub(size), end),
        Some(_) => return None,
    };
    Some(Slice {
        start,
        end,
        next: (end < len).then_some(Cursor::From(end)),
        previous: (start > 0).then_some(Cursor::Before(start)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_anything_else() {
        for cursor in [Cursor::From(0), Cursor::From(1200), Cursor::Before(7)] {
            let token = cursor.encode("DMEV");
            assert!(token.len() >= 16, "{token}");
            assert_eq!(Cursor::decode("DMEV", &token), Some(cursor));
            assert_eq!(Cursor::decode("CHAT", &token), None);
        }
        for bad in [
            "",
            "DMEV",
            "DMEVN",
            "DMEVX000000000001",
            "DMEVN00000000001",
            "DMEVN0000000000ü1",
            "DMEVN+00000000001",
        ] {
            assert_eq!(Cursor::decode("DMEV", bad), None, "{bad}");
        }
    }

    #[test]
    fn slices_walk_both_ways_without_overlap() {
        let first = slice(None, 100, 250).unwrap();
        assert_eq!((first.start, first.end, first.previous), (0, 100, None));
        let third = slice(
            first.next.and_then(|n| slice(Some(n), 100, 250)?.next),
            100,
            250,
        )
        .unwrap();
        assert_eq!((third.start, third.end, third.next), (200, 250, None));
        let back = slice(Some(Cursor::Before(50)), 100, 250).unwrap();
        assert_eq!((back.start, back.end, back.previous), (0, 50, None));
        assert!(slice(Some(Cursor::From(250)), 100, 250).is_none());
        assert!(slice(Some(Cursor::Before(0)), 100, 250).is_none());
        assert!(slice(Some(Cursor::Before(251)), 100, 250).is_none());
        let empty = slice(None, 100, 0).unwrap();
        assert_eq!((empty.start, empty.end, empty.next), (0, 0, None));
    }
}

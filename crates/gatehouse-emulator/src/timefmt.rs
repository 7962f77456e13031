//! Graph's datetime strings (`2026-01-02T03:04:05+0000`).

use time::macros::format_description;
use time::OffsetDateTime;

/// `unix` seconds as Graph writes a datetime (UTC, `+0000`). Out-of-range values (beyond year
/// 9999) are written as the epoch: the emulator never has such dates.
pub fn graph_time(unix: i64) -> String {
    let format = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
    );
    OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .format(&format)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(super::graph_time(0), "1970-01-01T00:00:00+0000");
        assert_eq!(super::graph_time(1_712_099_387), "2024-04-02T23:09:47+0000");
    }
}

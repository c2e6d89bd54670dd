//! A read-only string lookup table, built once per form: answer keys to elements, and the
//! codes of each choice list. Validation looks up every key and code of every submission, so
//! a lookup is one short hash and one comparison, whatever the size of the list.

/// Strings and their values in an open-addressed table (linear probing, at most half full).
#[derive(Debug, Clone, Default)]
pub(crate) struct Table<V> {
    entries: Vec<(String, V)>,
    /// Indices into `entries` plus one; 0 is an empty bucket. Its length is a power of two.
    buckets: Vec<u32>,
}

/// A multiply-rotate hash over eight bytes at a time (as in rustc's FxHash), with the length
/// mixed in: short keys hash in a handful of cycles. The last bytes are read as one word that
/// overlaps the ones before (or as two halves of a short key), never copied byte by byte.
fn hash(key: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let bytes = key.as_bytes();
    let mut hash = (bytes.len() as u64).wrapping_mul(K);
    let mut mix = |word: u64| hash = (hash.rotate_left(5) ^ word).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        mix(word(chunk));
    }
    let len = bytes.len();
    if !chunks.remainder().is_empty() {
        mix(match len {
            8.. => word(&bytes[len - 8..]),
            4.. => u64::from(half(&bytes[..4])) | u64::from(half(&bytes[len - 4..])) << 32,
            _ => {
                u64::from(bytes[0])
                    | u64::from(bytes[len / 2]) << 8
                    | u64::from(bytes[len - 1]) << 16
            }
        });
    }
    // The high bits are the best mixed: fold them down for the bucket index.
    hash ^ (hash >> 29)
}

/// Whether two strings are the same. Keys and codes are short: compared a word at a time
/// (the last word overlapping the one before), in line, rather than by a call to the C
/// library's `memcmp`, which costs more than the comparison itself.
#[inline]
pub(crate) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let len = a.len();
    if len != b.len() {
        return false;
    }
    match len {
        0 => true,
        1..=3 => a[0] == b[0] && a[len / 2] == b[len / 2] && a[len - 1] == b[len - 1],
        4..=7 => half(a) == half(b) && half(&a[len - 4..]) == half(&b[len - 4..]),
        8..=32 => {
            let mut at = 0;
            while at + 8 < len {
                if word(&a[at..]) != word(&b[at..]) {
                    return false;
                }
                at += 8;
            }
            word(&a[len - 8..]) == word(&b[len - 8..])
        }
        _ => a == b,
    }
}

/// Eight bytes as a little-endian word.
fn word(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(word)
}

/// Four bytes as a little-endian word.
fn half(bytes: &[u8]) -> u32 {
    let mut half = [0u8; 4];
    half.copy_from_slice(&bytes[..4]);
    u32::from_le_bytes(half)
}

impl<V> Table<V> {
    /// A table of `entries`; a later duplicate key is ignored.
    pub(crate) fn new(entries: impl IntoIterator<Item = (String, V)>) -> Table<V> {
        let mut table = Table {
            entries: Vec::new(),
            buckets: Vec::new(),
        };
        let entries: Vec<(String, V)> = entries.into_iter().collect();
        let size = (entries.len() * 2).next_power_of_two().max(8);
        table.buckets = vec![0; size];
        for (key, value) in entries {
            if table.get(&key).is_some() {
                continue;
            }
            let mask = size - 1;
            let mut bucket = (hash(&key) as usize) & mask;
            while table.buckets[bucket] != 0 {
                bucket = (bucket + 1) & mask;
            }
            table.entries.push((key, value));
            table.buckets[bucket] = u32::try_from(table.entries.len()).unwrap_or(u32::MAX);
        }
        table
    }

    /// The value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        if self.buckets.is_empty() {
            return None;
        }
        let mask = self.buckets.len() - 1;
        let mut bucket = (hash(key) as usize) & mask;
        loop {
            let slot = self.buckets[bucket] as usize;
            let (known, value) = self.entries.get(slot.checked_sub(1)?)?;
            if same(known, key) {
                return Some(value);
            }
            bucket = (bucket + 1) & mask;
        }
    }

    /// Whether `key` is in the table.
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Table, same};

    #[test]
    fn finds_every_key_and_nothing_else() {
        for size in [0, 1, 2, 7, 8, 9, 100, 1000] {
            let table = Table::new((0..size).map(|n| (format!("code_{n}"), n)));
            for n in 0..size {
                assert_eq!(table.get(&format!("code_{n}")), Some(&n));
            }
            assert_eq!(table.get("code_x"), None);
            assert_eq!(table.get(""), None);
            assert!(!table.contains(&format!("code_{size}")));
        }
        let duplicates = Table::new([("a".to_owned(), 1), ("a".to_owned(), 2)]);
        assert_eq!(duplicates.get("a"), Some(&1));
    }

    proptest! {
        /// The word-at-a-time comparison agrees with the standard one: on unrelated strings,
        /// and on strings of the same length that differ in one byte, wherever it is.
        #[test]
        fn same_is_equality(
            a in "[a-z]{0,40}",
            b in "[a-z]{0,40}",
            at in any::<prop::sample::Index>(),
        ) {
            prop_assert_eq!(same(&a, &b), a == b);
            prop_assert!(same(&a, &a.clone()));
            if !a.is_empty() {
                let mut near = a.clone().into_bytes();
                let at = at.index(near.len());
                near[at] = if near[at] == b'z' { b'y' } else { b'z' };
                let near = String::from_utf8(near).unwrap_or_default();
                prop_assert!(!same(&a, &near), "{} and {}", a, near);
            }
        }
    }

    #[test]
    fn finds_keys_that_differ_in_one_byte() {
        for len in 1..40 {
            let keys: Vec<String> = (0..len)
                .map(|at| {
                    let mut key = vec![b'k'; len];
                    key[at] = b'z';
                    String::from_utf8(key).unwrap_or_default()
                })
                .collect();
            let table = Table::new(keys.iter().cloned().zip(0..));
            for (index, key) in keys.iter().enumerate() {
                assert_eq!(table.get(key), Some(&index));
            }
            assert_eq!(table.get(&"k".repeat(len)), None);
        }
    }
}

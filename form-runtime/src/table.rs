//! A read-only string lookup table, built once per form: answer keys to elements, and the
//! codes of each choice list. Validation looks up every key and code of every submission, so
//! a look-up is one short hash and one comparison, whatever the size of the list.

/// Strings and their values in an open-addressed table (linear probing, at most half full).
/// The hash is seeded, and the seed is chosen when the table is built so that as many keys as
/// possible sit in their own bucket: a look-up is then one hash, one bucket and one comparison,
/// with words of the key worked out for the hash ([`Key`]).
#[derive(Debug, Clone)]
pub(crate) struct Table<V> {
    /// Its length is a power of two.
    buckets: Vec<Option<(Key, V)>>,
    seed: u64,
}

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table {
            buckets: Vec::new(),
            seed: 0,
        }
    }
}

/// How many seeds are tried when a table is built, looking for one that gives every key a
/// bucket of its own.
const SEEDS: u64 = 32;

/// A hash of a key's bytes and length. A key of up to 16 bytes is read as its first and last
/// eight bytes (or fewer, for a short key), overlapping; a longer one has its middle words
/// folded in as well, so that ids differing only in the middle (`section_01_question_what`,
/// `section_02_question_what`) still hash apart. A multiply-fold, as in the wyhash family.
#[inline]
pub(crate) fn hash(bytes: &[u8], seed: u64) -> u64 {
    hash_with_ends(bytes, ends(bytes), seed)
}

/// [`hash`], with the key's [`ends`] worked out already.
#[inline(always)]
fn hash_with_ends(bytes: &[u8], (first, last): (u64, u64), seed: u64) -> u64 {
    const K0: u64 = 0xa076_1d64_78bd_642f;
    const K1: u64 = 0xe703_7ed1_a0b4_28db;
    let fold = |a: u64, b: u64| {
        let folded = u128::from(a ^ K0) * u128::from(b ^ K1);
        (folded as u64) ^ ((folded >> 64) as u64)
    };
    let len = bytes.len();
    let mut first = first ^ seed;
    // Words from the ninth byte on, until the last eight bytes: the last may overlap them.
    let mut at = 8;
    while at + 8 < len {
        first = fold(first, word(&bytes[at..]));
        at += 8;
    }
    fold(first, last ^ (len as u64))
}

/// Whether two strings are the same. Keys and codes are short: compared a word at a time
/// (the last word overlapping the one before), in line, rather than by a call to the C
/// library's `memcmp`, which costs more than the comparison itself.
#[inline]
pub(crate) fn same(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

/// [`same`], on bytes.
#[inline(always)]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
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

/// A key held for comparing with other keys quickly: its length, its first and last eight
/// bytes (overlapping, or the halves of a shorter key) and the eight after the first, which for
/// a key of up to 24 bytes are all of it.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    text: String,
    ends: (u64, u64),
    middle: u64,
}

impl Key {
    pub(crate) fn new(text: &str) -> Key {
        Key {
            text: text.to_owned(),
            ends: ends(text.as_bytes()),
            middle: middle(text.as_bytes()),
        }
    }

    /// Whether `bytes` are this key's.
    #[inline(always)]
    pub(crate) fn is(&self, bytes: &[u8]) -> bool {
        self.is_with_ends(bytes, ends(bytes))
    }

    /// [`Key::is`], with the bytes' [`ends`] worked out already.
    #[inline(always)]
    fn is_with_ends(&self, bytes: &[u8], ends: (u64, u64)) -> bool {
        let len = bytes.len();
        len == self.text.len()
            && ends == self.ends
            && (len <= 16 || middle(bytes) == self.middle)
            && (len <= 24 || same_bytes(bytes, self.text.as_bytes()))
    }
}

/// The eight bytes after the first eight, of a key longer than 16 bytes (else 0).
#[inline(always)]
fn middle(bytes: &[u8]) -> u64 {
    if bytes.len() > 16 {
        word(&bytes[8..])
    } else {
        0
    }
}

/// The first and last eight bytes of `bytes`, overlapping (or fewer, for a short key).
#[inline(always)]
fn ends(bytes: &[u8]) -> (u64, u64) {
    let len = bytes.len();
    match len {
        8.. => (word(bytes), word(&bytes[len - 8..])),
        4.. => (u64::from(half(bytes)), u64::from(half(&bytes[len - 4..]))),
        1.. => (
            u64::from(bytes[0]) | u64::from(bytes[len / 2]) << 8 | u64::from(bytes[len - 1]) << 16,
            0,
        ),
        0 => (0, 0),
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
        let mut seen = std::collections::HashSet::new();
        let keys: Vec<(String, V)> = entries
            .into_iter()
            .filter(|(key, _)| seen.insert(key.clone()))
            .collect();
        let size = (keys.len() * 2).next_power_of_two().max(8);
        let mask = size - 1;
        // The seed that leaves the fewest keys outside their own bucket.
        let displaced = |seed: u64| {
            let mut taken = vec![false; size];
            let mut displaced = 0;
            for (key, _) in &keys {
                let home = (hash(key.as_bytes(), seed) as usize) & mask;
                if std::mem::replace(&mut taken[home], true) {
                    displaced += 1;
                }
            }
            displaced
        };
        let seed = (0..SEEDS)
            .map(|seed| seed.wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .min_by_key(|&seed| displaced(seed))
            .unwrap_or(0);
        let mut table = Table {
            buckets: (0..size).map(|_| None).collect(),
            seed,
        };
        for (key, value) in keys {
            let mut bucket = (hash(key.as_bytes(), seed) as usize) & mask;
            while table.buckets[bucket].is_some() {
                bucket = (bucket + 1) & mask;
            }
            table.buckets[bucket] = Some((Key::new(&key), value));
        }
        table
    }

    /// The value of `key`.
    #[inline]
    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.get_bytes(key.as_bytes())
    }

    /// The value of the key whose bytes are `key`.
    #[inline(always)]
    pub(crate) fn get_bytes(&self, key: &[u8]) -> Option<&V> {
        let mask = self.buckets.len().checked_sub(1)?;
        let ends = ends(key);
        let mut bucket = (hash_with_ends(key, ends, self.seed) as usize) & mask;
        loop {
            let (known, value) = self.buckets.get(bucket)?.as_ref()?;
            if known.is_with_ends(key, ends) {
                return Some(value);
            }
            bucket = (bucket + 1) & mask;
        }
    }

    /// Whether the key whose bytes are `key` is in the table.
    #[inline(always)]
    pub(crate) fn contains(&self, key: &[u8]) -> bool {
        self.get_bytes(key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Key, Table, hash, same};

    #[test]
    fn finds_every_key_and_nothing_else() {
        for size in [0, 1, 2, 7, 8, 9, 100, 1000] {
            let table = Table::new((0..size).map(|n| (format!("code_{n}"), n)));
            for n in 0..size {
                assert_eq!(table.get(&format!("code_{n}")), Some(&n));
            }
            assert_eq!(table.get("code_x"), None);
            assert_eq!(table.get(""), None);
            assert!(!table.contains(format!("code_{size}").as_bytes()));
        }
        let duplicates = Table::new([("a".to_owned(), 1), ("a".to_owned(), 2)]);
        assert_eq!(duplicates.get("a"), Some(&1));
    }

    proptest! {
        /// The word-at-a-time comparisons (of strings, and of a held key with bytes) agree with
        /// the standard one: on unrelated strings, and on strings of the same length that differ
        /// in one byte, wherever it is.
        #[test]
        fn same_is_equality(
            a in "[a-z]{0,40}",
            b in "[a-z]{0,40}",
            at in any::<prop::sample::Index>(),
        ) {
            prop_assert_eq!(same(&a, &b), a == b);
            prop_assert_eq!(Key::new(&a).is(b.as_bytes()), a == b);
            prop_assert!(Key::new(&a).is(a.as_bytes()));
            prop_assert!(same(&a, &a.clone()));
            if !a.is_empty() {
                let mut near = a.clone().into_bytes();
                let at = at.index(near.len());
                near[at] = if near[at] == b'z' { b'y' } else { b'z' };
                let near = String::from_utf8(near).unwrap_or_default();
                prop_assert!(!same(&a, &near), "{} and {}", a, near);
                prop_assert!(!Key::new(&a).is(near.as_bytes()), "{} and {}", a, near);
            }
        }
    }

    #[test]
    fn keys_differing_only_in_the_middle_hash_apart() {
        let keys: Vec<String> = (0..200)
            .map(|n| format!("section_{n:03}_question_what"))
            .collect();
        let mut hashes: Vec<u64> = keys.iter().map(|key| hash(key.as_bytes(), 0)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), keys.len());
        let table = Table::new(keys.iter().cloned().zip(0..));
        for (index, key) in keys.iter().enumerate() {
            assert_eq!(table.get(key), Some(&index));
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

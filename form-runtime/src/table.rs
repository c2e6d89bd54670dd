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
/// mixed in: short keys hash in a handful of cycles.
pub(crate) fn hash(key: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let bytes = key.as_bytes();
    let mut hash = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    // The high bits are the best mixed: fold them down for the bucket index.
    hash ^ (hash >> 29)
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
        self.get_hashed(hash(key), key)
    }

    /// The value of `key`, whose [`hash`] the caller has worked out.
    pub(crate) fn get_hashed(&self, hash: u64, key: &str) -> Option<&V> {
        if self.buckets.is_empty() {
            return None;
        }
        let mask = self.buckets.len() - 1;
        let mut bucket = (hash as usize) & mask;
        loop {
            let slot = self.buckets[bucket] as usize;
            let (known, value) = self.entries.get(slot.checked_sub(1)?)?;
            if known == key {
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
    use super::Table;

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
}

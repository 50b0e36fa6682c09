//! Hash slots: `CRC16(key) mod 16384`, where a key holding a non-empty
//! `{hash tag}` is hashed by the tag alone, so `{user:1}:name` and
//! `{user:1}:email` share a slot.

/// The number of hash slots in a Redis cluster.
pub const SLOT_COUNT: u16 = 16384;

/// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), the checksum
/// Redis Cluster hashes keys with.
///
/// ```
/// use redis_typed::cluster::crc16;
/// assert_eq!(crc16(b"123456789"), 0x31C3);
/// ```
pub fn crc16(data: &[u8]) -> u16 {
    // One table lookup per byte instead of eight shift-and-xor steps: every
    // routed command hashes its key.
    data.iter().fold(0u16, |crc, &byte| {
        (crc << 8) ^ CRC16_TABLE[usize::from((crc >> 8) as u8 ^ byte)]
    })
}

/// The CRC of each byte value alone, computed at compile time.
const CRC16_TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = crc16_bitwise_byte(i as u16);
        i += 1;
    }
    table
};

/// The CRC of one byte, bit by bit (the definition the table caches).
const fn crc16_bitwise_byte(byte: u16) -> u16 {
    let mut crc = byte << 8;
    let mut bit = 0;
    while bit < 8 {
        crc = if crc & 0x8000 != 0 {
            (crc << 1) ^ 0x1021
        } else {
            crc << 1
        };
        bit += 1;
    }
    crc
}

/// The part of `key` that is hashed: the first `{...}` with something
/// between the braces, else the whole key.
pub fn hash_tag(key: &[u8]) -> &[u8] {
    if let Some(open) = memchr::memchr(b'{', key) {
        if let Some(len) = memchr::memchr(b'}', &key[open + 1..]) {
            if len > 0 {
                return &key[open + 1..open + 1 + len];
            }
        }
    }
    key
}

/// The hash slot of `key`.
///
/// ```
/// use redis_typed::cluster::hash_slot;
/// assert_eq!(hash_slot(b"foo"), 12182);
/// assert_eq!(hash_slot(b"{user1000}.following"), hash_slot(b"{user1000}.followers"));
/// assert_eq!(hash_slot(b"foo{}{bar}"), hash_slot(b"foo{}{bar}")); // `{}` is not a tag
/// ```
pub fn hash_slot(key: &[u8]) -> u16 {
    crc16(hash_tag(key)) % SLOT_COUNT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_slots() {
        assert_eq!(hash_slot(b"foo"), 12182);
        assert_eq!(hash_slot(b"bar"), 5061);
        assert_eq!(hash_slot(b""), 0);
        assert_eq!(hash_tag(b"a{b}c"), b"b");
        assert_eq!(hash_tag(b"a{}c{d}"), b"a{}c{d}");
        assert_eq!(hash_tag(b"a{b"), b"a{b");
        assert_eq!(hash_tag(b"{}{b}"), b"{}{b}");
    }

    /// The table-driven CRC equals the bitwise definition on every byte
    /// value and on longer inputs.
    #[test]
    fn table_crc_matches_bitwise() {
        fn bitwise(data: &[u8]) -> u16 {
            let mut crc: u16 = 0;
            for &byte in data {
                crc ^= u16::from(byte) << 8;
                for _ in 0..8 {
                    crc = if crc & 0x8000 != 0 {
                        (crc << 1) ^ 0x1021
                    } else {
                        crc << 1
                    };
                }
            }
            crc
        }
        let all: Vec<u8> = (0..=255).collect();
        for len in 0..all.len() {
            assert_eq!(crc16(&all[..len]), bitwise(&all[..len]), "len {len}");
        }
        assert_eq!(crc16(b"123456789"), 0x31C3);
    }
}

//! `FromRedisValue` implementations for standard types. (Being written.)

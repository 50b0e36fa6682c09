//! `ToRedisArgs` implementations for standard types. (Being written.)

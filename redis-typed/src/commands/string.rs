//! String commands. (Being written.)
use std::marker::PhantomData;
use super::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, ToRedisArgs};
/// `GET key`
pub struct Get<K, V> { key: K, _v: PhantomData<fn() -> V> }
impl<K: RedisKey, V: FromRedisValue> Get<K, V> { /// new
 pub fn new(key: K) -> Self { Get { key, _v: PhantomData } } }
impl<K: RedisKey, V: FromRedisValue> Command for Get<K, V> { type Response = Option<V>;
 fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) { out.write_arg(b"GET"); self.key.write_redis_args(out); } }
/// `SET key value`
pub struct Set<K, V> { key: K, value: V }
impl<K: RedisKey, V: ToRedisArgs> Set<K, V> { /// new
 pub fn new(key: K, value: V) -> Self { Set { key, value } } }
impl<K: RedisKey, V: ToRedisArgs> Command for Set<K, V> { type Response = ();
 fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) { out.write_arg(b"SET"); self.key.write_redis_args(out); self.value.write_redis_args(out);} }

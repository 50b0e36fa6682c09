//! Unit and property tests of the RESP decoder and writer.

use bytes::{Bytes, BytesMut};
use proptest::prelude::*;

use super::{
    write_value, write_value_resp2, Decoder, DecoderLimits, ProtocolError, Value, VerbatimFormat,
};

// ---------------------------------------------------------------- helpers

fn b(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

fn bulk(s: &str) -> Value {
    Value::BulkString(b(s))
}

fn simple(s: &str) -> Value {
    Value::SimpleString(b(s))
}

/// How a stream of frames ended: all bytes consumed, waiting for more bytes
/// (with how many still buffered), or an error.
#[derive(Debug, PartialEq)]
enum End {
    Clean,
    Incomplete,
    Error(ProtocolError),
}

/// Decodes `input` fed as the given chunks, collecting every frame.
fn decode_chunks<'a>(
    limits: DecoderLimits,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> (Vec<Value>, End) {
    let mut decoder = Decoder::with_limits(limits);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(v)) => out.push(v),
                Ok(None) => break,
                Err(e) => return (out, End::Error(e)),
            }
        }
    }
    let end = if buf.is_empty() && !decoder.is_mid_frame() {
        End::Clean
    } else {
        End::Incomplete
    };
    (out, end)
}

fn decode_whole(input: &[u8]) -> (Vec<Value>, End) {
    decode_chunks(DecoderLimits::default(), [input])
}

fn decode_bytewise(input: &[u8]) -> (Vec<Value>, End) {
    decode_chunks(DecoderLimits::default(), input.chunks(1))
}

/// Decodes exactly one frame that fills `input`.
fn decode_one(input: &[u8]) -> Value {
    let mut buf = BytesMut::from(input);
    let v = Decoder::new()
        .decode(&mut buf)
        .expect("valid frame")
        .expect("complete frame");
    assert!(buf.is_empty(), "frame left {} bytes", buf.len());
    v
}

/// The first error decoding `input` as one buffer.
fn decode_err(input: &[u8]) -> ProtocolError {
    decode_err_with(DecoderLimits::default(), input)
}

fn decode_err_with(limits: DecoderLimits, input: &[u8]) -> ProtocolError {
    match decode_chunks(limits, [input]) {
        (_, End::Error(e)) => e,
        other => panic!("expected an error for {input:?}, got {other:?}"),
    }
}

fn encode(v: &Value) -> BytesMut {
    let mut out = BytesMut::new();
    write_value(&mut out, v);
    out
}

fn encode2(v: &Value) -> Vec<u8> {
    let mut out = BytesMut::new();
    write_value_resp2(&mut out, v);
    out.to_vec()
}

// ------------------------------------------------------- every RESP3 type

#[test]
fn decodes_simple_string_error_integer() {
    assert_eq!(decode_one(b"+OK\r\n"), simple("OK"));
    assert_eq!(decode_one(b"+\r\n"), simple(""));
    assert_eq!(
        decode_one(b"-ERR unknown command\r\n"),
        Value::Error(b("ERR unknown command"))
    );
    assert_eq!(decode_one(b":0\r\n"), Value::Integer(0));
    assert_eq!(decode_one(b":-42\r\n"), Value::Integer(-42));
    assert_eq!(decode_one(b":+42\r\n"), Value::Integer(42));
    assert_eq!(
        decode_one(b":9223372036854775807\r\n"),
        Value::Integer(i64::MAX)
    );
    assert_eq!(
        decode_one(b":-9223372036854775808\r\n"),
        Value::Integer(i64::MIN)
    );
}

#[test]
fn decodes_bulk_strings_and_nils() {
    assert_eq!(decode_one(b"$5\r\nhello\r\n"), bulk("hello"));
    assert_eq!(decode_one(b"$0\r\n\r\n"), bulk(""));
    assert_eq!(decode_one(b"$4\r\na\r\nb\r\n"), bulk("a\r\nb"));
    assert_eq!(decode_one(b"$-1\r\n"), Value::Nil);
    assert_eq!(decode_one(b"*-1\r\n"), Value::Nil);
    assert_eq!(decode_one(b"_\r\n"), Value::Nil);
}

#[test]
fn decodes_doubles() {
    assert_eq!(decode_one(b",3.25\r\n"), Value::Double(3.25));
    assert_eq!(decode_one(b",-1.5\r\n"), Value::Double(-1.5));
    assert_eq!(decode_one(b",10\r\n"), Value::Double(10.0));
    assert_eq!(decode_one(b",1e10\r\n"), Value::Double(1e10));
    assert_eq!(decode_one(b",1.5E-7\r\n"), Value::Double(1.5e-7));
    assert_eq!(
        decode_one(b",1.0000000000000001e+300\r\n"),
        Value::Double("1.0000000000000001e300".parse().unwrap())
    );
    assert_eq!(decode_one(b",inf\r\n"), Value::Double(f64::INFINITY));
    assert_eq!(decode_one(b",-inf\r\n"), Value::Double(f64::NEG_INFINITY));
    match decode_one(b",nan\r\n") {
        Value::Double(d) => assert!(d.is_nan()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn decodes_booleans_and_big_numbers() {
    assert_eq!(decode_one(b"#t\r\n"), Value::Boolean(true));
    assert_eq!(decode_one(b"#f\r\n"), Value::Boolean(false));
    assert_eq!(
        decode_one(b"(3492890328409238509324850943850943825024385\r\n"),
        Value::BigNumber(b("3492890328409238509324850943850943825024385"))
    );
    assert_eq!(
        decode_one(b"(-3492890328409238509324850943850943825024385\r\n"),
        Value::BigNumber(b("-3492890328409238509324850943850943825024385"))
    );
}

#[test]
fn decodes_blob_errors_and_verbatim() {
    assert_eq!(
        decode_one(b"!21\r\nSYNTAX invalid syntax\r\n"),
        Value::Error(b("SYNTAX invalid syntax"))
    );
    assert_eq!(
        decode_one(b"=15\r\ntxt:Some string\r\n"),
        Value::Verbatim {
            format: VerbatimFormat(*b"txt"),
            text: b("Some string"),
        }
    );
    assert_eq!(
        decode_one(b"=4\r\nmkd:\r\n"),
        Value::Verbatim {
            format: VerbatimFormat(*b"mkd"),
            text: b(""),
        }
    );
}

#[test]
fn decodes_aggregates() {
    assert_eq!(
        decode_one(b"*3\r\n:1\r\n$3\r\nfoo\r\n_\r\n"),
        Value::Array(vec![Value::Integer(1), bulk("foo"), Value::Nil])
    );
    assert_eq!(decode_one(b"*0\r\n"), Value::Array(vec![]));
    assert_eq!(decode_one(b"%0\r\n"), Value::Map(vec![]));
    assert_eq!(decode_one(b"~0\r\n"), Value::Set(vec![]));
    assert_eq!(decode_one(b">0\r\n"), Value::Push(vec![]));
    assert_eq!(
        decode_one(b"%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n"),
        Value::Map(vec![
            (simple("first"), Value::Integer(1)),
            (simple("second"), Value::Integer(2)),
        ])
    );
    assert_eq!(
        decode_one(b"~3\r\n+a\r\n+b\r\n#t\r\n"),
        Value::Set(vec![simple("a"), simple("b"), Value::Boolean(true)])
    );
    assert_eq!(
        decode_one(b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"),
        Value::Push(vec![bulk("message"), bulk("ch"), bulk("hi")])
    );
}

#[test]
fn decodes_attributes() {
    // Top-level attribute: the map, then the value it annotates.
    assert_eq!(
        decode_one(b"|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n*1\r\n:2039123\r\n"),
        Value::Attribute {
            attributes: vec![(
                simple("key-popularity"),
                Value::Map(vec![(bulk("a"), Value::Double(0.1923))]),
            )],
            value: Box::new(Value::Array(vec![Value::Integer(2039123)])),
        }
    );
    // Attribute on an array element: annotates only that element.
    assert_eq!(
        decode_one(b"*2\r\n|1\r\n+ttl\r\n:3600\r\n:2039123\r\n:9543892\r\n"),
        Value::Array(vec![
            Value::Attribute {
                attributes: vec![(simple("ttl"), Value::Integer(3600))],
                value: Box::new(Value::Integer(2039123)),
            },
            Value::Integer(9543892),
        ])
    );
    // Empty attribute map.
    assert_eq!(
        decode_one(b"|0\r\n+x\r\n"),
        Value::Attribute {
            attributes: vec![],
            value: Box::new(simple("x")),
        }
    );
}

#[test]
fn resp2_replies_decode() {
    let (values, end) = decode_whole(
        b"+OK\r\n-WRONGTYPE bad\r\n:12\r\n$3\r\nabc\r\n$-1\r\n*2\r\n$1\r\na\r\n*-1\r\n*-1\r\n",
    );
    assert_eq!(end, End::Clean);
    assert_eq!(
        values,
        vec![
            simple("OK"),
            Value::Error(b("WRONGTYPE bad")),
            Value::Integer(12),
            bulk("abc"),
            Value::Nil,
            Value::Array(vec![bulk("a"), Value::Nil]),
            Value::Nil,
        ]
    );
}

// ------------------------------------------------------- incremental input

/// A representative corpus of frames, nested every way RESP3 allows.
fn corpus() -> Vec<(&'static [u8], Value)> {
    let deep = {
        let mut v = Value::Integer(7);
        for _ in 0..20 {
            v = Value::Array(vec![v]);
        }
        v
    };
    vec![
        (b"+OK\r\n", simple("OK")),
        (b"-ERR x\r\n", Value::Error(b("ERR x"))),
        (b":-123\r\n", Value::Integer(-123)),
        (b"$5\r\nhello\r\n", bulk("hello")),
        (b"$0\r\n\r\n", bulk("")),
        (b"$-1\r\n", Value::Nil),
        (b"*-1\r\n", Value::Nil),
        (b"_\r\n", Value::Nil),
        (b",-2.5e-3\r\n", Value::Double(-2.5e-3)),
        (b"#f\r\n", Value::Boolean(false)),
        (b"(-12345678901234567890\r\n", Value::BigNumber(b("-12345678901234567890"))),
        (b"!4\r\nFAIL\r\n", Value::Error(b("FAIL"))),
        (
            b"=15\r\ntxt:Some string\r\n",
            Value::Verbatim {
                format: VerbatimFormat(*b"txt"),
                text: b("Some string"),
            },
        ),
        (b"*0\r\n", Value::Array(vec![])),
        (
            b"*3\r\n*0\r\n%0\r\n~1\r\n$2\r\n\r\n\r\n",
            Value::Array(vec![
                Value::Array(vec![]),
                Value::Map(vec![]),
                Value::Set(vec![bulk("\r\n")]),
            ]),
        ),
        (
            b"%2\r\n$4\r\nkey1\r\n*2\r\n:1\r\n:2\r\n+key2\r\n%1\r\n#t\r\n~2\r\n_\r\n,inf\r\n",
            Value::Map(vec![
                (
                    bulk("key1"),
                    Value::Array(vec![Value::Integer(1), Value::Integer(2)]),
                ),
                (
                    simple("key2"),
                    Value::Map(vec![(
                        Value::Boolean(true),
                        Value::Set(vec![Value::Nil, Value::Double(f64::INFINITY)]),
                    )]),
                ),
            ]),
        ),
        (
            b">4\r\n+invalidate\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n|1\r\n+ttl\r\n:5\r\n$1\r\nv\r\n%1\r\n*1\r\n:1\r\n>1\r\n_\r\n",
            Value::Push(vec![
                simple("invalidate"),
                Value::Array(vec![bulk("a"), bulk("b")]),
                Value::Attribute {
                    attributes: vec![(simple("ttl"), Value::Integer(5))],
                    value: Box::new(bulk("v")),
                },
                Value::Map(vec![(
                    Value::Array(vec![Value::Integer(1)]),
                    Value::Push(vec![Value::Nil]),
                )]),
            ]),
        ),
        (
            b"|2\r\n+a\r\n|0\r\n:1\r\n+b\r\n*1\r\n=5\r\nmkd:x\r\n|1\r\n+c\r\n!1\r\nE\r\n*2\r\n(1\r\n,0\r\n",
            Value::Attribute {
                attributes: vec![
                    (
                        simple("a"),
                        Value::Attribute {
                            attributes: vec![],
                            value: Box::new(Value::Integer(1)),
                        },
                    ),
                    (
                        simple("b"),
                        Value::Array(vec![Value::Verbatim {
                            format: VerbatimFormat(*b"mkd"),
                            text: b("x"),
                        }]),
                    ),
                ],
                value: Box::new(Value::Attribute {
                    attributes: vec![(simple("c"), Value::Error(b("E")))],
                    value: Box::new(Value::Array(vec![
                        Value::BigNumber(b("1")),
                        Value::Double(0.0),
                    ])),
                }),
            },
        ),
        (
            b"*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:7\r\n",
            deep,
        ),
    ]
}

#[test]
fn corpus_decodes_whole() {
    for (bytes, expected) in corpus() {
        assert_eq!(decode_one(bytes), expected, "frame {bytes:?}");
        // The writer produces a frame that decodes to the same value.
        assert_eq!(
            decode_one(&encode(&expected)),
            expected,
            "re-encoded {bytes:?}"
        );
    }
}

#[test]
fn corpus_decodes_byte_by_byte() {
    for (bytes, expected) in corpus() {
        let mut decoder = Decoder::new();
        let mut buf = BytesMut::new();
        for (i, &byte) in bytes.iter().enumerate() {
            buf.extend_from_slice(&[byte]);
            let got = decoder.decode(&mut buf).expect("valid frame");
            if i + 1 < bytes.len() {
                assert_eq!(got, None, "frame {bytes:?} completed early at byte {i}");
            } else {
                assert_eq!(got.as_ref(), Some(&expected), "frame {bytes:?}");
            }
        }
        assert!(buf.is_empty());
        assert!(!decoder.is_mid_frame());
    }
}

#[test]
fn corpus_decodes_at_every_two_chunk_split() {
    for (bytes, expected) in corpus() {
        for split in 0..=bytes.len() {
            let (first, second) = bytes.split_at(split);
            let (values, end) = decode_chunks(DecoderLimits::default(), [first, second]);
            assert_eq!(end, End::Clean, "frame {bytes:?} split at {split}");
            assert_eq!(
                values,
                vec![expected.clone()],
                "frame {bytes:?} split at {split}"
            );
        }
    }
}

#[test]
fn concatenated_corpus_decodes_in_order_however_split() {
    let corpus = corpus();
    let all: Vec<u8> = corpus.iter().flat_map(|(b, _)| b.iter().copied()).collect();
    let expected: Vec<Value> = corpus.into_iter().map(|(_, v)| v).collect();

    assert_eq!(decode_whole(&all), (expected.clone(), End::Clean));
    assert_eq!(decode_bytewise(&all), (expected.clone(), End::Clean));
    for split in 0..=all.len() {
        let (a, b) = all.split_at(split);
        assert_eq!(
            decode_chunks(DecoderLimits::default(), [a, b]),
            (expected.clone(), End::Clean),
            "split at {split}"
        );
    }
    for chunk in [2, 3, 5, 7, 64] {
        assert_eq!(
            decode_chunks(DecoderLimits::default(), all.chunks(chunk)),
            (expected.clone(), End::Clean),
            "chunks of {chunk}"
        );
    }
}

#[test]
fn multiple_frames_in_one_buffer_decode_one_after_another() {
    let mut buf = BytesMut::from(&b"+a\r\n:1\r\n*1\r\n$1\r\nx\r\n$3\r\nab"[..]);
    let mut decoder = Decoder::new();
    assert_eq!(decoder.decode(&mut buf), Ok(Some(simple("a"))));
    assert_eq!(&buf[..], b":1\r\n*1\r\n$1\r\nx\r\n$3\r\nab");
    assert_eq!(decoder.decode(&mut buf), Ok(Some(Value::Integer(1))));
    assert_eq!(
        decoder.decode(&mut buf),
        Ok(Some(Value::Array(vec![bulk("x")])))
    );
    assert_eq!(decoder.decode(&mut buf), Ok(None));
    assert!(decoder.is_mid_frame());
    buf.extend_from_slice(b"c\r\n");
    assert_eq!(decoder.decode(&mut buf), Ok(Some(bulk("abc"))));
    assert_eq!(decoder.decode(&mut buf), Ok(None));
    assert!(!decoder.is_mid_frame());
}

#[test]
fn completed_elements_are_consumed_from_the_buffer() {
    let mut decoder = Decoder::new();
    let mut buf = BytesMut::from(&b"*3\r\n:1\r\n$5\r\nhel"[..]);
    assert_eq!(decoder.decode(&mut buf), Ok(None));
    // The array header, the integer and the bulk header are gone.
    assert_eq!(&buf[..], b"hel");
    buf.extend_from_slice(b"lo\r\n+partial");
    assert_eq!(decoder.decode(&mut buf), Ok(None));
    assert_eq!(&buf[..], b"+partial");
    buf.extend_from_slice(b"\r\n");
    assert_eq!(
        decoder.decode(&mut buf),
        Ok(Some(Value::Array(vec![
            Value::Integer(1),
            bulk("hello"),
            simple("partial"),
        ])))
    );
}

#[test]
fn payloads_are_slices_of_the_input_buffer() {
    let input = b"*4\r\n$5\r\nhello\r\n+simple\r\n=7\r\ntxt:abc\r\n(123\r\n";
    let mut buf = BytesMut::with_capacity(input.len());
    buf.extend_from_slice(input);
    let range = buf.as_ptr() as usize..buf.as_ptr() as usize + input.len();
    let v = Decoder::new().decode(&mut buf).unwrap().unwrap();
    let Value::Array(items) = v else { panic!() };
    let payloads: Vec<&Bytes> = items
        .iter()
        .map(|v| match v {
            Value::BulkString(b)
            | Value::SimpleString(b)
            | Value::BigNumber(b)
            | Value::Verbatim { text: b, .. } => b,
            other => panic!("{other:?}"),
        })
        .collect();
    for p in payloads {
        assert!(range.contains(&(p.as_ptr() as usize)), "{p:?} was copied");
    }
}

// ----------------------------------------------------------------- errors

#[test]
fn malformed_input_gives_typed_errors() {
    use ProtocolError::*;
    let invalid = |what| Invalid { what };
    let cases: &[(&[u8], ProtocolError)] = &[
        (b"@foo\r\n", UnknownType(b'@')),
        (b"\r\n", UnknownType(b'\r')),
        (b"*1\r\nX", UnknownType(b'X')),
        (b"$abc\r\n", invalid("length")),
        (b"$\r\n", invalid("length")),
        (b"$+1\r\n", invalid("length")),
        (b"$ 1\r\n", invalid("length")),
        (b"$-2\r\nxx\r\n", invalid("length")),
        (b"$-0\r\n", invalid("length")),
        (b"*-2\r\n", invalid("length")),
        (b"%-1\r\n", invalid("length")),
        (b"~-1\r\n", invalid("length")),
        (b"!-1\r\n", invalid("length")),
        (b"*1x\r\n", invalid("length")),
        (b"$3\r\nabcX\r\n", MissingCrlf),
        (b"$3\r\nabc\rX", MissingCrlf),
        (b"$3\r\nabcd", MissingCrlf),
        (b":\r\n", invalid("integer")),
        (b":12a\r\n", invalid("integer")),
        (b":1.5\r\n", invalid("integer")),
        (b":9223372036854775808\r\n", invalid("integer")),
        (b":-9223372036854775809\r\n", invalid("integer")),
        (b":99999999999999999999999999999\r\n", invalid("integer")),
        (b"#x\r\n", invalid("boolean")),
        (b"#\r\n", invalid("boolean")),
        (b"#tt\r\n", invalid("boolean")),
        (b",\r\n", invalid("double")),
        (b",abc\r\n", invalid("double")),
        (b",1e\r\n", invalid("double")),
        (b",1.2.3\r\n", invalid("double")),
        (b", 1\r\n", invalid("double")),
        (b"_x\r\n", invalid("null")),
        (b"(\r\n", invalid("big number")),
        (b"(-\r\n", invalid("big number")),
        (b"(12a\r\n", invalid("big number")),
        (b"(+1\r\n", invalid("big number")),
        (b"=3\r\ntxt\r\n", invalid("verbatim string")),
        (b"=5\r\ntxtx:\r\n", invalid("verbatim string")),
        (b"+a\rb\r\n", invalid("line terminator")),
        (b":1\r:\r\n", invalid("line terminator")),
        (
            b"$?\r\n",
            Unsupported {
                what: "streamed string",
            },
        ),
        (
            b"*?\r\n",
            Unsupported {
                what: "streamed aggregate",
            },
        ),
        (
            b"%?\r\n",
            Unsupported {
                what: "streamed aggregate",
            },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(&decode_err(input), expected, "input {input:?}");
        // Same error when the input trickles in.
        let (_, end) = decode_chunks(DecoderLimits::default(), input.chunks(1));
        assert_eq!(end, End::Error(expected.clone()), "bytewise {input:?}");
    }
}

#[test]
fn oversize_lengths_are_rejected_from_the_header_alone() {
    let limits = DecoderLimits::default();
    // A declared 4 GiB bulk: rejected with only its header buffered,
    // without waiting for (or allocating) its payload.
    assert_eq!(
        decode_err(b"$4294967296\r\n"),
        ProtocolError::BulkTooLarge {
            declared: 4 << 30,
            limit: limits.max_bulk_len,
        }
    );
    assert_eq!(
        decode_err(b"!4294967296\r\n"),
        ProtocolError::BulkTooLarge {
            declared: 4 << 30,
            limit: limits.max_bulk_len,
        }
    );
    // A length too large for a u64 saturates.
    assert_eq!(
        decode_err(b"$999999999999999999999999999999\r\n"),
        ProtocolError::BulkTooLarge {
            declared: u64::MAX,
            limit: limits.max_bulk_len,
        }
    );
    assert_eq!(
        decode_err(b"*4294967296\r\n"),
        ProtocolError::AggregateTooLarge {
            declared: 4 << 30,
            limit: limits.max_aggregate_len,
        }
    );

    let small = DecoderLimits {
        max_bulk_len: 10,
        max_aggregate_len: 3,
        ..limits
    };
    assert_eq!(
        decode_err_with(small, b"$11\r\n"),
        ProtocolError::BulkTooLarge {
            declared: 11,
            limit: 10,
        }
    );
    assert_eq!(
        decode_chunks(small, [&b"$10\r\n0123456789\r\n"[..]]).1,
        End::Clean
    );
    assert_eq!(
        decode_err_with(small, b"%4\r\n"),
        ProtocolError::AggregateTooLarge {
            declared: 4,
            limit: 3,
        }
    );
    assert_eq!(
        decode_err_with(small, b"|4\r\n"),
        ProtocolError::AggregateTooLarge {
            declared: 4,
            limit: 3,
        }
    );
    assert_eq!(
        decode_chunks(small, [&b"~3\r\n_\r\n_\r\n_\r\n"[..]]).1,
        End::Clean
    );
}

#[test]
fn huge_declared_aggregates_reserve_only_what_has_arrived() {
    let mut decoder = Decoder::new();
    // 200 million elements: within the default limit, so the decoder waits
    // for them, but it must not reserve memory for what is not there.
    let mut buf = BytesMut::from(&b"*200000000\r\n%200000000\r\n"[..]);
    assert_eq!(decoder.decode(&mut buf), Ok(None));
    // The array: at most one element per 3 buffered bytes (12 left after
    // its header); the map: nothing buffered, nothing reserved.
    let reserved = decoder.reserved_capacities();
    assert_eq!(reserved.len(), 2);
    assert!(reserved[0] <= 4, "{reserved:?}");
    assert_eq!(reserved[1], 0);

    // Many elements buffered: capped at 1024.
    let mut frame = b"*5000\r\n".to_vec();
    for _ in 0..4000 {
        frame.extend_from_slice(b":1\r\n");
    }
    let mut decoder = Decoder::new();
    let mut buf = BytesMut::from(&frame[..]);
    assert_eq!(decoder.decode(&mut buf), Ok(None));
    assert!(decoder.reserved_capacities()[0] >= 4000); // grew as elements came
    let mut buf = BytesMut::from(&frame[..8]);
    let mut decoder = Decoder::new();
    assert_eq!(decoder.decode(&mut buf), Ok(None));
    assert!(decoder.reserved_capacities()[0] <= 1);
}

#[test]
fn lines_longer_than_the_limit_are_rejected_without_waiting_for_crlf() {
    let limits = DecoderLimits {
        max_line_len: 8,
        ..DecoderLimits::default()
    };
    // Exactly at the limit: fine.
    assert_eq!(decode_chunks(limits, [&b"+12345678\r\n"[..]]).1, End::Clean);
    // One more byte, with or without the CRLF buffered.
    let err = ProtocolError::LineTooLong { limit: 8 };
    assert_eq!(decode_err_with(limits, b"+123456789\r\n"), err);
    assert_eq!(decode_err_with(limits, b"+123456789"), err);
    assert_eq!(decode_err_with(limits, b"-123456789"), err);
    assert_eq!(decode_err_with(limits, b":000000000001\r\n"), err);
    assert_eq!(
        decode_chunks(limits, b"+123456789".chunks(1)).1,
        End::Error(err.clone())
    );
    // Integers and lengths inside arrays obey the limit too, however the
    // frame arrives.
    for input in [&b"*1\r\n:123456789\r\n"[..], b"*1\r\n$000000003\r\nabc\r\n"] {
        assert_eq!(decode_err_with(limits, input), err, "{input:?}");
        assert_eq!(
            decode_chunks(limits, input.chunks(1)).1,
            End::Error(err.clone()),
            "{input:?}"
        );
    }
    // Within the limit but not terminated yet: wait.
    assert_eq!(
        decode_chunks(limits, [&b"+12345678"[..]]).1,
        End::Incomplete
    );
    assert_eq!(
        decode_chunks(limits, [&b"+12345678\r"[..]]).1,
        End::Incomplete
    );

    // Default limit: a megabyte of garbage without CRLF is an error as soon
    // as it is seen, and the search stops at the limit.
    let mut garbage = vec![b'+'];
    garbage.resize(1 << 20, b'a');
    assert_eq!(
        decode_err(&garbage),
        ProtocolError::LineTooLong {
            limit: DecoderLimits::default().max_line_len,
        }
    );
}

#[test]
fn nesting_deeper_than_the_limit_is_rejected() {
    let nested = |depth: usize| {
        let mut v = b"*1\r\n".repeat(depth);
        v.extend_from_slice(b":1\r\n");
        v
    };
    let default_depth = DecoderLimits::default().max_depth;
    assert_eq!(decode_whole(&nested(default_depth)).1, End::Clean);
    assert_eq!(
        decode_err(&nested(default_depth + 1)),
        ProtocolError::TooDeep {
            limit: default_depth,
        }
    );
    // A hostile, endless nesting is stopped at the limit, even with no
    // leaf in sight.
    assert_eq!(
        decode_err(&b"*1\r\n".repeat(100_000)),
        ProtocolError::TooDeep {
            limit: default_depth,
        }
    );

    let limits = DecoderLimits {
        max_depth: 2,
        ..DecoderLimits::default()
    };
    assert_eq!(
        decode_chunks(limits, [&b"*1\r\n%1\r\n:1\r\n:2\r\n"[..]]).1,
        End::Clean
    );
    assert_eq!(
        decode_chunks(limits, [&b"*2\r\n*0\r\n*0\r\n"[..]]).1,
        End::Clean
    );
    for input in [
        &b"*1\r\n*1\r\n*0\r\n"[..],
        b"|1\r\n+a\r\n:1\r\n*1\r\n~0\r\n",
        b"%1\r\n>1\r\n|0\r\n:1\r\n:1\r\n",
    ] {
        assert_eq!(
            decode_err_with(limits, input),
            ProtocolError::TooDeep { limit: 2 },
            "{input:?}"
        );
    }
    // Depth 0 allows only leaves.
    let flat = DecoderLimits {
        max_depth: 0,
        ..DecoderLimits::default()
    };
    assert_eq!(
        decode_chunks(flat, [&b":1\r\n$-1\r\n*-1\r\n"[..]]).1,
        End::Clean
    );
    assert_eq!(
        decode_err_with(flat, b"*0\r\n"),
        ProtocolError::TooDeep { limit: 0 }
    );
}

#[test]
fn errors_poison_the_decoder_until_reset() {
    let mut decoder = Decoder::new();
    let mut buf = BytesMut::from(&b"*2\r\n:1\r\n@"[..]);
    let err = decoder.decode(&mut buf).unwrap_err();
    assert_eq!(err, ProtocolError::UnknownType(b'@'));
    assert!(decoder.is_poisoned());
    assert!(!decoder.is_mid_frame());
    let mut good = BytesMut::from(&b"+OK\r\n"[..]);
    assert_eq!(decoder.decode(&mut good), Err(err));
    assert_eq!(&good[..], b"+OK\r\n");

    decoder.reset();
    assert!(!decoder.is_poisoned());
    assert_eq!(decoder.decode(&mut good), Ok(Some(simple("OK"))));
}

#[test]
fn limits_are_kept() {
    let limits = DecoderLimits {
        max_depth: 3,
        max_bulk_len: 4,
        max_aggregate_len: 5,
        max_line_len: 6,
    };
    assert_eq!(Decoder::with_limits(limits).limits(), limits);
    assert_eq!(Decoder::new().limits(), DecoderLimits::default());
}

// -------------------------------------------------------------- linearity

/// Feeds `frame` one byte per call and returns the decoder's work counter.
fn bytewise_work(frame: &[u8], limits: DecoderLimits) -> u64 {
    let mut decoder = Decoder::with_limits(limits);
    let mut buf = BytesMut::with_capacity(frame.len());
    let mut done = 0;
    for byte in frame {
        buf.extend_from_slice(std::slice::from_ref(byte));
        if decoder.decode(&mut buf).expect("valid frame").is_some() {
            done += 1;
        }
    }
    assert_eq!(done, 1);
    assert!(buf.is_empty());
    decoder.work()
}

fn bulk_frame(len: usize) -> Vec<u8> {
    let mut frame = format!("${len}\r\n").into_bytes();
    frame.resize(frame.len() + len, b'x');
    frame.extend_from_slice(b"\r\n");
    frame
}

#[test]
fn one_megabyte_bulk_fed_bytewise_costs_linear_work() {
    let limits = DecoderLimits::default();
    let small = bulk_frame(1 << 18);
    let large = bulk_frame(1 << 20);
    let (ws, wl) = (bytewise_work(&small, limits), bytewise_work(&large, limits));
    // One unit per call plus the header: a quadratic decoder would count
    // ~5 * 10^11 for the large frame.
    assert!(
        wl <= 2 * large.len() as u64,
        "work {wl} for {} bytes",
        large.len()
    );
    let ratio = wl as f64 / ws as f64;
    assert!(
        (3.5..4.5).contains(&ratio),
        "work ratio {ratio} for 4x the bytes"
    );
}

#[test]
fn long_line_fed_bytewise_is_scanned_once() {
    let limits = DecoderLimits {
        max_line_len: 1 << 20,
        ..DecoderLimits::default()
    };
    let line = |len: usize| {
        let mut frame = vec![b'+'];
        frame.resize(len + 1, b'y');
        frame.extend_from_slice(b"\r\n");
        frame
    };
    let (small, large) = (line(1 << 16), line(1 << 18));
    let (ws, wl) = (bytewise_work(&small, limits), bytewise_work(&large, limits));
    // Each byte is searched once, parsed once, plus one unit per call.
    assert!(
        wl <= 3 * large.len() as u64,
        "work {wl} for {} bytes",
        large.len()
    );
    let ratio = wl as f64 / ws as f64;
    assert!(
        (3.5..4.5).contains(&ratio),
        "work ratio {ratio} for 4x the bytes"
    );
}

#[test]
fn large_nested_aggregate_fed_bytewise_costs_linear_work() {
    let frame = |n: usize| {
        let mut v = Value::Array(Vec::new());
        for i in 0..n {
            v = Value::Array(vec![
                Value::Map(vec![(bulk("k"), Value::Integer(i as i64))]),
                Value::Set(vec![simple("member"), Value::Double(0.5)]),
                if i % 50 == 0 {
                    Value::Array(Vec::new())
                } else {
                    v
                },
            ]);
        }
        encode(&v).to_vec()
    };
    let limits = DecoderLimits::default();
    let (small, large) = (frame(2_000), frame(8_000));
    let (ws, wl) = (bytewise_work(&small, limits), bytewise_work(&large, limits));
    assert!(
        wl <= 3 * large.len() as u64,
        "work {wl} for {} bytes",
        large.len()
    );
    let ratio = wl as f64 / ws as f64 * small.len() as f64 / large.len() as f64;
    assert!(
        (0.9..1.1).contains(&ratio),
        "work per byte changed by {ratio}"
    );
}

// ----------------------------------------------------------------- writer

#[test]
fn writer_writes_resp3() {
    let cases: Vec<(Value, &[u8])> = vec![
        (Value::Nil, b"_\r\n"),
        (simple("OK"), b"+OK\r\n"),
        (simple("a\r\nb"), b"$4\r\na\r\nb\r\n"),
        (Value::Error(b("ERR x")), b"-ERR x\r\n"),
        (Value::Error(b("ERR\nx")), b"!5\r\nERR\nx\r\n"),
        (Value::Integer(-7), b":-7\r\n"),
        (bulk("hi"), b"$2\r\nhi\r\n"),
        (Value::Double(1.5), b",1.5\r\n"),
        (Value::Double(1e300), b",1e300\r\n"),
        (Value::Double(f64::INFINITY), b",inf\r\n"),
        (Value::Double(f64::NEG_INFINITY), b",-inf\r\n"),
        (Value::Double(f64::NAN), b",nan\r\n"),
        (Value::Boolean(true), b"#t\r\n"),
        (Value::BigNumber(b("-123")), b"(-123\r\n"),
        (
            Value::Verbatim {
                format: VerbatimFormat(*b"txt"),
                text: b("hi"),
            },
            b"=6\r\ntxt:hi\r\n",
        ),
        (
            Value::Array(vec![Value::Integer(1), Value::Set(vec![])]),
            b"*2\r\n:1\r\n~0\r\n",
        ),
        (
            Value::Push(vec![Value::Map(vec![(simple("k"), Value::Nil)])]),
            b">1\r\n%1\r\n+k\r\n_\r\n",
        ),
        (
            Value::Attribute {
                attributes: vec![(simple("ttl"), Value::Integer(1))],
                value: Box::new(Value::Boolean(false)),
            },
            b"|1\r\n+ttl\r\n:1\r\n#f\r\n",
        ),
    ];
    for (value, wire) in cases {
        assert_eq!(&encode(&value)[..], wire, "{value:?}");
    }
}

#[test]
fn writer_writes_resp2() {
    let cases: Vec<(Value, &[u8])> = vec![
        (Value::Nil, b"$-1\r\n"),
        (simple("OK"), b"+OK\r\n"),
        (Value::Error(b("ERR\r\nx")), b"-ERR  x\r\n"),
        (Value::Integer(3), b":3\r\n"),
        (Value::Double(0.25), b"$4\r\n0.25\r\n"),
        (Value::Double(f64::NEG_INFINITY), b"$4\r\n-inf\r\n"),
        (Value::Boolean(true), b":1\r\n"),
        (Value::Boolean(false), b":0\r\n"),
        (Value::BigNumber(b("99")), b"$2\r\n99\r\n"),
        (
            Value::Verbatim {
                format: VerbatimFormat(*b"txt"),
                text: b("hi"),
            },
            b"$2\r\nhi\r\n",
        ),
        (
            Value::Map(vec![
                (simple("a"), Value::Integer(1)),
                (simple("b"), Value::Nil),
            ]),
            b"*4\r\n+a\r\n:1\r\n+b\r\n$-1\r\n",
        ),
        (Value::Set(vec![Value::Integer(1)]), b"*1\r\n:1\r\n"),
        (Value::Push(vec![bulk("m")]), b"*1\r\n$1\r\nm\r\n"),
        (
            Value::Attribute {
                attributes: vec![(simple("ttl"), Value::Integer(1))],
                value: Box::new(Value::Integer(5)),
            },
            b":5\r\n",
        ),
    ];
    for (value, wire) in cases {
        assert_eq!(encode2(&value), wire, "{value:?}");
        // Everything RESP2 writes is valid input for the decoder.
        let _ = decode_one(wire);
    }
}

#[test]
fn doubles_round_trip_exactly() {
    for d in [
        0.0,
        -0.0,
        0.1,
        1.0 / 3.0,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::MIN,
        5e-324,
        123_456_789.123_456_79,
        f64::EPSILON,
    ] {
        match decode_one(&encode(&Value::Double(d))) {
            Value::Double(got) => assert_eq!(got.to_bits(), d.to_bits(), "{d:e}"),
            other => panic!("{other:?}"),
        }
    }
}

// ---------------------------------------------------------------- proptest

fn arb_bytes() -> impl Strategy<Value = Bytes> {
    prop::collection::vec(any::<u8>(), 0..24).prop_map(Bytes::from)
}

fn arb_line() -> impl Strategy<Value = Bytes> {
    prop::collection::vec(
        any::<u8>().prop_filter("no CR/LF", |b| *b != b'\r' && *b != b'\n'),
        0..16,
    )
    .prop_map(Bytes::from)
}

fn arb_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Nil),
        arb_line().prop_map(Value::SimpleString),
        arb_bytes().prop_map(Value::Error),
        any::<i64>().prop_map(Value::Integer),
        arb_bytes().prop_map(Value::BulkString),
        any::<f64>()
            .prop_filter("NaN != NaN", |d| !d.is_nan())
            .prop_map(Value::Double),
        any::<bool>().prop_map(Value::Boolean),
        "-?[0-9]{1,40}".prop_map(|s| Value::BigNumber(Bytes::from(s))),
        (any::<[u8; 3]>(), arb_bytes()).prop_map(|(format, text)| Value::Verbatim {
            format: VerbatimFormat(format),
            text,
        }),
    ]
}

fn arb_value() -> impl Strategy<Value = Value> {
    arb_leaf().prop_recursive(5, 64, 6, |inner| {
        let pairs = prop::collection::vec((inner.clone(), inner.clone()), 0..4);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Set),
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Push),
            pairs.clone().prop_map(Value::Map),
            (pairs, inner).prop_map(|(attributes, value)| Value::Attribute {
                attributes,
                value: Box::new(value),
            }),
        ]
    })
}

/// Splits `bytes` at the given (sorted, deduplicated) points.
fn split_at_points(bytes: &[u8], points: &[prop::sample::Index]) -> Vec<Vec<u8>> {
    let mut cuts: Vec<usize> = points.iter().map(|i| i.index(bytes.len() + 1)).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut chunks = Vec::new();
    let mut from = 0;
    for cut in cuts {
        chunks.push(bytes[from..cut].to_vec());
        from = cut;
    }
    chunks.push(bytes[from..].to_vec());
    chunks
}

proptest! {
    #[test]
    fn written_values_decode_to_themselves(
        values in prop::collection::vec(arb_value(), 1..4),
        points in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let mut wire = BytesMut::new();
        for v in &values {
            write_value(&mut wire, v);
        }
        prop_assert_eq!(decode_whole(&wire), (values.clone(), End::Clean));
        let chunks = split_at_points(&wire, &points);
        prop_assert_eq!(
            decode_chunks(DecoderLimits::default(), chunks.iter().map(Vec::as_slice)),
            (values.clone(), End::Clean)
        );
    }

    #[test]
    fn written_values_decode_bytewise(value in arb_value()) {
        let wire = encode(&value);
        prop_assert_eq!(decode_bytewise(&wire), (vec![value], End::Clean));
    }

    #[test]
    fn resp2_output_always_decodes(value in arb_value()) {
        let wire = encode2(&value);
        prop_assert_eq!(decode_whole(&wire).1, End::Clean);
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        points in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let whole = decode_whole(&bytes);
        let chunks = split_at_points(&bytes, &points);
        let split = decode_chunks(DecoderLimits::default(), chunks.iter().map(Vec::as_slice));
        // However the bytes arrive, the outcome is the same (compared
        // through Debug, where NaN equals NaN).
        prop_assert_eq!(format!("{whole:?}"), format!("{split:?}"));
    }

    #[test]
    fn token_soup_never_panics_and_does_not_depend_on_chunking(
        tokens in prop::collection::vec(
            prop::sample::select(vec![
                "\r\n", "\r", "\n", "*", "%", "~", ">", "|", "$", "!", "=", "+", "-", ":",
                "_", ",", "#", "(", "0", "1", "2", "3", "9", "-1", "?", "t", "f", "inf",
                "nan", ".", "e", "txt:", "x", "*1\r\n", "$1\r\nx\r\n", ":1\r\n", "%1\r\n",
                "|1\r\n", "=5\r\ntxt:x\r\n", "12345", "000001", "*2\r\n:123456789\r\n",
                "~1\r\n$00004\r\nabcd\r\n",
            ]),
            0..64,
        ),
        points in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        small in any::<bool>(),
    ) {
        let bytes = tokens.concat().into_bytes();
        let limits = if small {
            DecoderLimits { max_depth: 3, max_bulk_len: 4, max_aggregate_len: 4, max_line_len: 4 }
        } else {
            DecoderLimits::default()
        };
        let whole = decode_chunks(limits, [&bytes[..]]);
        let chunks = split_at_points(&bytes, &points);
        let split = decode_chunks(limits, chunks.iter().map(Vec::as_slice));
        let bytewise = decode_chunks(limits, bytes.chunks(1));
        // Compared through Debug, where NaN equals NaN.
        prop_assert_eq!(format!("{whole:?}"), format!("{split:?}"));
        prop_assert_eq!(format!("{whole:?}"), format!("{bytewise:?}"));
    }

    #[test]
    fn corrupted_frames_never_panic_and_do_not_depend_on_chunking(
        value in arb_value(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        max_depth in 0usize..6,
        max_len in 0usize..40,
    ) {
        let mut wire = encode(&value).to_vec();
        for (at, byte) in edits {
            let i = at.index(wire.len());
            wire[i] = byte;
        }
        let limits = DecoderLimits {
            max_depth,
            max_bulk_len: max_len,
            max_aggregate_len: max_len,
            max_line_len: max_len,
        };
        let whole = decode_chunks(limits, [&wire[..]]);
        let bytewise = decode_chunks(limits, wire.chunks(1));
        prop_assert_eq!(format!("{whole:?}"), format!("{bytewise:?}"));
    }
}

// ------------------------------------------------- arrays of scalars, direct

/// `decode_leaf_array` with the identity conversion: the elements, and how
/// many bytes it consumed (`None`: declined, and then nothing consumed).
fn leaf_array(decoder: &mut Decoder, wire: &[u8]) -> (Option<Vec<Value>>, usize) {
    let mut buf = BytesMut::from(wire);
    let got = decoder
        .decode_leaf_array(&mut buf, Ok::<Value, ()>)
        .map(|r| r.expect("identity conversion"));
    (got, wire.len() - buf.len())
}

#[test]
fn leaf_arrays_are_read_directly_and_agree_with_decode() {
    let frames: [&[u8]; 5] = [
        b"*3\r\n$1\r\na\r\n:-7\r\n$-1\r\n",
        b"~2\r\n_\r\n$0\r\n\r\n",
        b"*1\r\n:123456789012345678\r\n",
        b"*2\r\n$5\r\nhello\r\n$5\r\nworld\r\n+OK\r\n",
        b"*0004\r\n:1\r\n:2\r\n:3\r\n:4\r\n",
    ];
    for wire in frames {
        let (direct, used) = leaf_array(&mut Decoder::new(), wire);
        // The general, element-by-element path: the frame fed a byte at a
        // time never arrives whole, so the direct path never takes it.
        let mut decoder = Decoder::new();
        let mut buf = BytesMut::new();
        let mut fed = 0;
        let general = loop {
            buf.extend_from_slice(&wire[fed..fed + 1]);
            fed += 1;
            if let Some(v) = decoder.decode(&mut buf).unwrap() {
                break v;
            }
        };
        buf.extend_from_slice(&wire[fed..]);
        let items = match general {
            Value::Array(items) | Value::Set(items) => items,
            other => panic!("not a sequence: {other:?}"),
        };
        assert_eq!(direct.as_ref(), Some(&items), "{wire:?}");
        assert_eq!(used, wire.len() - buf.len(), "{wire:?}");
    }
}

#[test]
fn leaf_arrays_decline_what_is_not_theirs_and_consume_nothing() {
    let big = {
        let mut w = b"*4097\r\n".to_vec();
        for _ in 0..4097 {
            w.extend_from_slice(b":1\r\n");
        }
        w
    };
    let declined: [&[u8]; 10] = [
        b"*2\r\n$1\r\na\r\n",             // incomplete
        b"*2\r\n$1\r\na\r\n*1\r\n:1\r\n", // nested
        b"*1\r\n+OK\r\n",                 // not a leaf it reads
        b"*1\r\n$2\r\nabc\r\n",           // malformed
        b"*0\r\n",                        // empty: the general path's
        b"*-1\r\n",                       // null array
        b"%1\r\n:1\r\n:2\r\n",            // a map
        b"$1\r\na\r\n",                   // not an aggregate
        b"*1\r\n$-2\r\n",                 // bad null
        &big,                             // over the direct cap
    ];
    for wire in declined {
        let (direct, used) = leaf_array(&mut Decoder::new(), wire);
        assert_eq!(
            (direct, used),
            (None, 0),
            "{:?}",
            &wire[..wire.len().min(24)]
        );
    }
    // Over a limit: declined, and the general path reports it.
    let limits = DecoderLimits {
        max_bulk_len: 2,
        ..DecoderLimits::default()
    };
    let wire = b"*1\r\n$3\r\nabc\r\n";
    assert_eq!(
        leaf_array(&mut Decoder::with_limits(limits), wire),
        (None, 0)
    );
    let err = Decoder::with_limits(limits).decode(&mut BytesMut::from(&wire[..]));
    assert!(err.is_err());
    // The count line is a line like any other: its length is limited too.
    let short_lines = DecoderLimits {
        max_line_len: 1,
        ..DecoderLimits::default()
    };
    let wire = b"*10\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n";
    let mut decoder = Decoder::with_limits(short_lines);
    assert_eq!(leaf_array(&mut decoder, wire), (None, 0));
    assert!(decoder.decode(&mut BytesMut::from(&wire[..])).is_err());
    // Mid-frame: declined until the general path finishes the frame.
    let mut decoder = Decoder::new();
    let mut buf = BytesMut::from(&b"*2\r\n:1\r\n"[..]);
    assert_eq!(decoder.decode(&mut buf).unwrap(), None);
    buf.extend_from_slice(b":2\r\n");
    assert!(decoder
        .decode_leaf_array(&mut buf, Ok::<Value, ()>)
        .is_none());
    assert_eq!(
        decoder.decode(&mut buf).unwrap(),
        Some(Value::Array(vec![Value::Integer(1), Value::Integer(2)]))
    );
}

#[test]
fn a_failed_element_conversion_consumes_the_whole_frame() {
    let mut decoder = Decoder::new();
    let mut buf = BytesMut::from(&b"*3\r\n:1\r\n$-1\r\n:3\r\n:9\r\n"[..]);
    let got = decoder.decode_leaf_array(&mut buf, |v| match v {
        Value::Integer(n) => Ok(n),
        other => Err(format!("{other:?}")),
    });
    assert_eq!(got, Some(Err("Nil".to_string())));
    assert_eq!(&buf[..], b":9\r\n");
    assert_eq!(decoder.decode(&mut buf).unwrap(), Some(Value::Integer(9)));
}

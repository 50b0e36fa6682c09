//! Derived types and commands against a real server, on RESP2 and RESP3:
//! structs as hashes, newtypes and unit enums as values, JSON fields, and a
//! derived command inside a pipeline and a transaction.

mod support;

use redis_typed::commands::{Get, HGetAll, HSet, Set};
use redis_typed::{Client, Command, ConnectionConfig, FromRedisValue, Protocol, ToRedisArgs};
use support::RedisServer;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Prefs {
    theme: String,
    tabs: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, ToRedisArgs, FromRedisValue)]
#[redis(rename_all = "kebab-case")]
enum Plan {
    Free,
    ProMonthly,
}

#[derive(Debug, Clone, PartialEq, ToRedisArgs, FromRedisValue)]
struct UserId(u64);

#[derive(Debug, Clone, PartialEq, ToRedisArgs, FromRedisValue)]
struct Audit {
    created_by: String,
}

#[derive(Debug, Clone, PartialEq, ToRedisArgs, FromRedisValue)]
#[redis(rename_all = "camelCase")]
struct User {
    id: UserId,
    display_name: String,
    #[redis(rename = "years")]
    age: u32,
    email: Option<String>,
    plan: Plan,
    #[redis(default)]
    logins: u64,
    #[redis(skip)]
    cached: Vec<u8>,
    #[redis(json)]
    prefs: Prefs,
    #[redis(flatten)]
    audit: Audit,
}

/// `SET key value [NX] [EX seconds] GET`, as a team might wrap it.
#[derive(Command)]
#[redis(name = "SET", response = Option<String>)]
struct SetReturningOld<'a> {
    #[redis(key)]
    key: &'a str,
    value: &'a str,
    #[redis(token = "NX")]
    only_new: bool,
    #[redis(token = "EX")]
    ttl_secs: Option<u64>,
    #[redis(token = "GET")]
    get: bool,
}

#[derive(Command)]
#[redis(name = "HGET", response = Option<Plan>, read_only)]
struct PlanOf<'a> {
    #[redis(key)]
    key: &'a str,
    field: &'a str,
}

async fn raw_len(client: &Client, key: &str) -> i64 {
    client
        .send(redis_typed::Cmd::<i64>::new("HLEN").key(key))
        .await
        .unwrap()
}

fn ada() -> User {
    User {
        id: UserId(7),
        display_name: "Ada".into(),
        age: 36,
        email: None,
        plan: Plan::ProMonthly,
        logins: 0,
        cached: vec![1, 2, 3],
        prefs: Prefs {
            theme: "dark".into(),
            tabs: 4,
        },
        audit: Audit {
            created_by: "admin".into(),
        },
    }
}

#[tokio::test]
async fn structs_round_trip_through_hashes_on_both_protocols() {
    let server = RedisServer::start();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let config = ConnectionConfig::from_url(&server.url())
            .unwrap()
            .protocol(protocol);
        let client = Client::connect(config).await.unwrap();
        let key = format!("user:{protocol:?}");
        let user = ada();
        let written = client.send(HSet::new(key.as_str(), &user)).await.unwrap();
        // email is None (not written), cached is skipped.
        assert_eq!(written, 7);
        assert_eq!(raw_len(&client, &key).await, 7);
        let back: User = client
            .send(HGetAll::<User>::new(key.as_str()))
            .await
            .unwrap();
        assert_eq!(
            back,
            User {
                cached: Vec::new(),
                ..user.clone()
            }
        );
        // The stored field names follow the renames.
        let raw: std::collections::BTreeMap<String, String> =
            client.send(HGetAll::new(key.as_str())).await.unwrap();
        // `created_by` comes from the flattened struct, which has its own
        // naming; `logins` is written (its default only applies on read).
        assert_eq!(
            raw.keys().map(String::as_str).collect::<Vec<_>>(),
            [
                "created_by",
                "displayName",
                "id",
                "logins",
                "plan",
                "prefs",
                "years"
            ]
        );
        assert_eq!(raw["plan"], "pro-monthly");
        assert_eq!(raw["prefs"], r#"{"theme":"dark","tabs":4}"#);

        // A missing required field is an error naming the struct and field.
        client
            .send(HSet::from_pairs(
                format!("{key}:partial"),
                [("displayName", "x")],
            ))
            .await
            .unwrap();
        let err = client
            .send(HGetAll::<User>::new(format!("{key}:partial")))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("User") && text.contains("`id`"), "{text}");

        // Newtypes and unit enums are single values.
        client
            .send(Set::new(format!("{key}:plan"), Plan::Free))
            .await
            .unwrap();
        let plan: Option<Plan> = client.send(Get::new(format!("{key}:plan"))).await.unwrap();
        assert_eq!(plan, Some(Plan::Free));
        client
            .send(Set::new(format!("{key}:id"), UserId(99)))
            .await
            .unwrap();
        let id: Option<UserId> = client.send(Get::new(format!("{key}:id"))).await.unwrap();
        assert_eq!(id, Some(UserId(99)));
    }
}

#[tokio::test]
async fn derived_commands_work_alone_in_pipelines_and_in_transactions() {
    let server = RedisServer::start();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let config = ConnectionConfig::from_url(&server.url())
            .unwrap()
            .protocol(protocol);
        let client = Client::connect(config).await.unwrap();
        let k = format!("cmd:{protocol:?}");
        let first = SetReturningOld {
            key: &k,
            value: "one",
            only_new: true,
            ttl_secs: Some(100),
            get: true,
        };
        assert!(!first.read_only());
        assert_eq!(client.send(first).await.unwrap(), None);

        client
            .send(HSet::new(format!("{k}:u"), &ada()))
            .await
            .unwrap();
        let (old, plan): (Option<String>, Option<Plan>) = client
            .pipeline()
            .add(SetReturningOld {
                key: &k,
                value: "two",
                only_new: false,
                ttl_secs: None,
                get: true,
            })
            .add(PlanOf {
                key: &format!("{k}:u"),
                field: "plan",
            })
            .send()
            .await
            .unwrap();
        assert_eq!(old.as_deref(), Some("one"));
        assert_eq!(plan, Some(Plan::ProMonthly));

        let (old, plan): (Option<String>, Option<Plan>) = client
            .transaction()
            .add(SetReturningOld {
                key: &k,
                value: "three",
                only_new: false,
                ttl_secs: Some(5),
                get: true,
            })
            .add(PlanOf {
                key: &format!("{k}:u"),
                field: "nope",
            })
            .send()
            .await
            .unwrap();
        assert_eq!(old.as_deref(), Some("two"));
        assert_eq!(plan, None);
    }
}

//! Self-test of the fake Talkdesk API (tests/support/fake_api.rs) with a hand-written HTTP/1.1
//! client over a plain `TcpStream`.

use crate::support::fake_api;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fake_api::{
    Bucket, Delay, Exchange, FakeApi, FakeConfig, FaultKind, Faults, LinkStyle, RateHeaderStyle,
    RequestMatch, Route, basic_auth, sample_accounts, simple_accounts,
};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client
// ---------------------------------------------------------------------------------------------

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

struct Client {
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        Client {
            reader: BufReader::new(stream),
        }
    }

    fn send(&mut self, method: &str, target: &str, headers: &[(&str, &str)], body: &str) {
        let mut req = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (n, v) in headers {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        req.push_str(body);
        self.reader.get_mut().write_all(req.as_bytes()).unwrap();
    }

    /// Reads the status line and headers; `None` when the server closed the connection.
    fn read_head(&mut self) -> Option<(u16, Vec<(String, String)>)> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let status = line.split_whitespace().nth(1)?.parse().ok()?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).ok()?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let (n, v) = l.split_once(':')?;
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
        Some((status, headers))
    }

    fn read_response(&mut self) -> Option<Response> {
        let (status, headers) = self.read_head()?;
        let len: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map(|(_, v)| v.parse().unwrap())
            .expect("every response has a Content-Length");
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).ok()?;
        Some(Response {
            status,
            headers,
            body: String::from_utf8(body).unwrap(),
        })
    }

    fn request(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Option<Response> {
        self.send(method, target, headers, body);
        self.read_response()
    }

    fn token(&mut self, id: &str, secret: &str) -> Response {
        let auth = basic_auth(id, secret);
        self.request(
            "POST",
            "/oauth/token",
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            "grant_type=client_credentials&scope=express-accounts%3Aread",
        )
        .expect("token answer")
    }

    fn get(&mut self, target: &str, token: &str) -> Option<Response> {
        let auth = format!("Bearer {token}");
        self.request(
            "GET",
            target,
            &[("Authorization", &auth), ("Accept", "application/json")],
            "",
        )
    }

    /// True when the server closed the connection (EOF or reset) without sending anything.
    fn closed_without_answer(&mut self) -> bool {
        let mut buf = [0u8; 1];
        matches!(self.reader.read(&mut buf), Ok(0) | Err(_)) && self.reader.buffer().is_empty()
    }
}

fn default_token(api: &FakeApi) -> String {
    let mut c = Client::connect(api.addr());
    let r = c.token("test-client", "test-secret-value");
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["access_token"].as_str().unwrap().to_string()
}

fn start(accounts: Vec<Value>) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts,
        ..Default::default()
    })
}

/// Path and query of an href (absolute or relative).
fn target_of(href: &str, base: &str) -> String {
    href.strip_prefix(base).unwrap_or(href).to_string()
}

// ---------------------------------------------------------------------------------------------
// Token endpoint
// ---------------------------------------------------------------------------------------------

#[test]
fn token_right_credentials() {
    let api = start(vec![]);
    let mut c = Client::connect(api.addr());
    let r = c.token("test-client", "test-secret-value");
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let j = r.json();
    assert_eq!(j["token_type"], "Bearer");
    assert_eq!(j["expires_in"], 3600);
    assert_eq!(j["scope"], "express-accounts:read");
    let t1 = j["access_token"].as_str().unwrap().to_string();
    assert!(t1.starts_with("fake-token-1-"), "{t1}");
    // A second token on the same connection is different.
    let t2 = c.token("test-client", "test-secret-value").json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(t1, t2);
    assert_eq!(api.token_requests(), 2);
    assert_eq!(api.tokens_issued(), 2);
    let rec = &api.requests()[0];
    assert_eq!(rec.method, "POST");
    assert_eq!(rec.target, "/oauth/token");
    assert_eq!(
        rec.header("Authorization").unwrap(),
        "Basic dGVzdC1jbGllbnQ6dGVzdC1zZWNyZXQtdmFsdWU="
    );
    assert_eq!(
        rec.body,
        "grant_type=client_credentials&scope=express-accounts%3Aread"
    );
}

#[test]
fn token_wrong_credentials_missing_header_and_wrong_grant() {
    let api = start(vec![]);
    let mut c = Client::connect(api.addr());
    let r = c.token("test-client", "wrong");
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json(),
        json!({"error": "invalid_client", "error_description": "Client authentication failed"})
    );
    assert_eq!(c.token("other", "test-secret-value").status, 401);

    let r = c
        .request(
            "POST",
            "/oauth/token",
            &[],
            "grant_type=client_credentials&scope=express-accounts:read",
        )
        .unwrap();
    assert_eq!(r.status, 401);

    let auth = basic_auth("test-client", "test-secret-value");
    let r = c
        .request(
            "POST",
            "/oauth/token",
            &[("Authorization", &auth)],
            "grant_type=password&scope=express-accounts:read",
        )
        .unwrap();
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "unsupported_grant_type");
    assert_eq!(api.tokens_issued(), 0);
}

#[test]
fn token_with_expect_100_continue() {
    let api = start(vec![]);
    let mut c = Client::connect(api.addr());
    let auth = basic_auth("test-client", "test-secret-value");
    let body = "grant_type=client_credentials&scope=express-accounts:read";
    let head = format!(
        "POST /oauth/token HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    c.reader.get_mut().write_all(head.as_bytes()).unwrap();
    let (status, _) = c.read_head().unwrap();
    assert_eq!(status, 100);
    c.reader.get_mut().write_all(body.as_bytes()).unwrap();
    let r = c.read_response().unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
}

// ---------------------------------------------------------------------------------------------
// Accounts endpoint
// ---------------------------------------------------------------------------------------------

#[test]
fn three_page_walk_following_absolute_links() {
    let api = start(simple_accounts(125));
    let token = default_token(&api);
    let base = api.base_url();
    let mut c = Client::connect(api.addr());
    let mut target = "/express/accounts?page=1&per_page=50".to_string();
    let mut ids = Vec::new();
    let mut counts = Vec::new();
    loop {
        let r = c.get(&target, &token).unwrap();
        assert_eq!(r.status, 200, "{}", r.body);
        let j = r.json();
        assert_eq!(j["total"], 125);
        assert_eq!(j["total_pages"], 3);
        assert_eq!(j["per_page"], 50);
        counts.push(j["count"].as_u64().unwrap());
        for a in j["_embedded"]["accounts"].as_array().unwrap() {
            ids.push(a["id"].as_str().unwrap().to_string());
        }
        let links = &j["_links"];
        let page = j["page"].as_u64().unwrap();
        assert_eq!(
            links["self"]["href"],
            format!("{base}/express/accounts?page={page}&per_page=50")
        );
        assert_eq!(
            links["first"]["href"],
            format!("{base}/express/accounts?page=1&per_page=50")
        );
        assert_eq!(
            links["last"]["href"],
            format!("{base}/express/accounts?page=3&per_page=50")
        );
        assert_eq!(links.get("prev").is_some(), page > 1);
        match links.get("next") {
            Some(next) => target = target_of(next["href"].as_str().unwrap(), &base),
            None => break,
        }
    }
    assert_eq!(counts, [50, 50, 25]);
    let expected: Vec<String> = (1..=125).map(|i| format!("acc-{i:04}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(api.page_requests(), [1, 2, 3]);
    // One connection for the token, one for the whole walk.
    assert_eq!(api.connections(), 2);
    let conns: Vec<usize> = api.requests().iter().map(|r| r.connection).collect();
    assert_eq!(conns, [1, 2, 2, 2]);
}

#[test]
fn accounts_are_served_verbatim_with_the_documented_fields() {
    let accounts = vec![
        json!({"id": "a1", "name": "n", "company_name": null, "status": "WEIRD", "extra": {"x": [1, 2]}}),
        json!({"id": "a2"}),
    ];
    let api = start(accounts.clone());
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    let j = c.get("/express/accounts", &token).unwrap().json();
    assert_eq!(j["_embedded"]["accounts"], Value::Array(accounts));
    assert_eq!(j["page"], 1);
    assert_eq!(j["per_page"], 50);
    assert_eq!(j["count"], 2);
    assert_eq!(j["total_pages"], 1);
    let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "count",
            "page",
            "per_page",
            "total",
            "total_pages",
            "_embedded",
            "_links"
        ]
    );
}

#[test]
fn page_cap_caps_per_page() {
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(45),
        page_cap: 20,
        ..Default::default()
    });
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    let j = c
        .get("/express/accounts?page=1&per_page=50", &token)
        .unwrap()
        .json();
    assert_eq!(j["per_page"], 20);
    assert_eq!(j["count"], 20);
    assert_eq!(j["total_pages"], 3);
    assert!(
        j["_links"]["next"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/express/accounts?page=2&per_page=20")
    );
    let j = c
        .get("/express/accounts?page=3&per_page=50", &token)
        .unwrap()
        .json();
    assert_eq!(j["count"], 5);
    assert_eq!(j["_embedded"]["accounts"][0]["id"], "acc-0041");
}

#[test]
fn relative_and_no_links() {
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(5),
        links: LinkStyle::Relative,
        ..Default::default()
    });
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    let j = c
        .get("/express/accounts?page=2&per_page=2", &token)
        .unwrap()
        .json();
    assert_eq!(
        j["_links"],
        json!({
            "self": {"href": "/express/accounts?page=2&per_page=2"},
            "first": {"href": "/express/accounts?page=1&per_page=2"},
            "last": {"href": "/express/accounts?page=3&per_page=2"},
            "prev": {"href": "/express/accounts?page=1&per_page=2"},
            "next": {"href": "/express/accounts?page=3&per_page=2"},
        })
    );

    api.update(|c| c.links = LinkStyle::None);
    let j = c
        .get("/express/accounts?page=2&per_page=2", &token)
        .unwrap()
        .json();
    assert!(j.get("_links").is_none());
    assert_eq!(j["count"], 2);
}

#[test]
fn bad_parameters_empty_data_and_pages_beyond_the_end() {
    let api = start(vec![]);
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    for target in [
        "/express/accounts?per_page=0",
        "/express/accounts?per_page=101",
        "/express/accounts?per_page=abc",
    ] {
        let r = c.get(target, &token).unwrap();
        assert_eq!(r.status, 400, "{target}");
        assert_eq!(
            r.json(),
            json!({"code": "400", "message": "Bad Request", "description": "Invalid query parameters",
                   "fields": [{"name": "per_page", "description": "must be between 1 and 100"}]})
        );
    }
    let r = c.get("/express/accounts?page=two", &token).unwrap();
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["fields"][0]["name"], "page");

    // No accounts: page 1 is a 200 with an empty list.
    let j = c.get("/express/accounts?page=1", &token).unwrap().json();
    assert_eq!(j["total"], 0);
    assert_eq!(j["total_pages"], 0);
    assert_eq!(j["count"], 0);
    assert_eq!(j["_embedded"]["accounts"], json!([]));

    // Data changes between runs; a page beyond the end is empty.
    api.set_accounts(simple_accounts(3));
    let j = c
        .get("/express/accounts?page=9&per_page=2", &token)
        .unwrap()
        .json();
    assert_eq!(j["count"], 0);
    assert_eq!(j["total"], 3);
    assert_eq!(j["_embedded"]["accounts"], json!([]));
    assert_eq!(api.page_requests(), [1, 1, 1, 0, 1, 9]);
}

#[test]
fn unauthorized_and_not_found() {
    let api = start(simple_accounts(3));
    let mut c = Client::connect(api.addr());
    let r = c.get("/express/accounts", "not-a-token").unwrap();
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json(),
        json!({"code": "401", "message": "Unauthorized", "description": "Invalid or expired token"})
    );
    let r = c.request("GET", "/express/accounts", &[], "").unwrap();
    assert_eq!(r.status, 401);
    let r = c.request("GET", "/nope", &[], "").unwrap();
    assert_eq!(r.status, 404);
    assert_eq!(r.json(), json!({"code": "404", "message": "Not Found"}));
    let r = c.request("GET", "/oauth/token", &[], "").unwrap();
    assert_eq!(r.status, 404);

    let token = default_token(&api);
    api.revoke_tokens();
    assert_eq!(c.get("/express/accounts", &token).unwrap().status, 401);
}

#[test]
fn missing_scope_is_forbidden() {
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        scope: "other-scope:read".to_string(),
        ..Default::default()
    });
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    let r = c.get("/express/accounts", &token).unwrap();
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["code"], "403");
}

#[test]
fn token_valid_for_requests_expires_the_token() {
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        faults: Faults {
            token_valid_for_requests: Some(2),
            ..Default::default()
        },
        ..Default::default()
    });
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    assert_eq!(c.get("/express/accounts", &token).unwrap().status, 200);
    assert_eq!(c.get("/express/accounts", &token).unwrap().status, 200);
    assert_eq!(c.get("/express/accounts", &token).unwrap().status, 401);
    let fresh = default_token(&api);
    assert_eq!(c.get("/express/accounts", &fresh).unwrap().status, 200);
    assert_eq!(c.get("/express/accounts", &token).unwrap().status, 401);
}

/// `token_valid_for` refuses a token once it is that old (here at once, or never within the
/// test), whatever `expires_in` said.
#[test]
fn token_valid_for_expires_the_token_by_its_age() {
    for (life, status) in [(Duration::ZERO, 401), (Duration::from_secs(3600), 200)] {
        let api = FakeApi::start(FakeConfig {
            accounts: simple_accounts(3),
            faults: Faults {
                token_valid_for: Some(life),
                ..Default::default()
            },
            ..Default::default()
        });
        let token = default_token(&api);
        let mut c = Client::connect(api.addr());
        assert_eq!(c.get("/express/accounts", &token).unwrap().status, status);
    }
}

// ---------------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------------

#[test]
fn keep_alive_connection_counts_once_and_connection_close_closes() {
    let api = start(simple_accounts(10));
    let mut c = Client::connect(api.addr());
    let token = c.token("test-client", "test-secret-value").json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    for page in 1..=4 {
        let r = c
            .get(&format!("/express/accounts?page={page}&per_page=3"), &token)
            .unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("connection"), Some("keep-alive"));
    }
    assert_eq!(api.connections(), 1);

    let mut c2 = Client::connect(api.addr());
    let auth = format!("Bearer {token}");
    let r = c2
        .request(
            "GET",
            "/express/accounts",
            &[("Authorization", &auth), ("Connection", "close")],
            "",
        )
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("connection"), Some("close"));
    assert!(c2.closed_without_answer());
    assert_eq!(api.connections(), 2);
    assert_eq!(api.page_requests(), [1, 2, 3, 4, 1]);
}

#[test]
fn dropping_the_server_closes_connections_and_stops_listening() {
    let api = FakeApi::start(FakeConfig {
        faults: Faults {
            always: vec![(RequestMatch::AnyPage, FaultKind::Stall)],
            ..Default::default()
        },
        ..Default::default()
    });
    let addr = api.addr();
    let mut idle = Client::connect(addr);
    assert_eq!(idle.request("GET", "/x", &[], "").unwrap().status, 404);
    let mut stalled = Client::connect(addr);
    stalled.send("GET", "/express/accounts", &[], "");
    std::thread::sleep(Duration::from_millis(30));
    drop(api);
    assert!(stalled.closed_without_answer());
    assert!(idle.closed_without_answer());
    assert!(TcpStream::connect(addr).is_err());
}

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

#[test]
fn one_shot_script_fault_fires_exactly_once() {
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(10),
        faults: Faults {
            script: vec![
                (RequestMatch::Page(2), FaultKind::Status(503)),
                (RequestMatch::Token, FaultKind::RetryAfter(429, "1".into())),
            ],
            always: vec![(RequestMatch::Page(2), FaultKind::Status(500))],
            ..Default::default()
        },
        ..Default::default()
    });
    let mut c = Client::connect(api.addr());
    let r = c.token("test-client", "test-secret-value");
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("1"));
    let token = c.token("test-client", "test-secret-value").json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = c
        .get("/express/accounts?page=2&per_page=5", &token)
        .unwrap();
    assert_eq!(r.status, 503);
    assert_eq!(
        r.json(),
        json!({"code": "503", "message": "Service Unavailable", "description": "Injected fault"})
    );
    // The script entry is gone; the permanent fault applies now.
    for _ in 0..2 {
        let r = c
            .get("/express/accounts?page=2&per_page=5", &token)
            .unwrap();
        assert_eq!(r.status, 500);
    }
    assert_eq!(
        c.get("/express/accounts?page=1&per_page=5", &token)
            .unwrap()
            .status,
        200
    );
    api.update(|c| c.faults.always.clear());
    assert_eq!(
        c.get("/express/accounts?page=2&per_page=5", &token)
            .unwrap()
            .status,
        200
    );
}

#[test]
fn nth_request_fault() {
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        faults: Faults {
            script: vec![(
                RequestMatch::Nth(3),
                FaultKind::StatusWithBody(403, r#"{"code":"403","message":"Forbidden"}"#.into()),
            )],
            ..Default::default()
        },
        ..Default::default()
    });
    let token = default_token(&api); // request 1
    let mut c = Client::connect(api.addr());
    assert_eq!(c.get("/express/accounts", &token).unwrap().status, 200); // 2
    let r = c.get("/express/accounts", &token).unwrap(); // 3
    assert_eq!(r.status, 403);
    assert_eq!(r.body, r#"{"code":"403","message":"Forbidden"}"#);
    assert_eq!(c.get("/express/accounts", &token).unwrap().status, 200); // 4
}

#[test]
fn drop_closes_without_answer() {
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        faults: Faults {
            script: vec![(RequestMatch::AnyPage, FaultKind::Drop)],
            ..Default::default()
        },
        ..Default::default()
    });
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    c.send(
        "GET",
        "/express/accounts",
        &[("Authorization", &format!("Bearer {token}"))],
        "",
    );
    assert!(c.closed_without_answer());
    let mut c = Client::connect(api.addr());
    assert_eq!(c.get("/express/accounts", &token).unwrap().status, 200);
    assert_eq!(api.page_requests(), [1, 1]);
}

#[test]
fn odd_answers_malformed_redirect_json_stalls() {
    let odd = json!({"count": 1, "page": 1, "total": 7});
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        faults: Faults {
            script: vec![
                (RequestMatch::AnyPage, FaultKind::Malformed),
                (
                    RequestMatch::AnyPage,
                    FaultKind::Redirect("http://example.com/".into()),
                ),
                (RequestMatch::AnyPage, FaultKind::Json(odd.clone())),
                (RequestMatch::AnyPage, FaultKind::StallBody),
                (RequestMatch::AnyPage, FaultKind::Stall),
            ],
            ..Default::default()
        },
        ..Default::default()
    });
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    let r = c.get("/express/accounts", &token).unwrap();
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, "{\"count\": 1, \"_embedded\": ")
    );
    let r = c.get("/express/accounts", &token).unwrap();
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some("http://example.com/"));
    let r = c.get("/express/accounts", &token).unwrap();
    assert_eq!(r.json(), odd);

    // StallBody: headers promise 1000 bytes, 10 arrive, then nothing.
    c.send("GET", "/express/accounts", &[], "");
    let (status, headers) = c.read_head().unwrap();
    assert_eq!(status, 200);
    assert!(headers.contains(&("content-length".into(), "1000".into())));
    let mut ten = [0u8; 10];
    c.reader.read_exact(&mut ten).unwrap();
    c.reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut more = [0u8; 1];
    assert!(c.reader.read(&mut more).is_err());

    // Stall: nothing at all.
    let mut c = Client::connect(api.addr());
    c.reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    c.send("GET", "/express/accounts", &[], "");
    assert!(c.reader.read(&mut more).is_err());
}

#[test]
fn huge_body_is_streamed() {
    let len: u64 = 300 * 1024 * 1024;
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        faults: Faults {
            script: vec![(RequestMatch::Page(1), FaultKind::HugeBody(len))],
            ..Default::default()
        },
        ..Default::default()
    });
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    c.send(
        "GET",
        "/express/accounts?page=1",
        &[("Authorization", &format!("Bearer {token}"))],
        "",
    );
    let (status, headers) = c.read_head().unwrap();
    assert_eq!(status, 200);
    assert!(headers.contains(&("content-length".into(), len.to_string())));
    let mut first = vec![0u8; 4096];
    c.reader.read_exact(&mut first).unwrap();
    assert!(first.starts_with(b"{\"count\": 1"));
    drop(c);
    // The server is still fine.
    let mut c = Client::connect(api.addr());
    assert_eq!(c.get("/express/accounts", &token).unwrap().status, 200);
}

#[test]
fn the_delay_hook_is_asked_about_every_request_with_its_route_and_connection() {
    // The hook the benchmark's network model uses (examples/bench/latency.rs): asked once per
    // request, faulted ones and 404s included, knowing the first request of each connection.
    let seen: Arc<Mutex<Vec<(Route, bool)>>> = Arc::default();
    let log = Arc::clone(&seen);
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        delay: Some(Delay(Arc::new(move |ex: &Exchange| {
            log.lock().unwrap().push((ex.route, ex.first_on_connection));
            Duration::ZERO
        }))),
        ..Default::default()
    });
    let mut c = Client::connect(api.addr());
    let token = c.token("test-client", "test-secret-value").json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(c.get("/express/accounts", &token).unwrap().status, 200);
    let mut c2 = Client::connect(api.addr());
    assert_eq!(c2.request("GET", "/nowhere", &[], "").unwrap().status, 404);
    assert_eq!(
        *seen.lock().unwrap(),
        [
            (Route::Token, true),
            (Route::Accounts, false),
            (Route::Other, true)
        ]
    );
    assert_eq!(api.connections(), 2);
}

/// Status of each of 40 accounts requests under a seeded random fault rate (0 = dropped).
fn random_outcomes(seed: u64) -> Vec<u16> {
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        faults: Faults {
            fail_rate: 0.4,
            seed,
            ..Default::default()
        },
        ..Default::default()
    });
    let mut token = None;
    while token.is_none() {
        let mut c = Client::connect(api.addr());
        let auth = basic_auth("test-client", "test-secret-value");
        if let Some(r) = c.request(
            "POST",
            "/oauth/token",
            &[("Authorization", &auth)],
            "grant_type=client_credentials",
        ) {
            if r.status == 200 {
                token = Some(r.json()["access_token"].as_str().unwrap().to_string());
            }
        }
    }
    let token = token.unwrap();
    let mut out = Vec::new();
    let mut c = Client::connect(api.addr());
    for _ in 0..40 {
        match c.get("/express/accounts", &token) {
            Some(r) => {
                if r.status == 429 {
                    assert_eq!(r.header("retry-after"), Some("0"));
                }
                out.push(r.status)
            }
            None => {
                out.push(0);
                c = Client::connect(api.addr());
            }
        }
    }
    out
}

#[test]
fn seeded_random_faults_are_reproducible() {
    let a = random_outcomes(42);
    let b = random_outcomes(42);
    assert_eq!(a, b);
    let ok = a.iter().filter(|&&s| s == 200).count();
    assert!((10..40).contains(&ok), "{a:?}");
    assert!(a.iter().any(|&s| s != 200));
    let c = random_outcomes(7);
    assert_ne!(a, c);
}

// ---------------------------------------------------------------------------------------------
// Helpers and sample data
// ---------------------------------------------------------------------------------------------

#[test]
fn base64_round_trip() {
    use fake_api::{base64_decode, base64_encode};
    for (raw, enc) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64_encode(raw.as_bytes()), enc);
        assert_eq!(base64_decode(enc).unwrap(), raw.as_bytes());
    }
    assert!(base64_decode("Zm9v!").is_none());
    assert!(base64_decode("Z").is_none());
}

#[test]
fn sample_and_simple_accounts() {
    let a = sample_accounts(250);
    assert_eq!(a, sample_accounts(250));
    assert_eq!(a[..10], sample_accounts(10)[..]);
    let mut ids: Vec<&str> = a.iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert!(
        ids.iter()
            .all(|id| id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit()))
    );
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 250);
    let mut names: Vec<&str> = a.iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert!(
        names
            .iter()
            .all(|n| !n.is_empty() && *n == n.to_lowercase())
    );
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 250);
    let companies: Vec<&str> = a
        .iter()
        .map(|x| x["company_name"].as_str().unwrap())
        .collect();
    assert!(companies.contains(&"Café Zürich GmbH"));
    assert!(companies.contains(&"東京テレコム株式会社"));
    assert!(companies.iter().any(|c| c.contains(',')));
    assert!(companies.iter().any(|c| c.contains('"')));
    assert!(companies.iter().any(|c| c.contains('\n')));
    let active = a.iter().filter(|x| x["status"] == "ACTIVE").count();
    assert!(active > 125, "{active}");
    for s in fake_api::STATUSES {
        assert!(a[..15].iter().any(|x| x["status"] == s), "{s}");
    }
    assert_eq!(a.iter().filter(|x| x.get("region").is_some()).count(), 25);
    assert!(a[9].get("region").is_some());

    let s = simple_accounts(8);
    assert_eq!(
        s[0],
        json!({"id": "acc-0001", "name": "name-1", "company_name": "Company 1", "status": "ACTIVE"})
    );
    assert_eq!(s[6]["status"], "OTHER");
    assert_eq!(s[7]["status"], "ACTIVE");
    assert_eq!(s[7]["id"], "acc-0008");
}

// ---------------------------------------------------------------------------------------------
// Token bucket
// ---------------------------------------------------------------------------------------------

/// A bucket that refills too slowly to matter during the test: its burst, then 429s.
fn slow_bucket(bucket: Bucket) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: simple_accounts(10),
        bucket: Some(Bucket {
            rate: 0.001,
            ..bucket
        }),
        ..Default::default()
    })
}

#[test]
fn the_bucket_lets_its_burst_through_then_answers_429_with_retry_after() {
    let api = slow_bucket(Bucket::new(0.001, 2.0));
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    let statuses: Vec<u16> = (1..=4)
        .map(|p| {
            let r = c
                .get(&format!("/express/accounts?page={p}"), &token)
                .unwrap();
            if r.status == 429 {
                assert_eq!(r.header("retry-after"), Some("1"));
                assert_eq!(r.json()["code"], "429");
            }
            r.status
        })
        .collect();
    assert_eq!(statuses, [200, 200, 429, 429]);
    assert_eq!(api.rate_limited(), 2);
    let arrivals = api.arrivals();
    let refused: Vec<(u64, bool)> = arrivals.iter().map(|a| (a.page, a.refused)).collect();
    assert_eq!(refused, [(1, false), (2, false), (3, true), (4, true)]);
    assert_eq!(api.max_per_second(), 4);
}

#[test]
fn a_strict_bucket_charges_refused_requests_too() {
    let api = slow_bucket(Bucket {
        refused_costs: true,
        retry_after: None,
        headers: RateHeaderStyle::Ietf,
        ..Bucket::new(0.001, 2.0)
    });
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    let first = c.get("/express/accounts?page=1", &token).unwrap();
    assert_eq!(first.status, 200);
    assert_eq!(first.header("ratelimit-limit"), Some("2"));
    assert_eq!(first.header("ratelimit-remaining"), Some("1"));
    assert_eq!(first.header("ratelimit-policy"), Some("2;w=2000"));
    c.get("/express/accounts?page=2", &token).unwrap();
    let refused = c.get("/express/accounts?page=3", &token).unwrap();
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("retry-after"), None);
    assert_eq!(refused.header("ratelimit-remaining"), Some("0"));
    // Two tokens short now: 2,000 s at 0.001 a second until the bucket is full... ceil'd.
    let reset: f64 = refused.header("ratelimit-reset").unwrap().parse().unwrap();
    assert!(reset >= 3000.0, "{reset}");
}

#[test]
fn x_ratelimit_headers_and_a_bucket_that_refills() {
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(10),
        bucket: Some(Bucket {
            headers: RateHeaderStyle::X,
            ..Bucket::new(1000.0, 1.0)
        }),
        ..Default::default()
    });
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    let r = c.get("/express/accounts?page=1", &token).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-ratelimit-limit"), Some("1"));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(r.header("x-ratelimit-reset"), Some("1"));
    assert_eq!(r.header("ratelimit-limit"), None);
    // A thousand tokens a second: after a short pause there is one again.
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(
        c.get("/express/accounts?page=2", &token).unwrap().status,
        200
    );
}

#[test]
fn cached_pages_are_served_unchanged() {
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(10),
        cache_pages: true,
        ..Default::default()
    });
    let token = default_token(&api);
    let mut c = Client::connect(api.addr());
    let first = c
        .get("/express/accounts?page=2&per_page=3", &token)
        .unwrap()
        .body;
    let again = c
        .get("/express/accounts?page=2&per_page=3", &token)
        .unwrap()
        .body;
    assert_eq!(first, again);
    assert_eq!(serde_json::from_str::<Value>(&first).unwrap()["page"], 2);
    api.set_accounts(simple_accounts(4));
    let changed = c
        .get("/express/accounts?page=2&per_page=3", &token)
        .unwrap();
    assert_eq!(
        changed.json()["total"],
        4,
        "a new set of accounts renders anew"
    );
}

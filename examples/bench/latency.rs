//! The network the benchmark charges on the fake API, through its delay hook
//! ([`FakeConfig::delay`](crate::fake_api::FakeConfig::delay)): a round trip on
//! every accounts answer, on every token answer, and on each new connection's
//! handshake. TLS is not modelled.
//!
//! Its self-tests sleep and time answers, so they are not part of `cargo
//! test`; run them with `cargo test --example bench`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::fake_api::{Delay, Exchange, Route};

/// The round trips the fake charges.
#[derive(Clone, Copy, Debug, Default)]
pub struct Network {
    /// Slept before answering every accounts request (faulted ones included).
    pub latency: Duration,
    /// Slept before answering every token request (faulted ones included).
    pub token_latency: Duration,
    /// The TCP handshake's round trip: a connection is usable only this long
    /// after it was accepted, so its first request (any route, faulted ones
    /// included) is answered no earlier than that, before the route's latency.
    /// A client that sends its request at once waits the whole round trip; one
    /// that opened the connection ahead of need waits only what is left of it.
    /// Later requests on a keep-alive connection do not pay it, so a client
    /// that reconnects for every request pays it every time.
    pub connect_latency: Duration,
}

impl Network {
    /// The hook for [`FakeConfig::delay`](crate::fake_api::FakeConfig::delay).
    pub fn delay(self) -> Option<Delay> {
        Some(Delay(Arc::new(move |ex: &Exchange| {
            self.hold(ex, Instant::now())
        })))
    }

    /// How long to hold the answer to `ex`, arrived at `now`: what is left of
    /// its connection's handshake if it is the first request on it, then its
    /// route's latency.
    fn hold(&self, ex: &Exchange, now: Instant) -> Duration {
        let handshake = if ex.first_on_connection {
            (ex.accepted + self.connect_latency).saturating_duration_since(now)
        } else {
            Duration::ZERO
        };
        let answer = match ex.route {
            Route::Accounts => self.latency,
            Route::Token => self.token_latency,
            Route::Other => Duration::ZERO,
        };
        handshake + answer
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{SocketAddr, TcpStream};
    use std::sync::Mutex;

    use super::*;
    use crate::fake_api::{FakeApi, FakeConfig, basic_auth, simple_accounts};

    const MS: Duration = Duration::from_millis(1);

    fn exchange(route: Route, first_on_connection: bool, accepted: Instant) -> Exchange {
        Exchange {
            route,
            first_on_connection,
            accepted,
        }
    }

    #[test]
    fn a_first_request_pays_what_is_left_of_the_handshake_then_its_route() {
        let net = Network {
            latency: 40 * MS,
            token_latency: 30 * MS,
            connect_latency: 200 * MS,
        };
        let t0 = Instant::now();
        let at_once = exchange(Route::Accounts, true, t0);
        assert_eq!(net.hold(&at_once, t0), 240 * MS);
        assert_eq!(net.hold(&at_once, t0 + 150 * MS), 90 * MS, "opened ahead");
        assert_eq!(net.hold(&at_once, t0 + 800 * MS), 40 * MS, "well ahead");
        let token = exchange(Route::Token, true, t0);
        assert_eq!(net.hold(&token, t0), 230 * MS);
        let other = exchange(Route::Other, true, t0);
        assert_eq!(
            net.hold(&other, t0),
            200 * MS,
            "a 404 pays the handshake too"
        );
    }

    #[test]
    fn later_requests_on_a_connection_pay_only_their_route() {
        let net = Network {
            latency: 40 * MS,
            token_latency: 30 * MS,
            connect_latency: 200 * MS,
        };
        let t0 = Instant::now();
        let later = |route| net.hold(&exchange(route, false, t0), t0);
        assert_eq!(later(Route::Accounts), 40 * MS);
        assert_eq!(later(Route::Token), 30 * MS);
        assert_eq!(later(Route::Other), Duration::ZERO);
    }

    // End to end through the fake: these sleep and time.

    /// One keep-alive connection to the fake.
    struct Client(BufReader<TcpStream>);

    impl Client {
        fn connect(addr: SocketAddr) -> Client {
            let stream = TcpStream::connect(addr).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            Client(BufReader::new(stream))
        }

        /// Sends a request and reads the answer: status and body.
        fn request(&mut self, head: &str, body: &str) -> (u16, String) {
            let req = format!(
                "{head}\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            self.0.get_mut().write_all(req.as_bytes()).unwrap();
            let mut line = String::new();
            self.0.read_line(&mut line).unwrap();
            let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
            let mut len = 0;
            loop {
                line.clear();
                self.0.read_line(&mut line).unwrap();
                if line.trim_end().is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        len = value.trim().parse().unwrap();
                    }
                }
            }
            let mut body = vec![0; len];
            self.0.read_exact(&mut body).unwrap();
            (status, String::from_utf8(body).unwrap())
        }

        fn token(&mut self) -> String {
            let auth = basic_auth("test-client", "test-secret-value");
            let (status, body) = self.request(
                &format!(
                    "POST /oauth/token HTTP/1.1\r\nAuthorization: {auth}\r\n\
                     Content-Type: application/x-www-form-urlencoded"
                ),
                "grant_type=client_credentials&scope=express-accounts%3Aread",
            );
            assert_eq!(status, 200, "{body}");
            let json: serde_json::Value = serde_json::from_str(&body).unwrap();
            json["access_token"].as_str().unwrap().to_string()
        }

        fn accounts(&mut self, token: &str) -> u16 {
            let head = format!("GET /express/accounts HTTP/1.1\r\nAuthorization: Bearer {token}");
            self.request(&head, "").0
        }

        fn nowhere(&mut self) -> u16 {
            self.request("GET /nowhere HTTP/1.1", "").0
        }
    }

    fn start(net: Network) -> FakeApi {
        FakeApi::start(FakeConfig {
            accounts: simple_accounts(3),
            delay: net.delay(),
            ..FakeConfig::default()
        })
    }

    #[test]
    fn latency_delays_accounts_answers() {
        let api = start(Network {
            latency: 60 * MS,
            ..Network::default()
        });
        let mut c = Client::connect(api.addr());
        let token = c.token();
        let t = Instant::now();
        assert_eq!(c.accounts(&token), 200);
        assert!(t.elapsed() >= 60 * MS);
    }

    #[test]
    fn token_latency_delays_token_answers() {
        let api = start(Network {
            token_latency: 60 * MS,
            ..Network::default()
        });
        let mut c = Client::connect(api.addr());
        let t = Instant::now();
        let token = c.token();
        assert!(t.elapsed() >= 60 * MS);
        assert_eq!(c.accounts(&token), 200);
    }

    #[test]
    fn connect_latency_delays_the_first_request_of_each_connection() {
        let connect_latency = 60 * MS;
        let api = start(Network {
            connect_latency,
            ..Network::default()
        });
        // First request of a connection, on any route (here the token endpoint): it pays it.
        let t = Instant::now();
        let mut c = Client::connect(api.addr());
        let token = c.token();
        assert!(t.elapsed() >= connect_latency);
        assert_eq!(c.accounts(&token), 200);
        // A new connection pays it again, even for a 404.
        let t = Instant::now();
        let mut c2 = Client::connect(api.addr());
        assert_eq!(c2.nowhere(), 404);
        assert!(t.elapsed() >= connect_latency);
        assert_eq!(api.connections(), 2);
    }

    #[test]
    fn a_connection_opened_ahead_waits_only_what_is_left_of_the_handshake() {
        // Wide margins: the first request must reach the fake within 200 ms of its accept; the
        // second is sent 800 ms after the first was answered.
        let net = Network {
            connect_latency: 200 * MS,
            ..Network::default()
        };
        let held: Arc<Mutex<Vec<Duration>>> = Arc::default();
        let log = Arc::clone(&held);
        let api = FakeApi::start(FakeConfig {
            delay: Some(Delay(Arc::new(move |ex: &Exchange| {
                let hold = net.hold(ex, Instant::now());
                log.lock().unwrap().push(hold);
                hold
            }))),
            ..FakeConfig::default()
        });
        let mut at_once = Client::connect(api.addr());
        let mut ahead = Client::connect(api.addr());
        assert_eq!(at_once.nowhere(), 404);
        std::thread::sleep(800 * MS);
        assert_eq!(ahead.nowhere(), 404);
        let held = held.lock().unwrap();
        assert!(held[0] > Duration::ZERO, "sent at once: {:?}", held[0]);
        assert_eq!(
            held[1],
            Duration::ZERO,
            "sent 800 ms after the first answer"
        );
    }
}

//! Connections opened ahead of need.
//!
//! A concurrent walk learns how many pages there are only from the first
//! page, and only then starts its other requests. Each of those would
//! first have to open a TCP connection: one more round trip before the
//! first of them could even be sent. So while the first page is in
//! flight, [`Spares::open`] opens the connections the rest of the walk
//! will want, in the background. Once the first page is in,
//! [`Spares::release`] lets the agent's connector take one of them
//! ([`Spares::take`]) whenever it would otherwise open a new one; before
//! that, the first page's own request opens its own connection, so the
//! spares are all left for the pages fetched side by side.
//!
//! Only the TCP handshake is done ahead: no byte is sent on a spare until
//! the agent uses it (TLS included), so an unused spare costs the server
//! one accepted and closed socket. Spares are never used through a proxy,
//! for another address than the request's, when older than
//! [`MAX_AGE`], or when the server has closed them meanwhile.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, Transport,
};

/// A spare older than this is closed instead of used: servers close idle
/// connections after a while, and a request sent on one they have just
/// closed would fail.
pub const MAX_AGE: Duration = Duration::from_secs(15);

/// The connections opened ahead, shared by the opening threads and the
/// agent's connector.
#[derive(Debug, Clone, Default)]
pub struct Spares(Arc<Mutex<Held>>);

#[derive(Debug, Default)]
struct Held {
    spares: Vec<Spare>,
    /// [`Spares::release`] was called: the connector may take them.
    released: bool,
}

#[derive(Debug)]
struct Spare {
    stream: TcpStream,
    opened: Instant,
}

impl Spares {
    /// Opens `n` connections to `host:port` in the background, each
    /// giving up after `timeout`. Returns at once; a connection that
    /// fails is simply not there, and the agent opens its own.
    pub fn open(&self, host: &str, port: u16, n: usize, timeout: Duration) {
        for i in 0..n {
            let spares = self.clone();
            let host = host.to_string();
            // A thread that cannot be spawned is a spare less, nothing more.
            let _ = thread::Builder::new()
                .name(format!("preconnect-{i}"))
                .spawn(move || {
                    if let Some(stream) = connect(&host, port, timeout) {
                        spares.lock().spares.push(Spare {
                            stream,
                            opened: Instant::now(),
                        });
                    }
                });
        }
    }

    /// From now on, [`Spares::take`] hands spares over.
    pub fn release(&self) {
        self.lock().released = true;
    }

    /// A usable spare connected to one of `addrs`, if there is one and
    /// the spares are released. Spares found stale or closed on the way
    /// are dropped.
    pub fn take(&self, addrs: &[SocketAddr]) -> Option<TcpStream> {
        let mut held = self.lock();
        if !held.released {
            return None;
        }
        while let Some(i) = held.spares.iter().position(|s| s.is_to(addrs)) {
            let spare = held.spares.swap_remove(i);
            if spare.opened.elapsed() < MAX_AGE && is_open(&spare.stream) {
                return Some(spare.stream);
            }
        }
        None
    }

    /// How many spares are waiting.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().spares.len()
    }

    fn lock(&self) -> MutexGuard<'_, Held> {
        // The list stays valid whatever a panicking holder did.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Spare {
    fn is_to(&self, addrs: &[SocketAddr]) -> bool {
        self.stream.peer_addr().is_ok_and(|a| addrs.contains(&a))
    }
}

/// The first address of `host:port` that accepts within `timeout`.
fn connect(host: &str, port: u16, timeout: Duration) -> Option<TcpStream> {
    let addrs = (host, port).to_socket_addrs().ok()?;
    addrs
        .into_iter()
        .find_map(|addr| TcpStream::connect_timeout(&addr, timeout).ok())
}

/// Whether the server still holds the connection open: nothing to read
/// yet, and no end of stream.
fn is_open(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let mut byte = [0u8; 1];
    let waiting = matches!(stream.peek(&mut byte), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
    stream.set_nonblocking(false).is_ok() && waiting
}

/// First in the agent's connector chain: hands over a spare when one
/// fits, otherwise lets the next connectors (proxy, TCP) open a
/// connection. TLS, if needed, is set up on either by the connector
/// after them.
impl Connector<()> for Spares {
    type Out = SpareTransport;

    fn connect(
        &self,
        details: &ConnectionDetails,
        _chained: Option<()>,
    ) -> Result<Option<SpareTransport>, ureq::Error> {
        if details.config.proxy().is_some() {
            return Ok(None);
        }
        let Some(stream) = self.take(&details.addrs) else {
            return Ok(None);
        };
        if details.config.no_delay() {
            stream.set_nodelay(true)?;
        }
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(SpareTransport { stream, buffers }))
    }
}

/// A spare in the agent's hands: blocking reads and writes bounded by the
/// agent's timeouts, as with ureq's own TCP transport (which cannot be
/// built from an open socket).
#[derive(Debug)]
pub struct SpareTransport {
    stream: TcpStream,
    buffers: LazyBuffers,
}

impl Transport for SpareTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = timeout.for_write();
        self.stream.set_write_timeout(time_left(&timeout)?)?;
        let output = &self.buffers.output()[..amount];
        (&self.stream)
            .write_all(output)
            .map_err(|e| io_error(e, &timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = timeout.for_read();
        self.stream.set_read_timeout(time_left(&timeout)?)?;
        let input = self.buffers.input_append_buf();
        let amount = loop {
            match (&self.stream).read(input) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other.map_err(|e| io_error(e, &timeout))?,
            }
        };
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        is_open(&self.stream)
    }
}

/// The socket timeout for the next read or write; a budget already spent
/// is the timeout itself.
fn time_left(timeout: &NextTimeout) -> Result<Option<Duration>, ureq::Error> {
    if timeout.after.is_zero() {
        return Err(ureq::Error::Timeout(timeout.reason));
    }
    Ok(timeout.not_zero().map(|d| *d))
}

/// A socket timeout is ureq's timeout error, as the agent expects.
fn io_error(e: io::Error, timeout: &NextTimeout) -> ureq::Error {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => ureq::Error::Timeout(timeout.reason),
        _ => e.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    fn listener() -> (TcpListener, SocketAddr) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        (listener, addr)
    }

    fn spare_to(addr: SocketAddr, opened: Instant) -> Spares {
        let spares = Spares::default();
        spares.lock().spares.push(Spare {
            stream: TcpStream::connect(addr).unwrap(),
            opened,
        });
        spares.release();
        spares
    }

    #[test]
    fn no_spare_is_handed_over_before_the_release() {
        let (_l, addr) = listener();
        let spares = Spares::default();
        spares.lock().spares.push(Spare {
            stream: TcpStream::connect(addr).unwrap(),
            opened: Instant::now(),
        });
        assert!(spares.take(&[addr]).is_none());
        assert_eq!(spares.len(), 1);
        spares.release();
        assert!(spares.take(&[addr]).is_some());
    }

    #[test]
    fn a_spare_goes_only_to_its_own_address() {
        let (_l, addr) = listener();
        let (_other_listener, other) = listener();
        let spares = spare_to(addr, Instant::now());
        assert!(spares.take(&[other]).is_none());
        assert_eq!(spares.len(), 1, "a spare for another address is kept");
        let stream = spares.take(&[other, addr]).expect("the spare");
        assert_eq!(stream.peer_addr().unwrap(), addr);
        assert_eq!(spares.len(), 0);
    }

    #[test]
    fn a_stale_spare_is_dropped() {
        let (_l, addr) = listener();
        let Some(old) = Instant::now().checked_sub(MAX_AGE + Duration::from_secs(1)) else {
            return; // a clock this young cannot express an old spare
        };
        let spares = spare_to(addr, old);
        assert!(spares.take(&[addr]).is_none());
        assert_eq!(spares.len(), 0);
    }

    #[test]
    fn a_spare_the_server_closed_or_wrote_to_is_dropped() {
        let (listener, addr) = listener();
        let spares = spare_to(addr, Instant::now());
        let (server_side, _) = listener.accept().unwrap();
        drop(server_side);
        // The end of stream arrives asynchronously; wait until it is visible.
        let deadline = Instant::now() + Duration::from_secs(5);
        while is_open(&spares.lock().spares[0].stream) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        assert!(spares.take(&[addr]).is_none(), "a closed spare is not used");

        let spares = spare_to(addr, Instant::now());
        let (mut server_side, _) = listener.accept().unwrap();
        server_side
            .write_all(b"HTTP/1.1 408 Request Timeout\r\n\r\n")
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while is_open(&spares.lock().spares[0].stream) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        assert!(
            spares.take(&[addr]).is_none(),
            "unasked-for bytes: not used"
        );
    }

    #[test]
    fn open_connects_in_the_background() {
        let (listener, addr) = listener();
        let spares = Spares::default();
        spares.open("127.0.0.1", addr.port(), 3, Duration::from_secs(5));
        for _ in 0..3 {
            listener.accept().unwrap();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while spares.len() < 3 && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(spares.len(), 3);
    }
}

//! A minimal HTTP/1.1 client for the telematics service, on `std::net` alone.
//!
//! The worker reads the service through the [`Service`] trait (tests give it an in-memory
//! service); [`HttpService`] is the real one: one `GET` a connection (`Connection: close`), a
//! connect timeout and read and write timeouts, the status line parsed, the body read by its
//! `Content-Length`, in chunks (`Transfer-Encoding: chunked`) or to the end of the connection,
//! and never more than [`HttpService::max_body`] bytes.
//!
//! Only `http://` URLs: the client speaks no TLS. An operator whose service is reached over
//! HTTPS (as it should be across the internet, with its client key) runs a local TLS-terminating
//! proxy (nginx, stunnel, a sidecar) and points the worker at `http://127.0.0.1:PORT`.
//!
//! `timeout` bounds connecting and every read and write, not the whole exchange: a service that
//! stalls fails within it, one that keeps sending slowly is bounded only by `max_body`.

use std::{
	fmt,
	io::{self, BufRead, BufReader, Read, Write},
	net::{TcpStream, ToSocketAddrs},
	time::Duration,
};

/// Where the worker reads the telematics service: one `GET`, its status and body.
pub trait Service {
	/// `GET` of `path_and_query` (starting with `/`) below the service's base URL: the status
	/// code and the body.
	fn get(&self, path_and_query: &str) -> Result<(u16, Vec<u8>), HttpError>;
}

/// Why a `GET` got no answer.
#[derive(Debug)]
pub enum HttpError {
	/// The base URL or the path is not one the client can use.
	BadUrl(String),
	/// The URL is not `http://`: put a TLS-terminating proxy in front of an `https://` service.
	UnsupportedScheme,
	/// The host name did not resolve, or to no address.
	Resolve(io::Error),
	/// No connection to any of the host's addresses within the timeout.
	Connect(io::Error),
	/// Sending the request or reading the answer failed or timed out.
	Io(io::Error),
	/// The answer is not HTTP/1.x as this client reads it.
	MalformedResponse(&'static str),
	/// The answer's body is longer than [`HttpService::max_body`].
	TooLarge,
}

impl fmt::Display for HttpError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::BadUrl(why) => write!(f, "bad URL: {why}"),
			Self::UnsupportedScheme => {
				write!(f, "only http:// URLs: terminate TLS in a local proxy")
			},
			Self::Resolve(error) => write!(f, "cannot resolve the host: {error}"),
			Self::Connect(error) => write!(f, "cannot connect: {error}"),
			Self::Io(error) => write!(f, "request failed: {error}"),
			Self::MalformedResponse(why) => write!(f, "malformed response: {why}"),
			Self::TooLarge => write!(f, "response body too large"),
		}
	}
}

impl std::error::Error for HttpError {}

/// The most bytes of status line and headers read.
const MAX_HEAD: u64 = 64 * 1024;

/// The telematics service over plain HTTP/1.1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpService {
	/// `http://host[:port][/prefix]`; paths go after the prefix.
	pub base: String,
	/// Bounds connecting and every read and write.
	pub timeout: Duration,
	/// The longest body taken; a longer one fails with [`HttpError::TooLarge`].
	pub max_body: usize,
}

impl HttpService {
	/// The default [`HttpService::max_body`]: 1 GiB (the fleet of 1,000,000 cars is about
	/// 190 MB of JSON).
	pub const DEFAULT_MAX_BODY: usize = 1 << 30;

	/// The service at `base` (`http://host[:port][/prefix]`), checked now.
	pub fn new(base: impl Into<String>, timeout: Duration) -> Result<Self, HttpError> {
		let base = base.into();
		parse_base(&base)?;
		Ok(Self { base, timeout, max_body: Self::DEFAULT_MAX_BODY })
	}
}

/// A base URL, taken apart.
#[derive(Debug, PartialEq, Eq)]
struct Target {
	/// The `Host` header: the authority as written.
	authority: String,
	/// The host to resolve (IPv6 without brackets).
	host: String,
	port: u16,
	/// The path prefix, without a trailing `/` (empty for none).
	prefix: String,
}

fn parse_base(base: &str) -> Result<Target, HttpError> {
	let bad = |why: &str| HttpError::BadUrl(format!("{base}: {why}"));
	let (scheme, rest) = base.split_once("://").ok_or_else(|| bad("no scheme"))?;
	if !scheme.eq_ignore_ascii_case("http") {
		return Err(HttpError::UnsupportedScheme);
	}
	let (authority, prefix) = match rest.find('/') {
		Some(at) => rest.split_at(at),
		None => (rest, ""),
	};
	if authority.contains('@') || rest.contains(['?', '#']) {
		return Err(bad("no user, query or fragment in the base URL"));
	}
	let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
		let (host, after) = bracketed.split_once(']').ok_or_else(|| bad("unclosed ["))?;
		match after {
			"" => (host, None),
			_ => (host, Some(after.strip_prefix(':').ok_or_else(|| bad("junk after ]"))?)),
		}
	} else {
		match authority.split_once(':') {
			Some((host, port)) => (host, Some(port)),
			None => (authority, None),
		}
	};
	if host.is_empty() {
		return Err(bad("no host"));
	}
	let port = match port {
		None => 80,
		Some(port) => port.parse().map_err(|_| bad("bad port"))?,
	};
	Ok(Target {
		authority: authority.to_string(),
		host: host.to_string(),
		port,
		prefix: prefix.trim_end_matches('/').to_string(),
	})
}

impl Service for HttpService {
	fn get(&self, path_and_query: &str) -> Result<(u16, Vec<u8>), HttpError> {
		let target = parse_base(&self.base)?;
		if !path_and_query.starts_with('/') || path_and_query.contains([' ', '\r', '\n']) {
			return Err(HttpError::BadUrl(format!("{path_and_query}: not a path")));
		}
		let stream = connect(&target, self.timeout)?;
		stream.set_read_timeout(Some(self.timeout)).map_err(HttpError::Io)?;
		stream.set_write_timeout(Some(self.timeout)).map_err(HttpError::Io)?;
		let request = format!(
			"GET {}{path_and_query} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\n\
			 User-Agent: valley-operator\r\nConnection: close\r\n\r\n",
			target.prefix, target.authority
		);
		(&stream).write_all(request.as_bytes()).map_err(HttpError::Io)?;
		read_response(BufReader::new(stream), self.max_body)
	}
}

fn connect(target: &Target, timeout: Duration) -> Result<TcpStream, HttpError> {
	let addresses =
		(target.host.as_str(), target.port).to_socket_addrs().map_err(HttpError::Resolve)?;
	let mut last = None;
	for address in addresses {
		match TcpStream::connect_timeout(&address, timeout) {
			Ok(stream) => return Ok(stream),
			Err(error) => last = Some(error),
		}
	}
	Err(match last {
		Some(error) => HttpError::Connect(error),
		None => HttpError::Resolve(io::Error::new(io::ErrorKind::NotFound, "no address")),
	})
}

/// One line of the head, without its line end.
fn head_line(reader: &mut impl BufRead, budget: &mut u64) -> Result<String, HttpError> {
	let mut line = Vec::new();
	let read = reader.by_ref().take(*budget).read_until(b'\n', &mut line).map_err(HttpError::Io)?;
	*budget -= read as u64;
	if line.last() != Some(&b'\n') {
		return Err(HttpError::MalformedResponse(if *budget == 0 {
			"head too long"
		} else {
			"connection closed in the head"
		}));
	}
	line.pop();
	if line.last() == Some(&b'\r') {
		line.pop();
	}
	String::from_utf8(line).map_err(|_| HttpError::MalformedResponse("head not UTF-8"))
}

/// Reads a status line and headers, then the body: the status and the body.
fn read_response(mut reader: impl BufRead, max_body: usize) -> Result<(u16, Vec<u8>), HttpError> {
	let mut budget = MAX_HEAD;
	let status = loop {
		let line = head_line(&mut reader, &mut budget)?;
		let mut parts = line.splitn(3, ' ');
		let (version, code) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
		if !version.starts_with("HTTP/1.") || code.len() != 3 {
			return Err(HttpError::MalformedResponse("bad status line"));
		}
		let status: u16 = code.parse().map_err(|_| HttpError::MalformedResponse("bad status"))?;
		if (100..200).contains(&status) {
			// An interim answer (100 Continue): its headers, then the real one.
			while !head_line(&mut reader, &mut budget)?.is_empty() {}
			continue;
		}
		break status;
	};
	let (mut length, mut chunked) = (None, false);
	loop {
		let line = head_line(&mut reader, &mut budget)?;
		if line.is_empty() {
			break;
		}
		let (name, value) =
			line.split_once(':').ok_or(HttpError::MalformedResponse("bad header"))?;
		let value = value.trim();
		if name.eq_ignore_ascii_case("content-length") {
			let parsed: u64 =
				value.parse().map_err(|_| HttpError::MalformedResponse("bad Content-Length"))?;
			if length.is_some_and(|known| known != parsed) {
				return Err(HttpError::MalformedResponse("two Content-Lengths"));
			}
			length = Some(parsed);
		} else if name.eq_ignore_ascii_case("transfer-encoding") {
			chunked =
				value.to_ascii_lowercase().split(',').any(|coding| coding.trim() == "chunked");
		}
	}
	if status == 204 || status == 304 {
		return Ok((status, Vec::new()));
	}
	let body = if chunked {
		read_chunked(&mut reader, max_body)?
	} else if let Some(length) = length {
		if length > max_body as u64 {
			return Err(HttpError::TooLarge);
		}
		let mut body = vec![0; length as usize];
		reader.read_exact(&mut body).map_err(HttpError::Io)?;
		body
	} else {
		let mut body = Vec::new();
		reader.take(max_body as u64 + 1).read_to_end(&mut body).map_err(HttpError::Io)?;
		if body.len() > max_body {
			return Err(HttpError::TooLarge);
		}
		body
	};
	Ok((status, body))
}

fn read_chunked(reader: &mut impl BufRead, max_body: usize) -> Result<Vec<u8>, HttpError> {
	let mut body = Vec::new();
	loop {
		// Each chunk's size line and line end, then the trailers, within a head's bytes.
		let mut budget = MAX_HEAD;
		let line = head_line(reader, &mut budget)?;
		let size = line.split(';').next().unwrap_or("").trim();
		let size = usize::from_str_radix(size, 16)
			.map_err(|_| HttpError::MalformedResponse("bad chunk size"))?;
		if size == 0 {
			// Trailers, up to the empty line.
			while !head_line(reader, &mut budget)?.is_empty() {}
			return Ok(body);
		}
		if size > max_body - body.len() {
			return Err(HttpError::TooLarge);
		}
		let start = body.len();
		body.resize(start + size, 0);
		reader.read_exact(&mut body[start..]).map_err(HttpError::Io)?;
		if !head_line(reader, &mut budget)?.is_empty() {
			return Err(HttpError::MalformedResponse("chunk longer than its size"));
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::{net::TcpListener, thread, time::Instant};

	/// A server that takes one connection, reads the request's head, answers `response` and
	/// closes; gives back the request.
	fn serve_once(response: Vec<u8>) -> (String, thread::JoinHandle<String>) {
		let listener = TcpListener::bind("127.0.0.1:0").unwrap();
		let base = format!("http://{}", listener.local_addr().unwrap());
		let handle = thread::spawn(move || {
			let (mut stream, _) = listener.accept().unwrap();
			let mut request = Vec::new();
			let mut byte = [0u8; 1];
			while !request.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
				request.push(byte[0]);
			}
			// The client may have hung up early, on purpose.
			let _ = stream.write_all(&response);
			String::from_utf8(request).unwrap()
		});
		(base, handle)
	}

	fn service(base: &str) -> HttpService {
		HttpService::new(base, Duration::from_secs(5)).unwrap()
	}

	#[test]
	fn answers_are_read_by_length_by_chunks_or_to_the_end() {
		let table: [(&[u8], u16, &[u8]); 8] = [
			(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, b"hello"),
			// Only the length is taken, whatever follows.
			(b"HTTP/1.1 200 OK\r\ncontent-length:  2 \r\n\r\nhello", 200, b"he"),
			(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"ok\":true}", 200, b"{\"ok\":true}"),
			(b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnah", 404, b"nah"),
			(
				b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n",
				200,
				b"Wikipedia",
			),
			(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, b"ok"),
			(b"HTTP/1.1 204 No Content\r\n\r\n", 204, b""),
			// Line ends without carriage returns are taken too.
			(b"HTTP/1.1 500 Oops\nContent-Length: 1\n\nx", 500, b"x"),
		];
		for (response, status, body) in table {
			let (base, server) = serve_once(response.to_vec());
			let answer = service(&base).get("/readings?after=3&limit=500").unwrap();
			assert_eq!(answer, (status, body.to_vec()), "{}", String::from_utf8_lossy(response));
			let request = server.join().unwrap();
			let host = base.trim_start_matches("http://");
			assert!(
				request.starts_with("GET /readings?after=3&limit=500 HTTP/1.1\r\n"),
				"{request}"
			);
			assert!(request.contains(&format!("\r\nHost: {host}\r\n")), "{request}");
			assert!(request.contains("\r\nConnection: close\r\n"), "{request}");
		}
	}

	#[test]
	fn a_body_may_come_in_many_chunks() {
		let mut response = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
		for _ in 0..20_000 {
			response.extend_from_slice(b"2\r\nab\r\n");
		}
		response.extend_from_slice(b"0\r\n\r\n");
		let (base, server) = serve_once(response);
		let (status, body) = service(&base).get("/fleet").unwrap();
		assert_eq!((status, body.len()), (200, 40_000));
		assert!(body.chunks(2).all(|pair| pair == b"ab"));
		server.join().unwrap();
	}

	#[test]
	fn bad_answers_fail() {
		let long_head = format!("HTTP/1.1 200 OK\r\nX: {}\r\n\r\n", "a".repeat(70_000));
		let table: [(Vec<u8>, &str); 9] = [
			(b"".to_vec(), "MalformedResponse(\"connection closed in the head\")"),
			(b"SSH-2.0-OpenSSH\r\n\r\n".to_vec(), "MalformedResponse(\"bad status line\")"),
			(b"HTTP/1.1 2000 OK\r\n\r\n".to_vec(), "MalformedResponse(\"bad status line\")"),
			(
				b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n".to_vec(),
				"MalformedResponse(\"bad Content-Length\")",
			),
			(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort".to_vec(), "Io("),
			(b"HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n".to_vec(), "TooLarge"),
			(b"HTTP/1.1 200 OK\r\n\r\n".iter().chain(&[b'x'; 1001]).copied().collect(), "TooLarge"),
			(
				b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n"
					.to_vec(),
				"MalformedResponse(\"chunk longer than its size\")",
			),
			(long_head.into_bytes(), "MalformedResponse(\"head too long\")"),
		];
		for (response, expected) in table {
			let (base, server) = serve_once(response);
			let mut service = service(&base);
			service.max_body = 1000;
			let error = service.get("/fleet").unwrap_err();
			assert!(format!("{error:?}").starts_with(expected), "{error:?} is not {expected}");
			server.join().unwrap();
		}
	}

	#[test]
	fn the_base_path_goes_before_the_path() {
		let (base, server) = serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec());
		assert_eq!(service(&format!("{base}/api/v1/")).get("/fleet").unwrap(), (200, vec![]));
		assert!(server.join().unwrap().starts_with("GET /api/v1/fleet HTTP/1.1\r\n"));
	}

	#[test]
	fn base_urls() {
		let target = |authority: &str, host: &str, port, prefix: &str| Target {
			authority: authority.into(),
			host: host.into(),
			port,
			prefix: prefix.into(),
		};
		let table = [
			("http://127.0.0.1:8787", Some(target("127.0.0.1:8787", "127.0.0.1", 8787, ""))),
			("http://localhost", Some(target("localhost", "localhost", 80, ""))),
			("HTTP://svc/a/b/", Some(target("svc", "svc", 80, "/a/b"))),
			("http://[::1]:9000/x", Some(target("[::1]:9000", "::1", 9000, "/x"))),
			("http://[::1]", Some(target("[::1]", "::1", 80, ""))),
			("http://", None),
			("http://:80", None),
			("http://host:99999", None),
			("http://host:port", None),
			("http://user@host", None),
			("http://host/?a=1", None),
			("http://[::1", None),
			("host:80", None),
		];
		for (base, expected) in table {
			assert_eq!(parse_base(base).ok(), expected, "{base}");
		}
		assert!(matches!(parse_base("https://host"), Err(HttpError::UnsupportedScheme)));
		assert!(matches!(
			HttpService::new("https://host", Duration::from_secs(1)),
			Err(HttpError::UnsupportedScheme)
		));
		assert!(matches!(service("http://h").get("fleet"), Err(HttpError::BadUrl(_))));
		assert!(matches!(service("http://h").get("/a b"), Err(HttpError::BadUrl(_))));
	}

	#[test]
	fn a_closed_port_fails_to_connect() {
		let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
		let error = service(&format!("http://127.0.0.1:{port}")).get("/health").unwrap_err();
		assert!(matches!(error, HttpError::Connect(_)), "{error:?}");
	}

	#[test]
	fn a_silent_service_times_out() {
		let listener = TcpListener::bind("127.0.0.1:0").unwrap();
		let base = format!("http://{}", listener.local_addr().unwrap());
		let server = thread::spawn(move || {
			let (stream, _) = listener.accept().unwrap();
			thread::sleep(Duration::from_millis(1_500));
			drop(stream);
		});
		let started = Instant::now();
		let error = HttpService::new(base, Duration::from_millis(200)).unwrap().get("/health");
		assert!(matches!(error, Err(HttpError::Io(_))), "{error:?}");
		assert!(started.elapsed() < Duration::from_millis(1_400), "{:?}", started.elapsed());
		server.join().unwrap();
	}
}

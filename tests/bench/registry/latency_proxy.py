"""HTTP/1.1 reverse proxy that adds a fixed delay to each request and logs it.

    latency_proxy.py --upstream 127.0.0.1:PORT --delay-ms 10 --log FILE \
        --port-file FILE

Listens on 127.0.0.1 on a port the kernel picks and writes that port to
--port-file once it accepts connections. Each client connection gets its
own upstream connection, and both are kept alive between requests, as a
client's connections to a distant registry would be. Every request waits
--delay-ms before it is forwarded, which models the round trip of a wide
area network; the response is relayed as it arrives. Each request is
appended to --log as "METHOD PATH STATUS" when its response header
arrives, before the response is relayed, so a client that has its
response finds the line in the log. Ends on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import os
import signal
import sys

HEADER_LIMIT = 64 * 1024
COPY_CHUNK = 64 * 1024


class Message:
    """The start line and headers of a request or a response."""

    def __init__(self, head):
        lines = head.decode("latin-1").split("\r\n")
        self.start_line = lines[0]
        self.headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                self.headers[name.strip().lower()] = value.strip()

    def header(self, name):
        return self.headers.get(name, "")

    def is_chunked(self):
        return "chunked" in self.header("transfer-encoding").lower()

    def content_length(self):
        value = self.header("content-length")
        return int(value) if value else None

    def wants_close(self, version):
        connection = self.header("connection").lower()
        return connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")


async def read_head(reader):
    """Returns the bytes up to and including the blank line, or b"" at EOF."""
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if error.partial.strip():
            raise ConnectionError("connection closed inside a message header") from error
        return b""


async def copy_exactly(reader, writer, count):
    while count > 0:
        data = await reader.read(min(count, COPY_CHUNK))
        if not data:
            raise ConnectionError("connection closed inside a message body")
        writer.write(data)
        count -= len(data)
    await writer.drain()


async def copy_chunked(reader, writer):
    """Relays a chunked body, the final chunk and its trailers included."""
    while True:
        size_line = await reader.readuntil(b"\r\n")
        writer.write(size_line)
        size = int(size_line.split(b";")[0].strip(), 16)
        if size == 0:
            break
        await copy_exactly(reader, writer, size + 2)
    while True:
        trailer = await reader.readuntil(b"\r\n")
        writer.write(trailer)
        if trailer == b"\r\n":
            break
    await writer.drain()


async def copy_until_close(reader, writer):
    while data := await reader.read(COPY_CHUNK):
        writer.write(data)
        await writer.drain()


class Proxy:
    def __init__(self, upstream_host, upstream_port, delay_seconds, log):
        self.upstream_host = upstream_host
        self.upstream_port = upstream_port
        self.delay_seconds = delay_seconds
        self.log = log

    async def serve_client(self, client_reader, client_writer):
        upstream = None
        try:
            while True:
                head = await read_head(client_reader)
                if not head:
                    break

                request = Message(head)
                method, path, version = request.start_line.split(" ", 2)
                if self.delay_seconds > 0:
                    await asyncio.sleep(self.delay_seconds)

                if upstream is None:
                    upstream = await asyncio.open_connection(self.upstream_host, self.upstream_port,
                                                             limit=HEADER_LIMIT)
                upstream_reader, upstream_writer = upstream
                upstream_writer.write(head)
                await self.copy_body(request, client_reader, upstream_writer, has_body=True)

                response_head = await read_head(upstream_reader)
                if not response_head:
                    raise ConnectionError("the registry closed the connection without a response")
                response = Message(response_head)
                status = response.start_line.split(" ", 2)[1]
                self.log.write(f"{method} {path} {status}\n")
                self.log.flush()

                client_writer.write(response_head)
                until_close = await self.copy_body(response, upstream_reader, client_writer,
                                                   has_body=method != "HEAD" and status not in ("204", "304"))

                if until_close or request.wants_close(version) or response.wants_close(version):
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
            print(f"latency_proxy: connection ended: {error!r}", file=sys.stderr)
        finally:
            client_writer.close()
            if upstream is not None:
                upstream[1].close()

    @staticmethod
    async def copy_body(message, reader, writer, has_body):
        """Relays the body and returns True when the body ends with the connection."""
        if not has_body:
            await writer.drain()
            return False
        if message.is_chunked():
            await copy_chunked(reader, writer)
            return False
        length = message.content_length()
        if length is not None:
            await copy_exactly(reader, writer, length)
            return False
        if message.start_line.startswith("HTTP/"):
            await copy_until_close(reader, writer)
            return True
        await writer.drain()
        return False


async def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upstream", required=True, help="HOST:PORT of the registry")
    parser.add_argument("--delay-ms", type=float, default=10.0, help="delay added to each request, in ms")
    parser.add_argument("--log", required=True, help="file that receives one line per request")
    parser.add_argument("--port-file", required=True, help="file that receives the listening port")
    args = parser.parse_args()

    host, port = args.upstream.rsplit(":", 1)
    with open(args.log, "a") as log:
        proxy = Proxy(host, int(port), args.delay_ms / 1000.0, log)
        server = await asyncio.start_server(proxy.serve_client, "127.0.0.1", 0, limit=HEADER_LIMIT, backlog=1024)
        listening_port = server.sockets[0].getsockname()[1]

        # Written to a temporary name and renamed, so a reader never sees
        # a partial port number.
        with open(args.port_file + ".tmp", "w") as out:
            out.write(f"{listening_port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signal_number, stop.set)
        async with server:
            await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())

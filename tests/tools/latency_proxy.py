"""A TCP proxy on 127.0.0.1 that adds latency: every byte a client sends reaches the server a set
number of milliseconds later, so each request/response exchange (an S3 GET, a Redis command, an
HTTP PUT) costs that much more, as a round trip to a remote store does. Pipelined requests are
delayed together, not one after another: the delay is a shift in time, not a queue.

In a test or the benchmark:   proxy = LatencyProxy(server_port, delay_ms=20).start()
                              ... connect to 127.0.0.1:proxy.port ...; proxy.stop()
From a shell:                 python3 latency_proxy.py SERVER_PORT DELAY_MS
                              (prints the listening port; stops when its stdin closes)

Standard library only; it runs its event loop in a daemon thread of the calling process, so it
stops with that process."""
import asyncio
import sys
import threading
import time

CHUNK = 256 * 1024


class LatencyProxy:
    def __init__(self, target_port: int, delay_ms: float, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.delay = delay_ms / 1000.0
        self.port = None
        self.connections = 0
        self.client_bytes = 0
        self._loop = asyncio.new_event_loop()
        self._server = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="latency-proxy")

    def start(self) -> "LatencyProxy":
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop).result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            async def close():
                self._server.close()
                for task in asyncio.all_tasks():
                    if task is not asyncio.current_task():
                        task.cancel()
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
            self._server = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _serve(self, client_reader, client_writer):
        self.connections += 1
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        upstream = asyncio.create_task(self._delayed_copy(client_reader, server_writer))
        downstream = asyncio.create_task(self._copy(server_reader, client_writer))
        # The exchange ends when the server is done; a client's EOF is passed on (after the
        # delay) and the server's answer still flows back.
        try:
            await downstream
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            upstream.cancel()
            for writer in (server_writer, client_writer):
                writer.close()

    async def _delayed_copy(self, reader, writer):
        """Reads as data arrives and writes each chunk `delay` after its arrival, in order."""
        queue: asyncio.Queue = asyncio.Queue()

        async def read():
            while chunk := await reader.read(CHUNK):
                self.client_bytes += len(chunk)
                queue.put_nowait((time.monotonic() + self.delay, chunk))
            queue.put_nowait((time.monotonic() + self.delay, b""))

        reading = asyncio.create_task(read())
        try:
            while True:
                due, chunk = await queue.get()
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not chunk:
                    writer.write_eof()
                    await writer.drain()
                    return
                writer.write(chunk)
                await writer.drain()
        finally:
            reading.cancel()

    @staticmethod
    async def _copy(reader, writer):
        while chunk := await reader.read(CHUNK):
            writer.write(chunk)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: latency_proxy.py SERVER_PORT DELAY_MS")
    proxy = LatencyProxy(int(argv[0]), float(argv[1])).start()
    print(proxy.port, flush=True)
    sys.stdin.read()  # until the parent closes our stdin or exits
    proxy.stop()


if __name__ == "__main__":
    main(sys.argv[1:])

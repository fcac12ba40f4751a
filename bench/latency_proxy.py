"""A TCP proxy that adds a network's round trip to every exchange: the benchmarks' stand-in for
the distance to a real platform, which the local sandbox (answering in a few milliseconds on
the same machine) does not have.

Each chunk of bytes waits half the round trip in each direction, in order, per connection.
"""

import asyncio
import threading


class LatencyProxy:
    def __init__(self, target_port: int, round_trip_ms: float) -> None:
        self.target_port = target_port
        self.one_way = round_trip_ms / 2000
        self.port = 0
        self._started = threading.Event()
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()

    def start(self) -> "LatencyProxy":
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)

    async def _listen(self) -> None:
        server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]

    async def _connection(self, client_in, client_out) -> None:
        server_in, server_out = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(self._pipe(client_in, server_out), self._pipe(server_in, client_out))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Chunks are delayed, not the pipe: a chunk read now leaves one_way seconds from now,
        # whatever is still in flight before it.
        queue: asyncio.Queue = asyncio.Queue()

        async def send_when_due() -> None:
            while (item := await queue.get()) is not None:
                due, chunk = item
                await asyncio.sleep(max(0.0, due - self._loop.time()))
                writer.write(chunk)
                await writer.drain()
            writer.close()

        sender = asyncio.ensure_future(send_when_due())
        try:
            while chunk := await reader.read(65536):
                queue.put_nowait((self._loop.time() + self.one_way, chunk))
        except ConnectionError:
            pass
        queue.put_nowait(None)
        await sender

# The command line's `run semaphore --set tasks=10000 --set limit=100
# --set duration_ms=1000` in asyncio: `cargo xtask bench` runs it under
# CPython on a virtual clock (crates/core/tests/composer/cpython_virtual.py)
# as the command line's baseline.
import asyncio


async def task(sem):
    async with sem:
        await asyncio.sleep(1)


async def main():
    sem = asyncio.Semaphore(100)
    await asyncio.gather(*(asyncio.create_task(task(sem), name=f"task{i}") for i in range(10000)))


asyncio.run(main())

import asyncio
from contextlib import asynccontextmanager

@asynccontextmanager
async def connection(name):
    print("open", name)
    await asyncio.sleep(1.0)
    try:
        yield name.upper()
    finally:
        await asyncio.sleep(1.0)
        print("closed", name)

async def use(name, fail):
    async with connection(name) as conn:
        print("using", conn)
        await asyncio.sleep(0.5)
        if fail:
            raise ValueError(f"{name} broke")

async def main():
    await use("a", False)
    try:
        await use("b", True)
    except ValueError as e:
        print("caught", e)
    t = asyncio.create_task(use("c", False))
    await asyncio.sleep(1.2)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("c was cancelled and closed")

asyncio.run(main())

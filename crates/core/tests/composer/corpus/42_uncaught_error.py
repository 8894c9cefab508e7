import asyncio

async def main():
    await asyncio.sleep(1)
    print("about to fail")
    raise ValueError("the main coroutine failed")

asyncio.run(main())

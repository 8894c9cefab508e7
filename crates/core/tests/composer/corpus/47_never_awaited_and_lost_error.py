import asyncio

async def helper():
    await asyncio.sleep(1)

async def boom():
    await asyncio.sleep(0.5)
    raise RuntimeError("nobody looks at this")

async def main():
    helper()
    asyncio.create_task(boom())
    await asyncio.sleep(1)
    print("main done")

asyncio.run(main())

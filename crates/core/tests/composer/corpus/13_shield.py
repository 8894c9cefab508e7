import asyncio

async def important():
    await asyncio.sleep(3)
    print("important work finished")
    return 7

async def main():
    inner = asyncio.create_task(important())
    try:
        await asyncio.wait_for(asyncio.shield(inner), timeout=1)
    except asyncio.TimeoutError:
        print("gave up waiting, work goes on")
    print("result", await inner)

asyncio.run(main())

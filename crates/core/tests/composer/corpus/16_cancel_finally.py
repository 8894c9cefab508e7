import asyncio

async def worker():
    try:
        print("working")
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("cancelled; cleaning up")
        await asyncio.sleep(0.5)
        print("clean")
        raise
    finally:
        print("finally runs")

async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(1)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("main saw the cancel at", asyncio.get_running_loop().time())
    print(t.cancelled())

asyncio.run(main())

import asyncio

async def stubborn():
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        print("ignoring the cancel")
    await asyncio.sleep(1)
    return "finished anyway"

async def main():
    t = asyncio.create_task(stubborn())
    await asyncio.sleep(1)
    t.cancel()
    print(await t)
    print("cancelled?", t.cancelled())

asyncio.run(main())

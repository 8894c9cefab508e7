import asyncio

async def never():
    print("this does not print")

async def main():
    t = asyncio.create_task(never())
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("cancelled before it ran:", t.cancelled())

asyncio.run(main())

import asyncio

async def quick(x):
    await asyncio.sleep(0.5)
    return x + 1

async def main():
    value = await asyncio.wait_for(quick(41), timeout=2)
    print("got", value)
    value = await asyncio.wait_for(quick(1), None)
    print("got", value)

asyncio.run(main())

import asyncio

async def main():
    try:
        async with asyncio.timeout(1.5):
            for i in range(5):
                await asyncio.sleep(0.5)
                print("step", i)
    except TimeoutError:
        print("timeout after the steps above")
    async with asyncio.timeout(None):
        await asyncio.sleep(0.1)
    print("end")

asyncio.run(main())

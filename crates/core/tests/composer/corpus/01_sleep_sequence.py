import asyncio

async def main():
    loop = asyncio.get_running_loop()
    for i in range(3):
        await asyncio.sleep(0.25)
        print(f"tick {i} at {loop.time():.2f}")
    print("done")

asyncio.run(main())

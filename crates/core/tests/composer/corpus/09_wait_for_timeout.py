import asyncio

async def slow():
    try:
        await asyncio.sleep(10)
        return "never"
    finally:
        print("slow cleans up")

async def main():
    try:
        await asyncio.wait_for(slow(), timeout=2)
    except asyncio.TimeoutError:
        print("timed out at", asyncio.get_running_loop().time())

asyncio.run(main())

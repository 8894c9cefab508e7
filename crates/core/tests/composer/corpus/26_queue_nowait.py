import asyncio

async def main():
    q = asyncio.Queue(1)
    q.put_nowait("a")
    try:
        q.put_nowait("b")
    except asyncio.QueueFull:
        print("full", q.full())
    print(q.get_nowait())
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        print("empty", q.empty())

asyncio.run(main())

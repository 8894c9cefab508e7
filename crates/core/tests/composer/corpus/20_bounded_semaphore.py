import asyncio

async def main():
    sem = asyncio.BoundedSemaphore(2)
    await sem.acquire()
    sem.release()
    try:
        sem.release()
    except ValueError as e:
        print("refused:", e)
    print("locked?", sem.locked())

asyncio.run(main())

import asyncio

async def main():
    s = "  Hello, Async World  "
    words = s.strip().split(", ")
    print(words, "-".join(words).lower(), s.replace("World", "Rust").strip())
    print("a,b,,c".split(","), "x".center(5, "*"), "7".zfill(3), "ab".upper().startswith("A"))
    print("{} + {} = {:.1f}".format(1, 2, 3), "%s has %d items" % ("cart", 3), "abc".find("c"))
    print(len("héllo"), "héllo"[1], "loop" in "event loop", "Title case".title())
    await asyncio.sleep(0)

asyncio.run(main())

import asyncio

async def main():
    xs = list(range(10))
    print(xs[2:5], xs[::3], xs[-3:], xs[7:2:-2], xs[-1])
    xs[0] = 100
    del xs[1]
    xs.insert(0, -1)
    xs.append(99)
    print(xs, xs.pop(), xs.index(100), len(xs))
    d = {"a": 1}
    d["b"] = 2
    d.update({"c": 3})
    print(d, d.get("z", 0), d.pop("a"), list(d.keys()), list(d.values()), "b" in d)
    t = (1, 2, 3)
    print(t[1:], t.count(2), (1,) + t)
    await asyncio.sleep(0)

asyncio.run(main())

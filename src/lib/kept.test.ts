import { describe, expect, it } from "vitest";
import { keptFor } from "./kept.ts";

describe("keptFor", () => {
  const at = (ms: number) => new Date(Date.UTC(2026, 11, 6) + ms);

  it("counts once for askers at the same moment, keeps the figures for their age, then counts again", async () => {
    const figures = keptFor<object, number>(1000);
    const key = {};
    let counts = 0;
    const count = async () => ++counts;
    const [a, b] = await Promise.all([figures.get(key, at(0), count), figures.get(key, at(0), count)]);
    expect([a.value, b.value, counts]).toEqual([1, 1, 1]);
    expect((await figures.get(key, at(999), count)).countedAt).toEqual(at(0));
    expect(await figures.get(key, at(1000), count)).toEqual({ value: 2, countedAt: at(1000) });
    // The clock gone back (the demo clock reset): counted again.
    expect((await figures.get(key, at(10), count)).value).toBe(3);
  });

  it("counts again once forgotten, by key, and never keeps a failed count", async () => {
    const figures = keptFor<object, number>(60_000);
    const one = {};
    const other = {};
    let counts = 0;
    const count = async () => ++counts;
    await figures.get(one, at(0), count);
    await figures.get(other, at(0), count);
    figures.forget(one);
    expect((await figures.get(one, at(1), count)).value).toBe(3);
    expect((await figures.get(other, at(1), count)).value).toBe(2);
    const failing = figures.get({}, at(0), async () => {
      throw new Error("database gone");
    });
    await expect(failing).rejects.toThrow("database gone");
    const key = {};
    await expect(figures.get(key, at(0), () => Promise.reject(new Error("once")))).rejects.toThrow("once");
    expect((await figures.get(key, at(0), count)).value).toBe(4);
  });

  it("keeps figures by name within a key, up to so many names, the first counted going first", async () => {
    const figures = keptFor<object, string>(60_000, { names: 2 });
    const key = {};
    let counts = 0;
    const count = (name: string) => async () => `${name}${++counts}`;
    expect((await figures.get(key, at(0), count("a"), "a")).value).toBe("a1");
    expect((await figures.get(key, at(0), count("b"), "b")).value).toBe("b2");
    expect((await figures.get(key, at(1), count("a"), "a")).value).toBe("a1");
    // A third name: "a", counted first, goes.
    expect((await figures.get(key, at(1), count("c"), "c")).value).toBe("c3");
    expect((await figures.get(key, at(2), count("b"), "b")).value).toBe("b2");
    expect((await figures.get(key, at(2), count("a"), "a")).value).toBe("a4");
    figures.forget(key);
    expect((await figures.get(key, at(3), count("c"), "c")).value).toBe("c5");
  });
});

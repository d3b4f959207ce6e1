import { describe, expect, it } from "vitest";
import { MessageCatalogue, msg, templateOf } from "./messages.ts";

describe("messages made in English", () => {
  it("are their English text, with their template as the key of their translation", () => {
    const when = "5pm on 1 May 2027";
    expect(msg`The deadline for bids passed at ${when}.`).toBe(
      "The deadline for bids passed at 5pm on 1 May 2027.",
    );
    expect(msg`Enter ${3} or fewer`).toBe("Enter 3 or fewer");
    expect(templateOf(["The deadline for bids passed at ", "."])).toBe(
      "The deadline for bids passed at {0}.",
    );
    expect(templateOf(["From ", " to ", ""])).toBe("From {0} to {1}");
  });

  const welsh = new MessageCatalogue("cy", {
    "The deadline for bids passed at {0}.": "Aeth y dyddiad cau ar gyfer cynigion heibio am {0}.",
    "Enter a name": "Rhowch enw",
    "Enter {0}": "Rhowch {0}",
    "a contract": "contract",
    "{0} minutes": "{0} munud",
    "Wait {0}, then try again.": "Arhoswch {0}, yna rhowch gynnig arall arni.",
    "{1} comes after {0}": "Daw {1} ar ôl {0}",
  });

  it("are translated as they were made: their template, their dates and the values that are messages too", () => {
    expect(welsh.translate(msg`The deadline for bids passed at ${"5pm on 1 May 2027"}.`)).toBe(
      "Aeth y dyddiad cau ar gyfer cynigion heibio am 5yp ar 1 Mai 2027.",
    );
    expect(welsh.translate(msg`Enter ${"Carers Trust"}`)).toBe("Rhowch Carers Trust");
    expect(welsh.translate(msg`Enter ${msg`a contract`}`)).toBe("Rhowch contract");
    expect(welsh.translate(msg`Wait ${msg`${5} minutes`}, then try again.`)).toBe(
      "Arhoswch 5 munud, yna rhowch gynnig arall arni.",
    );
  });

  it("are translated from their text alone by a template with words of its own, the most specific first", () => {
    expect(welsh.translate("Enter a name")).toBe("Rhowch enw");
    expect(welsh.translate("The deadline for bids passed at midday on 2 June 2027.")).toBe(
      "Aeth y dyddiad cau ar gyfer cynigion heibio am canol dydd ar 2 Mehefin 2027.",
    );
    expect(welsh.translate("B comes after A")).toBe("Daw B ar ôl A");
    // "{0} minutes" has one word of its own: too few to tell it from any text ending in "minutes".
    expect(welsh.translate("Wait for 5 minutes")).toBeNull();
  });

  it("are not half translated from their text: a value in English words of its own keeps the whole in English", () => {
    expect(welsh.translate("The deadline for bids passed at lunch time.")).toBeNull();
    expect(welsh.translate("Wait a while, then try again.")).toBeNull();
    // Data — a name, a number, a date — is put into the translation as it is.
    expect(welsh.translate("Greenway Ltd comes after Carewell Ltd")).toBe(
      "Daw Greenway Ltd ar ôl Carewell Ltd",
    );
    expect(welsh.translate("Wait 5 minutes, then try again.")).toBe(
      "Arhoswch 5 munud, yna rhowch gynnig arall arni.",
    );
  });

  it("are not translated when no template made them", () => {
    expect(welsh.translate("Something else entirely")).toBeNull();
    expect(welsh.translate(msg`Something made but not translated`)).toBeNull();
    expect(welsh.translate("The deadline for bids passed at 5pm on 1 May 2027")).toBeNull();
  });

  it("need words of their own to be translated", () => {
    expect(() => new MessageCatalogue("cy", { "{0}": "{0}" })).toThrow("has no words of its own");
  });
});

import { describe, expect, it } from "vitest";
import { contactErrors } from "./contact";

describe("contactErrors", () => {
  it("accepts a complete message", () => {
    expect(contactErrors({ name: "Sanne", email: "sanne@example.nl", message: "Hallo" })).toEqual({});
  });
  it("names every field that is blank or wrong", () => {
    expect(contactErrors({ name: "  ", email: "sanne@", message: "\n" })).toEqual({
      name: "ctErrName",
      email: "ctErrEmail",
      message: "ctErrMessage",
    });
  });
});
